"""Turn decisions (who does which visit when, when each break is) into a full Schedule.

Any planning method decides assignments and break starts; the routes people read (stops in
time order with travel and waiting) follow from those and the instance, so they are derived
here once rather than by each method. The evaluator does not use this module: it checks the
routes it is given.
"""

from __future__ import annotations

from collections import defaultdict

from hemplan.models.contract.schedule import (
    Assignment,
    Route,
    Schedule,
    SolverInfo,
    Stop,
    Unassigned,
    stop_order,
)
from hemplan.solver.breaks import settled_breaks
from hemplan.solver.problem import Problem
from hemplan.solver.solution import RouteKey, Solution


def to_schedule(problem: Problem, solution: Solution, info: SolverInfo | None = None) -> Schedule:
    """The schedule document of `solution`: breaks settled off the road, routes derived."""
    assignments = [
        Assignment(
            visit=visit,
            day=p.day,
            start=p.start,
            carers=list(p.carers),
            starts=list(p.starts) if p.starts else None,
        )
        for visit, p in sorted(solution.assignments.items())
    ]
    unassigned = [Unassigned(visit=v, reason=r) for v, r in sorted(solution.unassigned.items())]
    return assemble_schedule(
        problem,
        assignments,
        dict(sorted(settled_breaks(problem, solution).items())),
        unassigned,
        info,
    )


def build_routes(
    problem: Problem, assignments: list[Assignment], breaks: dict[RouteKey, int]
) -> list[Route]:
    """One route per carer-day that has visits, ordered by start, with travel and waiting.

    `breaks` maps (carer, day) to the break's start; its length is the shift's break minutes.
    """
    by_route: dict[tuple[str, int], list[Assignment]] = defaultdict(list)
    for a in assignments:
        for carer_id in a.carers:
            by_route[(carer_id, a.day)].append(a)
    instance = problem.instance
    routes = []
    for (carer_id, day), visits in sorted(by_route.items()):
        carer = instance.staff_by_id[carer_id]
        shift = carer.shift_by_day.get(day)  # None only in hand-made test schedules
        stops: list[Stop] = [
            Stop(
                kind="visit",
                visit=a.visit,
                client=instance.visit_by_id[a.visit].client,
                start=a.start_of(carer_id),
                end=a.start_of(carer_id) + instance.visit_by_id[a.visit].duration,
            )
            for a in visits
        ]
        if (carer_id, day) in breaks and shift is not None and shift.break_ is not None:
            start = breaks[(carer_id, day)]
            stops.append(Stop(kind="break", start=start, end=start + shift.break_.minutes))
        stops.sort(key=stop_order)
        departure = shift.start if shift is not None else stops[0].start
        routes.append(_with_travel(problem, carer_id, day, departure, stops))
    return routes


def _with_travel(
    problem: Problem, carer_id: str, day: int, shift_start: int, stops: list[Stop]
) -> Route:
    carer = problem.carer(carer_id)
    office = problem.office(carer)
    place, free_from, paused, total = office, shift_start, 0, 0
    filled = []
    for stop in stops:
        if stop.kind == "break":
            filled.append(stop)
            paused += stop.end - stop.start
            continue
        home = problem.home(problem.visit(stop.visit or ""))
        leg = problem.minutes(carer, place, home)
        filled.append(
            stop.model_copy(
                update={"travel": leg, "wait": max(0, stop.start - free_from - paused - leg)}
            )
        )
        total += leg
        place, free_from, paused = home, stop.end, 0
    back = problem.minutes(carer, place, office)
    return Route(
        carer=carer_id, day=day, stops=filled, travel_back=back, travel_minutes=total + back
    )


def assemble_schedule(
    problem: Problem,
    assignments: list[Assignment],
    breaks: dict[RouteKey, int],
    unassigned: list[Unassigned],
    info: SolverInfo | None = None,
) -> Schedule:
    """A complete schedule document (metrics are added by the evaluator, not here); it allows
    borrowing when the problem does."""
    ordered = sorted(assignments, key=lambda a: (a.day, a.start, a.visit))
    return Schedule(
        instance=problem.instance.name,
        start_date=problem.instance.horizon.start_date,
        allow_borrowing=problem.allow_borrowing,
        assignments=ordered,
        routes=build_routes(problem, ordered, breaks),
        unassigned=sorted(unassigned, key=lambda u: u.visit),
        solver=info,
    )
