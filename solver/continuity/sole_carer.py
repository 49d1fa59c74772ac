"""Visits only one carer can do, routed first as that carer's own route.

When one carer alone holds a skill, every visit needing it must fit that carer's day, and
many of them fit only on a near-shortest route (Mankowska E1: the one carer with skill s1
has 16 visits, which fit its 1,440 minutes in few orders). Inserted one at a time among the
other visits, cheapest place first, they do not: the construction left three of them out,
and the search could not win the last one back. So before any other visit is placed, each
carer-day with at least two such visits gets them in the order a small local search finds
(one visit moved, or a stretch reversed, from the window order and a few shuffles), timed by
the route's own forward pass; a double service's other role goes to the best able carer at
a gap of the grid. Where no order fits, or no partner does, the visits are left to the
ordinary insertion.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from hemplan.models.contract.instance import Visit
from hemplan.models.contract.roles import gap_grid
from hemplan.solver.continuity.carer_days import CarerDays, Key
from hemplan.solver.continuity.insert import Inserter
from hemplan.solver.continuity.routes import (
    DayContext,
    Insertion,
    RouteStop,
    route_lateness,
    time_route,
)
from hemplan.solver.problem import Problem

MIN_VISITS = 2  # one visit alone is placed as well by the ordinary insertion
SHUFFLES = 8  # orders tried besides the window order
# orders timed per carer-day at most: E1's 16 visits take about 13,000 for all nine starts,
# forty visits on a line about 42,000 (a second); a replan that locks a long day's visits to
# their carer stops at this many
ORDER_TIMINGS = 100_000
UNFIT = 1 << 40  # what an order that breaks a window or the shift costs before its minutes


def sole_visits(problem: Problem) -> dict[Key, list[Visit]]:
    """Per carer-day, the one-day visits whose (first) role only that carer can take. A
    locked visit is not counted: its carer or start is the planner's (a replan locks most of
    a period), and the ordinary insertion places it first as it is."""
    found: dict[Key, list[Visit]] = {}
    for visit in problem.instance.visits:
        if visit.id in problem.reasons or len(visit.days) != 1:
            continue
        if visit.locked:
            continue
        holders = _first_role_holders(problem, visit)
        if len(holders) == 1:
            found.setdefault((holders[0], visit.day), []).append(visit)
    return {key: visits for key, visits in sorted(found.items()) if len(visits) >= MIN_VISITS}


def _first_role_holders(problem: Problem, visit: Visit) -> list[str]:
    """Who can take the visit (one carer) or its first role (two carers with roles, the first
    starting first or both together); a pair without roles is not one carer's."""
    eligible = problem.eligible[visit.id]
    if visit.staff_needed == 1:
        return list(eligible)
    if visit.staff_needed != 2 or visit.roles is None:
        return []
    first = visit.slot_skills[0]
    return [c for c in eligible if first <= set(problem.carer(c).skills)]


def route_sole_visits(routes: CarerDays, inserter: Inserter, seed: int) -> set[str]:
    """Put every carer-day's sole visits on its still empty route in a short order (a double
    service with its second carer); the ids of the visits placed."""
    problem = routes.problem
    rng = random.Random(seed)
    placed: set[str] = set()
    for key, visits in sole_visits(problem).items():
        if key not in routes.contexts or routes.stops[key]:
            continue
        order = short_order(routes.contexts[key], [routes.stop(v) for v in visits], rng)
        if order is None:
            continue
        routes.begin()
        if _place_in_order(routes, inserter, key, order):
            routes.commit()
            placed.update(stop.visit for stop in order)
        else:
            routes.rollback()
    return placed


def short_order(
    ctx: DayContext,
    stops: Sequence[RouteStop],
    rng: random.Random,
    timings: int = ORDER_TIMINGS,
) -> list[RouteStop] | None:
    """A feasible order of `stops` with little travel and lateness, or None if none was found.

    Descent by moving one stop and by reversing a stretch, from the window order and from
    `SHUFFLES` shuffles, until `timings` orders have been timed; an order that breaks a
    window or the shift is weighed by how far."""
    by_window = sorted(stops, key=lambda s: (s.earliest, s.latest, s.visit))
    left = [timings]
    best: tuple[int, list[RouteStop]] | None = None
    for attempt in range(SHUFFLES + 1):
        start = by_window if attempt == 0 else rng.sample(by_window, len(by_window))
        cost, order = _descend(ctx, start, left)
        if best is None or cost < best[0]:
            best = (cost, order)
        if left[0] <= 0:
            break
    assert best is not None
    return best[1] if best[0] < UNFIT else None


