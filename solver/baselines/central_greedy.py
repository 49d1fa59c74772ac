"""central-greedy: manual central planning, one day at a time, district-wide.

Visits are taken in order of their window's start (locked visits first: a lock is hard and
the planner writes it in before anything else); each goes to the nearest carer of the
whole district (travel from where the carer is at that moment) who is qualified, can start
inside the window, can still take the break and get back to the office by the end of the
shift. A double-staffed visit needs two such carers at one start; with roles, carers who
share the roles out, and with a start gap, the second role's carer that many minutes after the
first's (each gap of a grid over [min, max] tried). Nothing is revised later:
this is what a planner at a whiteboard does, and a feasible start for central-travel.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass

from hemplan.models.contract.instance import Instance, Shift, Staff
from hemplan.models.contract.roles import gap_grid
from hemplan.solver.baselines.by_day import DayOffer, DayVisit, plan_by_day
from hemplan.solver.baselines.finish import verified_result
from hemplan.solver.baselines.progress import day_progress
from hemplan.solver.method import Progress, SolveOptions, SolveResult, admit
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Placement, Solution

METHOD = "central-greedy"


@dataclass
class _CarerDay:
    """Where a carer is and from when they are free; the break once it is placed."""

    carer: Staff
    shift: Shift
    office: int
    place: int
    free_from: int
    break_start: int | None = None
    working: bool = False

    @property
    def break_pending(self) -> bool:
        return self.shift.break_ is not None and self.break_start is None


@dataclass(frozen=True)
class _Fit:
    """A carer can start the visit at `start` (travelling `leg`), taking the break before at
    `break_before` if that is needed."""

    start: int
    leg: int
    break_before: int | None


class _Day:
    """The greedy state of one day: every working carer's position and time."""

    def __init__(self, problem: Problem, offer: DayOffer, break_at_office: bool):
        self.problem = problem
        self.break_at_office = break_at_office
        self.state: dict[str, _CarerDay] = {}
        for carer in offer.carers:
            shift = carer.shift_by_day[offer.day]
            office = problem.office(carer)
            self.state[carer.id] = _CarerDay(carer, shift, office, office, shift.start)

    def _to_break(self, s: _CarerDay, place: int) -> int:
        """Travel from `place` to where the break is taken (the office, or right there)."""
        return self.problem.minutes(s.carer, place, s.office) if self.break_at_office else 0

    def _from_break(self, s: _CarerDay, home: int, leg: int) -> int:
        """Travel from the break to `home`: from the office, or the leg from where the carer was."""
        return self.problem.minutes(s.carer, s.office, home) if self.break_at_office else leg

    def fit(self, carer_id: str, dv: DayVisit, start: int, partner: bool = False) -> _Fit | None:
        """Whether the carer can start `dv` at `start` and still end the day lawfully
        (`partner`: as the second role of a start gap, whose start need not be in a window)."""
        s = self.state[carer_id]
        home = self.problem.home(dv.visit)
        leg = self.leg(carer_id, dv)
        back = self.problem.minutes(s.carer, home, s.office)
        end = start + dv.visit.duration
        if not (partner or dv.allows(start)) or start < s.free_from + leg:
            return None
        rule = s.shift.break_
        if rule is None or not s.break_pending:
            return _Fit(start, leg, None) if end + back <= s.shift.end else None
        if self.deferred_break(s, end, home) is not None:  # the break after this visit
            return _Fit(start, leg, None)
        before = max(
            s.free_from + self._to_break(s, s.place), rule.earliest
        )  # the break taken on the way
        if (
            before <= rule.latest
            and end + back <= s.shift.end
            and start
            >= before
            + rule.minutes
            + (self._from_break(s, home, leg) if self.break_at_office else 0)
            and start - s.free_from - rule.minutes >= leg
        ):
            return _Fit(start, leg, before)
        return None

    def deferred_break(self, s: _CarerDay, end: int, place: int) -> int | None:
        """The break's start when it comes after a visit ending at `end` at `place`, nothing
        after it: taken right there with the leg back after it (at the office, with
        `break_at_office`), or else at the office once the leg back is done, which a
        break window at the shift's very end needs (its last minutes leave no room for the
        leg); None when neither fits the break's window and the shift."""
        rule = s.shift.break_
        assert rule is not None
        back = self.problem.minutes(s.carer, place, s.office)
        here = max(end + self._to_break(s, place), rule.earliest)
        if (
            here <= rule.latest
            and here + rule.minutes + (0 if self.break_at_office else back) <= s.shift.end
        ):
            return here
        at_office = max(end + back, rule.earliest)
        if at_office <= rule.latest and at_office + rule.minutes <= s.shift.end:
            return at_office
        return None

    def leg(self, carer_id: str, dv: DayVisit) -> int:
        """Minutes from where the carer is now to the visit's home."""
        s = self.state[carer_id]
        return self.problem.minutes(s.carer, s.place, self.problem.home(dv.visit))

    def candidate_starts(self, carer_id: str, dv: DayVisit) -> list[int]:
        """The earliest start without the break first, and with it (each moved on to the next
        window when it falls between two)."""
        s = self.state[carer_id]
        home = self.problem.home(dv.visit)
        leg = self.leg(carer_id, dv)
        plain = dv.first_start(s.free_from + leg)
        rule = s.shift.break_
        if rule is None or not s.break_pending:
            return [plain]
        before = max(s.free_from + self._to_break(s, s.place), rule.earliest)
        with_break = max(
            plain,
            s.free_from + leg + rule.minutes,
            before + rule.minutes + (self._from_break(s, home, leg) if self.break_at_office else 0),
        )
        return [plain, dv.first_start(with_break)]

    def place(self, carer_id: str, dv: DayVisit, fit: _Fit) -> None:
        s = self.state[carer_id]
        if fit.break_before is not None:
            s.break_start = fit.break_before
        s.place = self.problem.home(dv.visit)
        s.free_from = fit.start + dv.visit.duration
        s.working = True

    def breaks(self) -> dict[str, int]:
        """Each working carer's break: as placed, or right after the last visit (kept possible)."""
        result = {}
        for carer_id, s in self.state.items():
            rule = s.shift.break_
            if s.working and rule is not None and s.break_start is not None:
                result[carer_id] = s.break_start
            elif s.working and rule is not None:
                pending = self.deferred_break(s, s.free_from, s.place)
                result[carer_id] = (
                    pending
                    if pending is not None
                    else max(s.free_from + self._to_break(s, s.place), rule.earliest)
                )
        return result


