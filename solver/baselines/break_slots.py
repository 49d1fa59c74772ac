"""Breaks placed after routing: each working carer's break in a gap of the routed day.

central-travel's router plans each break at the carer's office, which leaves room for it;
the break is then put here where the evaluator reads it, taken where the carer is: in the
first gap of the carer's day (from the office, between visits, back to the office) that
holds the travel and the break inside its window. Where no gap does, the least important
visit in the break window is dropped (a visit that can go on a later day first, then a
deferrable one), and with it its double-staffing partner, until every break fits.
"""

from __future__ import annotations

from hemplan.models.contract.instance import Shift, Staff
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Placement, RouteKey


def _slot(
    problem: Problem, carer: Staff, shift: Shift, visits: list[tuple[int, str]]
) -> int | None:
    """The earliest lawful break start for a carer's visits (start, visit id), or None."""
    rule = shift.break_
    assert rule is not None
    office = problem.office(carer)
    place, free_from = office, shift.start
    stops = [
        (s, problem.home(problem.visit(v)), problem.visit(v).duration) for s, v in sorted(visits)
    ]
    for start, home, duration in stops + [(shift.end, office, 0)]:
        leg = problem.minutes(carer, place, home)
        b = max(free_from, rule.earliest)
        if (
            b <= rule.latest
            and b + rule.minutes <= start
            and start - free_from - rule.minutes >= leg
        ):
            return b
        place, free_from = home, start + duration
    return None


def break_fits(problem: Problem, carer: Staff, day: int, visits: list[tuple[int, str]]) -> bool:
    """Whether a carer's day of `visits` (start, visit id) leaves room for the break, if any."""
    shift = carer.shift_by_day[day]
    return shift.break_ is None or _slot(problem, carer, shift, visits) is not None


def place_breaks(
    problem: Problem, day: int, assignments: dict[str, Placement], drop_order: dict[str, int]
) -> tuple[dict[str, Placement], dict[RouteKey, int], list[str]]:
    """Kept assignments, each working carer's break start (by carer and day), and the visits
    dropped to fit them.

    `drop_order` ranks visits (lower is dropped first)."""
    kept = dict(assignments)
    dropped: list[str] = []
    while True:
        by_carer: dict[str, list[tuple[int, str]]] = {}
        for visit_id, p in kept.items():
            for carer_id in p.carers:
                by_carer.setdefault(carer_id, []).append((p.start_of(carer_id), visit_id))
        breaks: dict[RouteKey, int] = {}
        stuck = None
        for carer_id, visits in sorted(by_carer.items()):
            carer = problem.carer(carer_id)
            shift = carer.shift_by_day[day]
            if shift.break_ is None:
                continue
            b = _slot(problem, carer, shift, visits)
            if b is None:
                stuck = (carer_id, shift, visits)
                break
            breaks[(carer_id, day)] = b
        if stuck is None:
            return kept, breaks, dropped
        _, shift, visits = stuck
        rule = shift.break_
        assert rule is not None
        near = [
            v
            for s, v in visits
            if s < rule.latest + rule.minutes and s + problem.visit(v).duration > rule.earliest
        ]
        victim = min(near or [v for _, v in visits], key=lambda v: (drop_order.get(v, 0), v))
        del kept[victim]
        dropped.append(victim)
