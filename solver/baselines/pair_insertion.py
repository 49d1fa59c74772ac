"""Double-staffed visits the router left out, put back where two carers are free at one start.

The router (PyVRP) moves one visit at a time and pins a double-staffed visit's two carers to one
start only between passes, so a double whose two carers are both busy around it (two evening
carers with several bedtime doubles) can be left out although two gaps line up. This step looks
for such gaps in the routed day: for each double left out (most important first), every start
in its window at which two of its carers can each leave their previous stop, reach the client,
do the visit and still reach their next stop (or the office by the end of the shift) and keep
room for the break; the pair of carers and start that add the least travel win. Where only one
carer is free at a start, a single-staffed visit of another may move (to any carer, at any
start of its window that fits beside the double) to make room. Every stop kept or moved is
checked against its neighbours, travel and the break, so the day stays lawful; the evaluator
checks the schedule as always. A double with roles or a start gap takes an ordered pair of
carers who share the roles out, the second at each gap of the grid after the first (no single
visit moves for it).
"""

from __future__ import annotations

from bisect import bisect_left

from hemplan.models.contract.instance import Staff
from hemplan.models.contract.roles import gap_grid
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
                (
                    p.start_of(carer),
                    p.start_of(carer) + visit.duration,
                    problem.home(visit),
                    visit_id,
                )
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
    """The earliest start in each gap of each carer's day, inside a window of the visit: two
    carers meet at the later of their earliest starts, which is one of these."""
    home = problem.home(dv.visit)
    starts = {earliest for earliest, _ in dv.windows}
    for carer in carers:
        shift = carer.shift_by_day[day]
        places = [(problem.office(carer), shift.start)] + [
            (stop[2], stop[1]) for stop in stops.get(carer.id, [])
        ]
        for place, free in places:
            t = dv.first_start(free + problem.minutes(carer, place, home))
            if dv.allows(t):
                starts.add(t)
    return sorted(starts)


def _fit(
    problem: Problem, carer: Staff, day: int, route: list[Stop], visit_id: str, start: int
) -> int | None:
    """Travel a carer adds by doing the visit at `start` within `route` with room kept for the
    break, or None when it does not fit."""
    visit = problem.visit(visit_id)
    added = _added_travel(
        problem, carer, day, route, problem.home(visit), start, start + visit.duration
    )
    if added is None:
        return None
    with_it = [(s[0], s[3]) for s in route] + [(start, visit_id)]
    return added if break_fits(problem, carer, day, with_it) else None


def _single_elsewhere(
    problem: Problem, dv: DayVisit, stops: dict[str, list[Stop]], day: int, exclude: set[str]
) -> tuple[int, int, str] | None:
    """Where a single-staffed visit could go in the day of `stops`, on a carer not in `exclude`:
    (added travel, start, carer) with the least travel, or None."""
    carers = [problem.carer(c) for c in dv.carers if c not in exclude]
    best = None
    for start in _candidate_starts(problem, dv, carers, stops, day):
        for carer in carers:
            added = _fit(problem, carer, day, stops.get(carer.id, []), dv.visit.id, start)
            if added is not None and (best is None or (added, start, carer.id) < best):
                best = (added, start, carer.id)
    return best


Move = tuple[str, str, int, str]  # a routed single visit moved: visit, from carer, to start, carer


def _place_pair(
    problem: Problem,
    offer: DayOffer,
    dv: DayVisit,
    stops: dict[str, list[Stop]],
    movable: dict[str, DayVisit],
) -> tuple[int, tuple[str, str], Move | None] | None:
    """A start and two carers for the double `dv` (least added travel), and, when no two carers
    are free at one start, one routed single visit of one of them moved (another carer or
    another start) to make room; None when neither works."""
    visit, day = dv.visit, offer.day
    carers = [problem.carer(c) for c in dv.carers]
    must = set(visit.locked_carers)
    best: tuple[int, int, tuple[str, str]] | None = None
    rescue: tuple[int, tuple[str, str], Move] | None = None
    for start in _candidate_starts(problem, dv, carers, stops, day):
        fitting = []
        for carer in carers:
            added = _fit(problem, carer, day, stops.get(carer.id, []), visit.id, start)
            if added is not None:
                fitting.append((added, carer.id))
        fitting.sort()
        chosen = [c for _, c in fitting if c in must]
        chosen += [c for _, c in fitting if c not in must][: 2 - len(chosen)]
        if len(chosen) == 2 and must <= set(chosen):
            cost = sum(a for a, c in fitting if c in chosen)
            if best is None or (cost, start) < best[:2]:
                best = (cost, start, (chosen[0], chosen[1]))
        if best is not None or rescue is not None or not fitting:
            continue
        # one carer free at this start: another, once one of its single visits moves away
        partner = next((c for _, c in fitting if c in must), fitting[0][1])
        for carer in carers:
            rest = must - {partner}
            if carer.id == partner or (rest and rest != {carer.id}):
                continue
            route = stops.get(carer.id, [])
            for stop in route:
                single = movable.get(stop[3])
                if single is None:
                    continue
                without = [s for s in route if s[3] != stop[3]]
                if _fit(problem, carer, day, without, visit.id, start) is None:
                    continue
                here = (start, start + visit.duration, problem.home(visit), visit.id)
                tentative = dict(stops)  # the double in, the single out
                tentative[carer.id] = sorted([*without, here])
                tentative[partner] = sorted([*stops.get(partner, []), here])
                moved = _single_elsewhere(problem, single, tentative, day, set())
                if moved is not None:
                    pair = (partner, carer.id)
                    rescue = (start, pair, (stop[3], carer.id, moved[1], moved[2]))
                    break
            if rescue is not None:
                break
    if best is not None:
        return best[1], best[2], None
    return rescue