def _descend(
    ctx: DayContext, order: list[RouteStop], left: list[int]
) -> tuple[int, list[RouteStop]]:
    """First-improvement descent from `order`; `left[0]`: the timings still allowed."""
    cost = _cost(ctx, order)
    improved = True
    while improved and left[0] > 0:
        improved = False
        n = len(order)
        moves = [(i, j, False) for i in range(n) for j in range(n) if i != j]
        moves += [(i, j, True) for i in range(n) for j in range(i + 2, n + 1)]
        for i, j, reverse in moves:
            if left[0] <= 0:
                break
            left[0] -= 1
            if reverse:
                trial = order[:i] + order[i:j][::-1] + order[j:]
            else:
                trial = order[:]
                trial.insert(j, trial.pop(i))
            trial_cost = _cost(ctx, trial)
            if trial_cost < cost:
                order, cost, improved = trial, trial_cost, True
    return cost, order


def _cost(ctx: DayContext, order: Sequence[RouteStop]) -> int:
    """Travel and late minutes of a feasible order; for an unfeasible one `UNFIT` plus the
    minutes by which its starts pass their windows and its end the shift (no break)."""
    timing = time_route(ctx, order)
    if timing is not None:
        return timing.travel + route_lateness(order, timing.starts)
    late, t, place = 0, ctx.shift_start, ctx.office
    for stop in order:  # no fixed starts: a sole visit is never locked
        start = max(t + ctx.travel[place][stop.place], stop.earliest)
        late += max(0, start - stop.latest)
        t, place = start + stop.duration, stop.place
    late += max(0, t + ctx.travel[place][ctx.office] - ctx.shift_end)
    return UNFIT + late


def _place_in_order(
    routes: CarerDays, inserter: Inserter, key: Key, order: list[RouteStop]
) -> bool:
    """Append `order` to the carer's route, a double service pinned at its start with its
    other carer beside it; False at the first that does not fit."""
    carer, day = key
    timing = time_route(routes.contexts[key], order)
    assert timing is not None  # `short_order` returns feasible orders only
    for stop, start in zip(order, timing.starts, strict=True):
        visit = routes.problem.visit(stop.visit)
        if visit.staff_needed > 1:
            stop = stop.pinned(start)
        if not _append(routes, key, stop):
            return False
        if visit.staff_needed > 1 and not _place_partner(routes, inserter, visit, carer, start):
            return False
    return True


def _append(routes: CarerDays, key: Key, stop: RouteStop) -> bool:
    now = routes.stops[key]
    timing = time_route(routes.contexts[key], [*now, stop])
    if timing is None:
        return False
    added = timing.travel - routes.timings[key].travel
    routes.insert(*key, stop, Insertion(len(now), added, timing.starts[-1], timing))
    return True


def _place_partner(
    routes: CarerDays, inserter: Inserter, visit: Visit, first: str, start: int
) -> bool:
    """The second carer of a double service whose first carer starts at `start`: the best
    tier, then the least added cost, over every gap of the grid."""
    problem = routes.problem
    best: tuple[tuple, str, RouteStop, Insertion] | None = None
    for tier, carer, day in inserter.tiers(visit):  # a sole visit is never locked
        if carer == first or day != visit.day:
            continue
        for gap in gap_grid(visit.start_gap):  # [0] for carers who start together
            if not problem.roles_allow(visit, [first, carer], [start, start + gap]):
                continue
            if gap:
                stop = routes.partner_stop(visit, start + gap)
            else:
                stop = routes.stop(visit, fixed=start)
            found = routes.best_insertion(carer, day, stop)
            if found is None:
                continue
            key = (tier, found.extra_cost, gap, inserter.rank[carer], carer)
            if best is None or key < best[0]:
                best = (key, carer, stop, found)
    if best is None:
        return False
    _, carer, stop, found = best
    routes.insert(carer, visit.day, stop, found)
    return True
