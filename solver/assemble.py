"""Turn decisions (who does which visit when, when each break is) into a full Schedule.

Any planning method decides assignments and break starts; the routes people read (stops in
time order with travel and waiting) follow from those and the instance, so they are derived
here once rather than by each method. The evaluator does not use this module: it checks the
routes it is given.
"""

from __future__ import annotations

from collections import defaultdict

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Assignment, Route, Schedule, SolverInfo, Stop, Unassigned, stop_order
from hemplan.solver.travel import TravelTimes


def build_routes(
    instance: Instance,
    travel: TravelTimes,
    assignments: list[Assignment],
    breaks: dict[tuple[str, int], int],
) -> list[Route]:
    """One route per carer-day that has visits, ordered by start, with travel and waiting.

    `breaks` maps (carer, day) to the break's start; its length is the shift's break minutes.
    """
    by_route: dict[tuple[str, int], list[Assignment]] = defaultdict(list)
    for a in assignments:
        for carer in a.carers:
            by_route[(carer, a.day)].append(a)
    routes = []
    for (carer_id, day), visits in sorted(by_route.items()):
        carer = instance.staff_by_id[carer_id]
        shift = carer.shift_by_day.get(day)  # None only in hand-made test schedules
        stops: list[Stop] = [
            Stop(kind="visit", visit=a.visit, client=instance.visit_by_id[a.visit].client,
                 start=a.start, end=a.start + instance.visit_by_id[a.visit].duration)
            for a in visits
        ]
        if (carer_id, day) in breaks and shift is not None and shift.break_ is not None:
            start = breaks[(carer_id, day)]
            stops.append(Stop(kind="break", start=start, end=start + shift.break_.minutes))
        stops.sort(key=stop_order)
        departure = shift.start if shift is not None else stops[0].start
        routes.append(_with_travel(instance, travel, carer_id, day, departure, stops))
    return routes


def _with_travel(instance: Instance, travel: TravelTimes, carer_id: str, day: int, shift_start: int, stops: list[Stop]) -> Route:
    carer = instance.staff_by_id[carer_id]
    office = travel.office_index[carer.team]
    place, free_from, paused, total = office, shift_start, 0, 0
    filled = []
    for stop in stops:
        if stop.kind == "break":
            filled.append(stop)
            paused += stop.end - stop.start
            continue
        home = travel.client_index[instance.visit_by_id[stop.visit or ""].client]
        leg = travel.between(carer.travel_mode, place, home)
        filled.append(stop.model_copy(update={"travel": leg, "wait": max(0, stop.start - free_from - paused - leg)}))
        total += leg
        place, free_from, paused = home, stop.end, 0
    back = travel.between(carer.travel_mode, place, office)
    return Route(carer=carer_id, day=day, stops=filled, travel_back=back, travel_minutes=total + back)


def assemble_schedule(
    instance: Instance,
    travel: TravelTimes,
    assignments: list[Assignment],
    breaks: dict[tuple[str, int], int],
    unassigned: list[Unassigned],
    solver: SolverInfo | None = None,
    allow_borrowing: bool = False,
) -> Schedule:
    """A complete schedule document (metrics are added by the evaluator, not here)."""
    ordered = sorted(assignments, key=lambda a: (a.day, a.start, a.visit))
    return Schedule(
        instance=instance.name,
        allow_borrowing=allow_borrowing,
        assignments=ordered,
        routes=build_routes(instance, travel, ordered, breaks),
        unassigned=sorted(unassigned, key=lambda u: u.visit),
        solver=solver,
    )
