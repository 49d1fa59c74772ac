"""Double-staffed visits the router left out, put back where two carers are free at one start.

The router (PyVRP) moves one visit at a time and pins a double-staffed visit's two carers to one
start only between passes, so a double whose two carers are both busy around it (two evening
carers with several bedtime doubles) can be left out although two gaps line up. This step looks
for such gaps in the routed day: for each double left out (most important first), every start
in its window at which two of its carers can each leave their previous stop, reach the client,
do the visit and still reach their next stop (or the office by the end of the shift) and keep
room for the break; the pair of carers and start that add the least travel win. Nothing routed
moves, so the day stays lawful; the evaluator checks the schedule as always.
"""

from __future__ import annotations

from bisect import bisect_left

from hemplan.models.contract.instance import Staff
from hemplan.solver.baselines.break_slots import break_fits
from hemplan.solver.baselines.by_day import DayOffer, DayVisit
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Placement

Stop = tuple[int, int, int, str]  # start, end, place, visit id


def _stops(problem: Problem, assignments: dict[str, Placement]) -> dict[str, list[Stop]]:
    """Each carer's stops of the day in time order."""
    stops: dict[str, list[Stop]] = {}
    for visit_id, p in assignments.items():
        visit = problem.visit(visit_id)
        for carer in p.carers:
            stops.setdefault(carer, []).append(
                (p.start, p.start + visit.duration, problem.home(visit), visit_id)
            )
    for route in stops.values():
        route.sort()
    return stops


def _added_travel(
    problem: Problem, carer: Staff, day: int, route: list[Stop], home: int, start: int, end: int
) -> int | None:
    """Travel a carer adds by doing a visit at `home` from `start` to `end` between the stops of
    `route` (None when it does not fit there)."""
    shift = carer.shift_by_day[day]
    office = problem.office(carer)
    k = bisect_left(route, (start,))
    place, free = (office, shift.start) if k == 0 else (route[k - 1][2], route[k - 1][1])
    after, due = (office, shift.end) if k == len(route) else (route[k][2], route[k][0])
    there = problem.minutes(carer, place, home)
    back = problem.minutes(carer, home, after)
    if free + there > start or end + back > due:
        return None
    return there + back - problem.minutes(carer, place, after)


def _candidate_starts(
    problem: Problem, dv: DayVisit, carers: list[Staff], stops: dict[str, list[Stop]], day: int
) -> list[int]:
    """The earliest start in each gap of each carer's day, inside the visit's window: two carers
    meet at the later of their earliest starts, which is one of these."""
    home = problem.home(dv.visit)
    starts = {dv.earliest}
    for carer in carers:
        shift = carer.shift_by_day[day]
        places = [(problem.office(carer), shift.start)] + [
            (stop[2], stop[1]) for stop in stops.get(carer.id, [])
        ]
        for place, free in places:
            t = max(dv.earliest, free + problem.minutes(carer, place, home))
            if t <= dv.latest:
                starts.add(t)
    return sorted(starts)


def insert_pairs(
    problem: Problem, offer: DayOffer, assignments: dict[str, Placement], rank: dict[str, int]
) -> dict[str, Placement]:
    """`assignments` with the double-staffed visits of `offer` it leaves out put back where two
    of their carers have room at one start (see the module docstring); `rank` orders them,
    highest first."""
    placed = dict(assignments)
    stops = _stops(problem, placed)
    left_out = [
        dv for dv in offer.visits if dv.visit.staff_needed == 2 and dv.visit.id not in placed
    ]
    for dv in sorted(
        left_out, key=lambda dv: (-rank.get(dv.visit.id, 0), dv.earliest, dv.visit.id)
    ):
        visit = dv.visit
        carers = [problem.carer(c) for c in dv.carers]
        home = problem.home(visit)
        best: tuple[int, int, tuple[str, str]] | None = None
        for start in _candidate_starts(problem, dv, carers, stops, offer.day):
            end = start + visit.duration
            fitting = []
            for carer in carers:
                route = stops.get(carer.id, [])
                added = _added_travel(problem, carer, offer.day, route, home, start, end)
                if added is None:
                    continue
                with_it = [(s[0], s[3]) for s in route] + [(start, visit.id)]
                if break_fits(problem, carer, offer.day, with_it):
                    fitting.append((added, carer.id))
            must = set(visit.locked_carers)
            fitting.sort()
            chosen = [c for _, c in fitting if c in must]
            chosen += [c for _, c in fitting if c not in must][: 2 - len(chosen)]
            if len(chosen) == 2 and must <= set(chosen):
                cost = sum(a for a, c in fitting if c in chosen)
                if best is None or (cost, start) < best[:2]:
                    best = (cost, start, (chosen[0], chosen[1]))
        if best is not None:
            _, start, pair = best
            locked = [c for c in visit.locked_carers if c in pair]
            carers_in_order = tuple(locked + sorted(c for c in pair if c not in locked))
            placed[visit.id] = Placement(offer.day, start, carers_in_order)
            for carer_id in pair:
                stops.setdefault(carer_id, []).append(
                    (start, start + visit.duration, home, visit.id)
                )
                stops[carer_id].sort()
    return placed
