"""Place visits left over by insertion by moving one visit out of their way.

Serving every visit comes before continuity, and a visit that fits no route often fits once
one visit of that route moves to another carer (or to another place in the same route).
For each left-over visit and each route it could go into, the route's visits near it in
time are taken out one at a time; the left-over visit goes in, and the displaced visit is
placed again by the ordinary insertion or, failing that, by displacing one visit in turn
(`DEPTH` levels in all). If that fails, the trial is undone. On district-14d, city-14d and
team-14d together the second level took the first plans from 277 to 230 unassigned visits.
"""

from __future__ import annotations

from models.instance import Instance, Visit
from solver.carer_days import CarerDays
from solver.insert import Inserter

NEAR_MINUTES = 120  # displaced visits start within this many minutes of the left-over visit's window
DEPTH = 2  # a displaced visit may displace one more


def place_left_over(instance: Instance, routes: CarerDays, inserter: Inserter, left_over: list[Visit],
                    unassigned: dict[str, str]) -> int:
    """Try each left-over visit (in the given order); drop the placed ones from `unassigned`."""
    placed = 0
    for visit in left_over:
        if visit.id not in unassigned:
            continue
        if inserter.place(visit) is None or (
            visit.staff_needed == 1 and _displace_one(instance, routes, inserter, visit, DEPTH)
        ):
            del unassigned[visit.id]
            placed += 1
    return placed


def _displace_one(instance: Instance, routes: CarerDays, inserter: Inserter, visit: Visit, depth: int) -> bool:
    """Place `visit` by moving one visit near it in time elsewhere (that one may, while
    `depth` allows, move one more in turn); True when done, else no change."""
    stop = routes.stop(visit)
    low, high = visit.window.earliest - NEAR_MINUTES, visit.window.latest + visit.duration + NEAR_MINUTES
    for _, carer, day in inserter.tiers(visit):
        for other_id in routes.unpinned_between(carer, day, low, high):
            other = instance.visit_by_id[other_id]
            if other.staff_needed != 1 or other.locked_carers:
                continue
            routes.begin()
            if routes.remove(carer, day, other_id):
                found = routes.best_insertion(carer, day, stop)
                if found is not None:
                    routes.insert(carer, day, stop, found)
                    if inserter.place(other) is None or (
                        depth > 1 and _displace_one(instance, routes, inserter, other, depth - 1)
                    ):
                        routes.commit()
                        return True
            routes.rollback()
    return False