def _single(day: _Day, dv: DayVisit) -> list[tuple[str, _Fit]] | None:
    """The nearest carer who can do the visit (ties: the earlier start, then the carer id).

    Carers are tried nearest first and the search stops past the nearest one that fits: on a
    district-wide pool of a hundred carers most are never tried. The result is that of trying
    every carer."""
    best: tuple[tuple[int, int, str], list[tuple[str, _Fit]]] | None = None
    for leg, carer_id in sorted((day.leg(c, dv), c) for c in dv.carers):
        if best is not None and leg > best[0][0]:
            break
        for start in day.candidate_starts(carer_id, dv):
            fit = day.fit(carer_id, dv, start)
            if fit is not None:
                key = (fit.leg, fit.start, carer_id)
                if best is None or key < best[0]:
                    best = (key, [(carer_id, fit)])
                break
    return best[1] if best else None


def _double(day: _Day, dv: DayVisit) -> list[tuple[str, _Fit]] | None:
    """The pair of carers nearest in sum who can start the visit together (ties: the earlier
    start, then the ids). Pairs come in order of their summed legs from a heap (the k smallest
    sums of a sorted list), so the search stops past the first sum that fits; the result is
    that of trying every pair."""
    starts = {c: day.candidate_starts(c, dv) for c in dv.carers}
    # a carer who cannot start by the window's end cannot be half of a pair
    able = sorted((day.leg(c, dv), c) for c in dv.carers if starts[c][0] <= dv.latest)
    position = {c: k for k, c in enumerate(dv.carers)}
    best: tuple[tuple[int, int, str, str], list[tuple[str, _Fit]]] | None = None
    heap = [(able[0][0] + able[j][0], 0, j) for j in range(1, min(2, len(able)))]
    while heap:
        total, i, j = heapq.heappop(heap)
        if best is not None and total > best[0][0]:
            break
        if j + 1 < len(able):
            heapq.heappush(heap, (able[i][0] + able[j + 1][0], i, j + 1))
        if j == i + 1 and j + 1 < len(able):
            heapq.heappush(heap, (able[i + 1][0] + able[j + 1][0], i + 1, j + 1))
        a, b = sorted((able[i][1], able[j][1]), key=position.__getitem__)  # in the pool's order
        if any(locked not in (a, b) for locked in dv.visit.locked_carers):
            continue
        for start in sorted(set(starts[a]) | set(starts[b])):
            common = dv.first_start(max(start, starts[a][0], starts[b][0]))
            fa, fb = day.fit(a, dv, common), day.fit(b, dv, common)
            if fa is not None and fb is not None:
                key = (fa.leg + fb.leg, common, a, b)
                if best is None or key < best[0]:
                    best = (key, [(a, fa), (b, fb)])
                break
    return best[1] if best else None