def _place_roles(
    problem: Problem, offer: DayOffer, dv: DayVisit, stops: dict[str, list[Stop]]
) -> tuple[int, tuple[str, str], tuple[int, int]] | None:
    """A first start, an ordered pair (first role, second role) and each one's start for a
    double with roles or a start gap, least added travel first; None when none fits."""
    visit, day = dv.visit, offer.day
    carers = [problem.carer(c) for c in dv.carers]
    best: tuple[tuple[int, int, int, str, str], tuple[str, str], tuple[int, int]] | None = None
    for start in _candidate_starts(problem, dv, carers, stops, day):
        for gap in gap_grid(visit.start_gap):
            firsts = _fitting(problem, carers, day, stops, visit.id, start)
            seconds = (
                firsts if gap == 0 else _fitting(problem, carers, day, stops, visit.id, start + gap)
            )
            for a, cost_a in firsts.items():
                for b, cost_b in seconds.items():
                    if (
                        a == b
                        or any(c not in (a, b) for c in visit.locked_carers)
                        or not problem.roles_allow(visit, [a, b], [start, start + gap])
                    ):
                        continue
                    key = (cost_a + cost_b, start, gap, a, b)
                    if best is None or key < best[0]:
                        best = (key, (a, b), (start, start + gap))
    return None if best is None else (best[2][0], best[1], best[2])


def _fitting(
    problem: Problem,
    carers: list[Staff],
    day: int,
    stops: dict[str, list[Stop]],
    visit_id: str,
    start: int,
) -> dict[str, int]:
    """Carer id -> travel added by doing the visit at `start`, for each carer it fits."""
    found = {}
    for carer in carers:
        added = _fit(problem, carer, day, stops.get(carer.id, []), visit_id, start)
        if added is not None:
            found[carer.id] = added
    return found


def insert_pairs(
    problem: Problem, offer: DayOffer, assignments: dict[str, Placement], rank: dict[str, int]
) -> dict[str, Placement]:
    """`assignments` with the double-staffed visits of `offer` it leaves out put back where two
    of their carers have room at one start, or where one single visit moved to a third carer
    makes that room (see the module docstring); `rank` orders them, highest first."""
    placed = dict(assignments)
    stops = _stops(problem, placed)
    left_out = [
        dv for dv in offer.visits if dv.visit.staff_needed == 2 and dv.visit.id not in placed
    ]
    left_out.sort(key=lambda dv: (-rank.get(dv.visit.id, 0), dv.earliest, dv.visit.id))
    movable = {  # single-staffed visits without a lock: free to move to make room for a double
        d.visit.id: d
        for d in offer.visits
        if d.visit.staff_needed == 1
        and not (d.visit.locked_carers or d.visit.locked_start is not None)
    }
    for dv in left_out:
        if dv.visit.roles is not None or dv.visit.staggered:
            roled = _place_roles(problem, offer, dv, stops)
            if roled is not None:
                _put_roles(problem, offer.day, dv, roled[1], roled[2], placed, stops)
            continue
        found = _place_pair(problem, offer, dv, stops, movable)
        if found is None:
            continue
        start, pair, move = found
        if move is not None:
            single, source, moved_start, target = move
            duration = problem.visit(single).duration
            home = problem.home(problem.visit(single))
            placed[single] = Placement(offer.day, moved_start, (target,))
            stops[source] = [s for s in stops[source] if s[3] != single]
            stops.setdefault(target, []).append((moved_start, moved_start + duration, home, single))
            stops[target].sort()
        visit = dv.visit
        locked = [c for c in visit.locked_carers if c in pair]
        placed[visit.id] = Placement(
            offer.day, start, tuple(locked + sorted(c for c in pair if c not in locked))
        )
        for carer_id in pair:
            stops.setdefault(carer_id, []).append(
                (start, start + visit.duration, problem.home(visit), visit.id)
            )
            stops[carer_id].sort()
    return placed


def _put_roles(
    problem: Problem,
    day: int,
    dv: DayVisit,
    pair: tuple[str, str],
    own: tuple[int, int],
    placed: dict[str, Placement],
    stops: dict[str, list[Stop]],
) -> None:
    """Record a double with roles or a start gap: each carer at its own start."""
    visit = dv.visit
    placed[visit.id] = Placement(day, own[0], pair, own if own[0] != own[1] else ())
    for carer_id, start in zip(pair, own):
        stops.setdefault(carer_id, []).append(
            (start, start + visit.duration, problem.home(visit), visit.id)
        )
        stops[carer_id].sort()
