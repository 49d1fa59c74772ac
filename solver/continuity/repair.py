"""Place visits left over by insertion by moving visits out of their way.

Serving every visit comes before continuity, and a visit that fits no route often fits once
one visit of that route moves to another carer (or to another place in the same route).
For each left-over visit and each route it could go into, the route's visits near it in
time are taken out one at a time; the left-over visit goes in, and the displaced visit is
placed again by the ordinary insertion or, failing that, by displacing one visit in turn
(`DEPTH` levels in all). A long visit may need two neighbouring visits out of the way, so
that is tried next (`TOGETHER`). A double-staffed visit goes in through the inserter, which
pairs the route given room with any other that has room at the same start. If a trial
fails, it is undone. On district-14d, city-14d and team-14d together the second level took
the first plans from 277 to 230 unassigned visits. What the moves cannot place, a search
that packs the visit's busy hours again may (`hemplan.solver.continuity.repack`), within a node
budget.
"""

from __future__ import annotations

from hemplan.models.contract.instance import Visit
from hemplan.solver.continuity.carer_days import CarerDays
from hemplan.solver.continuity.insert import Inserter
from hemplan.solver.continuity.repack import NodeBudget, repack
from hemplan.solver.continuity.routes import RouteStop

NEAR_MINUTES = (
    120  # displaced visits start within this many minutes of the left-over visit's window
)
DEPTH = 2  # a displaced visit may displace one more
TOGETHER = (
    1,
    2,
)  # one visit out of the way, else two out of the same route (a long visit needs the room)


def place_left_over(
    routes: CarerDays,
    inserter: Inserter,
    left_over: list[Visit],
    unassigned: dict[str, str],
    repacking: NodeBudget,
) -> int:
    """Try each left-over visit (in the given order); drop the placed ones from `unassigned`.
    The repacks of all visits together spend at most the `repacking` budget."""
    placed = 0
    for visit in left_over:
        if visit.id not in unassigned:
            continue
        if (
            inserter.place(visit) is None
            or any(_displace(routes, inserter, visit, DEPTH, n) for n in TOGETHER)
            or repack(routes, visit, repacking)
        ):
            del unassigned[visit.id]
            placed += 1
    return placed


def _displace(
    routes: CarerDays, inserter: Inserter, visit: Visit, depth: int, together: int
) -> bool:
    """Place `visit` by moving `together` visits near it in time off one route to elsewhere
    (each may, while `depth` allows, move one more in turn); True when done, else no change."""
    stop = routes.stop(visit)
    low, high = (
        visit.window.earliest - NEAR_MINUTES,
        visit.window.latest + visit.duration + NEAR_MINUTES,
    )
    for _, carer, day in inserter.tiers(visit):
        movable = routes.movable_between(carer, day, low, high)
        for group in zip(*(movable[i:] for i in range(together))):  # neighbours on the route
            routes.begin()
            if (
                all(routes.remove(carer, day, other_id) for other_id in group)
                and _put(routes, inserter, visit, stop, carer, day)
                and all(
                    _place_elsewhere(routes, inserter, routes.problem.visit(o), depth)
                    for o in group
                )
            ):
                routes.commit()
                return True
            routes.rollback()
    return False


def _put(
    routes: CarerDays, inserter: Inserter, visit: Visit, stop: RouteStop, carer: str, day: int
) -> bool:
    """Insert `visit` into the route just given room; a double-staffed visit goes through the
    inserter, which pairs that route with any other that has room at the same start."""
    if visit.staff_needed > 1:
        return inserter.place(visit) is None
    found = routes.best_insertion(carer, day, stop)
    if found is None:
        return False
    routes.insert(carer, day, stop, found)
    return True


def _place_elsewhere(routes: CarerDays, inserter: Inserter, visit: Visit, depth: int) -> bool:
    """Place a displaced visit by the ordinary insertion or, below `depth`, by displacing one
    more."""
    return inserter.place(visit) is None or (
        depth > 1 and _displace(routes, inserter, visit, depth - 1, 1)
    )