def _double_roles(day: _Day, dv: DayVisit) -> list[tuple[str, _Fit]] | None:
    """`_double` for a visit with roles or a start gap: ordered pairs (first role, second
    role) that share the roles out, nearest in sum first; at each gap of the grid the first
    start both reach (ties: the earlier start, the smaller gap, then the ids)."""
    visit = dv.visit
    starts = {c: day.candidate_starts(c, dv) for c in dv.carers}
    legs = {c: day.leg(c, dv) for c in dv.carers}
    able = [c for c in dv.carers if starts[c][0] <= dv.latest]
    pairs = sorted(
        (legs[a] + legs[b], a, b)
        for a in able
        for b in dv.carers
        if a != b
        and all(locked in (a, b) for locked in visit.locked_carers)
        and day.problem.roles_allow(visit, [a, b])
    )
    best: tuple[tuple[int, int, int, str, str], list[tuple[str, _Fit]]] | None = None
    for total, a, b in pairs:
        if best is not None and total > best[0][0]:
            break
        for gap in gap_grid(visit.start_gap):
            for t in sorted({*starts[a], *(x - gap for x in starts[b])}):
                first = dv.first_start(max(t, starts[a][0], starts[b][0] - gap))
                fa = day.fit(a, dv, first)
                fb = day.fit(b, dv, first + gap, partner=gap > 0)
                if fa is not None and fb is not None:
                    if day.problem.roles_allow(visit, [a, b], [first, first + gap]):
                        key = (fa.leg + fb.leg, first, gap, a, b)
                        if best is None or key < best[0]:
                            best = (key, [(a, fa), (b, fb)])
                    break
    return best[1] if best else None


def _placing_order(dv: DayVisit) -> tuple[bool, int, int, str]:
    """Locked visits first (a lock is hard: nothing may take its place first), then by window."""
    locked = dv.visit.locked
    return (not locked, dv.earliest, dv.latest, dv.visit.id)


def greedy_day(problem: Problem, offer: DayOffer, break_at_office: bool = False) -> Solution:
    """The day's solution, visits in window-start order, each to the nearest able carer(s).

    With `break_at_office` each break is taken at the carer's office (travel there and back
    planned): central-travel's start, feasible in its routing model.
    """
    day = _Day(problem, offer, break_at_office)
    assignments: dict[str, Placement] = {}
    for dv in sorted(offer.visits, key=_placing_order):
        if dv.visit.staff_needed == 1:
            chosen = _single(day, dv)
        elif dv.visit.roles is not None or dv.visit.staggered:
            chosen = _double_roles(day, dv)
        else:
            chosen = _double(day, dv)
        if chosen is None:
            continue
        for carer_id, fit in chosen:
            day.place(carer_id, dv, fit)
        own = tuple(fit.start for _, fit in chosen)
        assignments[dv.visit.id] = Placement(
            offer.day,
            chosen[0][1].start,
            tuple(c for c, _ in chosen),
            own if len(set(own)) > 1 else (),
        )
    return Solution(
        assignments, {(carer, offer.day): start for carer, start in day.breaks().items()}
    )


def central_greedy(
    instance: Instance,
    options: SolveOptions,
    on_progress: Callable[[Progress], None] = lambda event: None,
) -> SolveResult:
    """Plan `instance` greedily day by day, district-wide (no search: the budget is unused)."""
    started = time.monotonic()
    admit(instance, options, allow_borrowing=True, method="central-greedy")
    problem = Problem.build(instance, allow_borrowing=True)
    days = plan_by_day(
        problem,
        lambda offers, _: [greedy_day(problem, offer) for offer in offers],
        started,
        METHOD,
        on_batch=day_progress(problem, started, on_progress),
    )
    return verified_result(problem, days.solution, METHOD, options, started, {}, days.interrupted)


@dataclass(frozen=True)
class CentralGreedy:
    """The method: manual central planning, day by day (`central_greedy`)."""

    name: str = METHOD

    def solve(
        self,
        instance: Instance,
        options: SolveOptions,
        on_progress: Callable[[Progress], None] = lambda event: None,
    ) -> SolveResult:
        return central_greedy(instance, options, on_progress)
