"""Each recurring visit moved toward its usual time, where its route has room.

Every route of the continuity method, and every route the router returns, starts each visit as
early as its window, the visit before it and the travel allow (`routes.time_route`). A morning
visit routed first one day and third the next then starts an hour apart on the two days,
though the slack of both routes would let it start at one time. Here each visit that is part
of a recurring visit (`Problem.series`) and does not have to start at a set minute (a
double-staffed visit, a lock) moves later toward its recurring visit's median start, as far
as the rest of its route still times, the break included; the order of every route stays.
It never makes a visit later than its promised window where that one was on time (soft
windows), and it changes no carer, no day and no travel.
"""

from __future__ import annotations

from hemplan.solver.continuity.carer_days import CarerDays
from hemplan.solver.continuity.routes import DayContext, RouteStop, latest_starts, time_route
from hemplan.solver.problem import Problem
from hemplan.solver.score import series_medians
from hemplan.solver.solution import Solution


def usual_starts(problem: Problem, plan: Solution) -> dict[str, int]:
    """For each served visit of a recurring visit served more than once, the median start of
    the recurring visit in `plan` (the arrival-time objective's reference:
    `score.series_medians`)."""
    return {v: median for served, median in series_medians(problem, plan) for v in served}


def aligned(problem: Problem, plan: Solution) -> Solution:
    """`plan` with its visits moved toward their usual starts (see the module docstring); the
    plan itself when one of its routes does not time (it cannot for a lawful plan)."""
    routes = CarerDays.from_solution(problem, plan)
    if routes is None:
        return plan
    usual = usual_starts(problem, plan)
    for key, stops in routes.stops.items():
        if stops:
            moved = _moved(routes.contexts[key], stops, usual)
            timing = time_route(routes.contexts[key], moved)
            if timing is not None:
                routes.stops[key], routes.timings[key] = moved, timing
    return routes.to_solution(dict(plan.unassigned))


def _moved(ctx: DayContext, stops: list[RouteStop], usual: dict[str, int]) -> list[RouteStop]:
    """The route's stops, first to last, each free one pinned as close to its usual start as
    the stops after it and the break allow (none earlier than the earliest timing)."""
    stops = list(stops)
    for j, stop in enumerate(stops):
        target = usual.get(stop.visit)
        if stop.fixed is not None or target is None:
            continue
        timing = time_route(ctx, stops)
        if timing is None:
            break
        earliest = timing.starts[j]
        start = stop.last_start(min(target, latest_starts(ctx, stops)[j]))
        if start <= earliest or stop.lateness(start) > stop.lateness(earliest):
            continue
        trial = stops[:j] + [stop.pinned(start)] + stops[j + 1 :]
        if time_route(ctx, trial) is not None:
            stops = trial
    return stops
