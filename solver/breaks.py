"""Breaks placed clear of travel, so a carer's day reads as one sequence.

A method may put a break anywhere in the gap between two stops as long as the gap holds the
travel and the break; the evaluator accepts that. But a break that starts in the middle of
the journey (2 minutes on the road, 30 minutes' rest, 1 more minute on the road) is not a
day anyone can follow, and the day lists and calendars could not show it. So before a plan
becomes a schedule each such break moves, inside the same gap and its own window, to just
after the earlier stop (rest there, then travel) or, failing that, to just before the later
stop (travel, then rest). Only a break window narrower than the journey leaves it as it was.
"""

from __future__ import annotations

from collections import defaultdict

from hemplan.solver.problem import Problem
from hemplan.solver.solution import RouteKey, Solution


def settled_breaks(problem: Problem, solution: Solution) -> dict[RouteKey, int]:
    """The solution's break starts, each moved off the road where its gap and window allow."""
    visits_of: dict[RouteKey, list[tuple[int, int, int]]] = defaultdict(list)  # (start, end, place)
    for visit_id, p in solution.assignments.items():
        visit = problem.visit(visit_id)
        for carer_id in p.carers:
            visits_of[(carer_id, p.day)].append(
                (p.start_of(carer_id), p.start_of(carer_id) + visit.duration, problem.home(visit))
            )
    settled = {}
    for (carer_id, day), start in solution.breaks.items():
        carer = problem.carer(carer_id)
        shift = carer.shift_by_day.get(day)
        if shift is None or shift.break_ is None:
            settled[(carer_id, day)] = start
            continue
        office = problem.office(carer)
        stops = (
            [(shift.start, shift.start, office)]
            + sorted(visits_of[(carer_id, day)])
            + [(shift.end, shift.end, office)]
        )
        before = max((s for s in stops if s[1] <= start), key=lambda s: s[1], default=None)
        after = min(
            (s for s in stops if s[0] >= start + shift.break_.minutes),
            key=lambda s: s[0],
            default=None,
        )
        if (
            before is None or after is None
        ):  # not inside the shift's gaps: the evaluator will say so
            settled[(carer_id, day)] = start
            continue
        leg = problem.minutes(carer, before[2], after[2])
        settled[(carer_id, day)] = _off_the_road(
            start,
            shift.break_.minutes,
            shift.break_.earliest,
            shift.break_.latest,
            before[1],
            after[0],
            leg,
        )
    return settled


def _off_the_road(
    start: int, minutes: int, earliest: int, latest: int, free: int, due: int, leg: int
) -> int:
    """A break start in [free, due] that leaves the `leg` wholly before or after the break."""
    if start + minutes + leg <= due or start >= free + leg:
        return start  # already clear of the journey
    rest_first = max(free, earliest)
    if rest_first <= latest and rest_first + minutes + leg <= due:
        return rest_first
    travel_first = min(due - minutes, latest)
    if travel_first >= max(earliest, free + leg):
        return travel_first
    return start
