"""All carer-day routes of an instance while a plan is being built.

The heuristics ask one question many times — where and at what cost could this visit go
into this carer's day — and then commit one answer. This class holds the routes and their
current timings so the question is answered from `hemplan.solver.continuity.routes` without
rebuilding anything, and turns the routes into a `Plan` at the end. Improvement moves touch several
routes at once and may fail half-way, so changes can be made inside a trial (`begin`) and
undone as a whole (`rollback`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from hemplan.models.contract.instance import TRAVEL_MODES, Visit
from hemplan.solver.continuity.routes import (
    EMPTY,
    BreakRule,
    DayContext,
    Insertion,
    RouteStop,
    Timing,
    best_insertion,
    feasible_insertions,
    latest_starts,
    left_ends,
    route_lateness,
    time_route,
)
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Placement, Solution

Key = tuple[str, int]  # (carer id, day)


@dataclass(frozen=True)
class Reach:
    """Where a visit can start in a route, the earliest start at each position that takes it
    (`routes.left_ends`), and the least travel it adds there: what a double-staffed visit's
    pairing asks of every carer before it pins a start (a pinned start fits only where the
    free one does, and adds no less)."""

    lefts: list[int]
    least_travel: int


@dataclass
class _Answers:
    """What one route, as it stands, has answered: kept until its stop list is replaced."""

    stops: list[RouteStop]
    latest: list[int]  # `routes.latest_starts`
    late: int | None  # its late minutes (None without soft windows on it)
    insertions: dict[RouteStop, Insertion | None] = field(default_factory=dict)
    reaches: dict[RouteStop, Reach] = field(default_factory=dict)


class CarerDays:
    """Mutable routes (stop order and timing) of every carer-day that has a shift."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        instance, travel = problem.instance, problem.travel
        matrices = {mode: travel.minutes[i].tolist() for i, mode in enumerate(TRAVEL_MODES)}
        self.contexts: dict[Key, DayContext] = {}
        for carer in instance.staff:
            for shift in carer.shifts:
                b = shift.break_
                self.contexts[(carer.id, shift.day)] = DayContext(
                    carer=carer.id,
                    day=shift.day,
                    shift_start=shift.start,
                    shift_end=shift.end,
                    office=travel.office_index[carer.team],
                    brk=BreakRule(b.minutes, b.earliest, b.latest) if b is not None else None,
                    travel=matrices[carer.travel_mode],
                )
        self.stops: dict[Key, list[RouteStop]] = {key: [] for key in self.contexts}
        self.timings: dict[Key, Timing] = {key: EMPTY for key in self.contexts}
        self.day_of: dict[str, int] = {}  # visit id -> day it is routed on
        self.carers_of: dict[str, list[str]] = {}  # visit id -> carers whose route holds it
        self.serving: dict[str, Counter[str]] = {
            c.id: Counter() for c in instance.clients
        }  # client -> carer -> visits
        self._log: list[tuple] = []  # changes made inside open trials, oldest first
        self._marks: list[int] = []  # where each open trial's changes start in `_log`
        self._built: dict[Key, list[RouteStop]] = {}  # the routes as `from_solution` built them
        self._answers: dict[Key, _Answers] = {}  # per route as it stands
        # insertions and reaches worked out (not remembered): the measure of a walk's work
        self.asked = 0

    @classmethod
    def from_solution(cls, problem: Problem, plan: Solution) -> CarerDays | None:
        """The routes of `plan`, in its order, so the heuristics can improve a searched plan.

        Double-staffed visits keep their start (their carers must arrive together), the
        others are timed by the forward pass. None if a route of the plan does not time
        (it cannot happen for a plan that passes the evaluator).
        """
        routes = cls(problem)
        instance = problem.instance
        on_route: dict[Key, list[str]] = {}
        for visit_id, p in plan.assignments.items():
            for carer in p.carers:
                on_route.setdefault((carer, p.day), []).append(visit_id)
        for key, visit_ids in sorted(on_route.items()):
            visit_ids.sort(key=lambda v: (plan.assignments[v].start_of(key[0]), v))
            stops = []
            for visit_id in visit_ids:
                visit = instance.visit_by_id[visit_id]
                p = plan.assignments[visit_id]
                if p.starts and p.start_of(key[0]) != p.start:
                    stops.append(routes.partner_stop(visit, p.start_of(key[0])))
                else:
                    stops.append(routes.stop(visit, p.start if visit.staff_needed > 1 else None))
            timing = time_route(routes.contexts[key], stops) if key in routes.contexts else None
            if timing is None:
                return None
            routes.stops[key], routes.timings[key] = stops, timing
            for visit_id in visit_ids:
                routes.day_of[visit_id] = key[1]
                routes.carers_of.setdefault(visit_id, []).append(key[0])
                routes._count(visit_id, key[0], +1)
        routes._built = dict(routes.stops)
        return routes

    def stop(self, visit: Visit, fixed: int | None = None) -> RouteStop:
        """The route stop of `visit`; a locked start is always fixed."""
        return RouteStop.of(visit, self.problem.home(visit), fixed)

    def partner_stop(self, visit: Visit, start: int) -> RouteStop:
        """The stop of the second role of a staggered visit: pinned at its own start, which the
        gap sets (it need not lie in the visit's windows, only the first role's start does)."""
        due = visit.start_windows if visit.lateness is not None else ()  # its own lateness
        return RouteStop(
            visit.id, self.problem.home(visit), start, start, visit.duration, start, (), due
        )

    def best_insertion(self, carer: str, day: int, stop: RouteStop) -> Insertion | None:
        """Cheapest feasible insertion of `stop` into the carer's route that day, or None.

        Remembered for the route as it stands (its stop list, which a change always replaces
        and a rollback puts back): a double-staffed visit that fits nowhere is tried again
        and again while one route at a time is given room (`repair`), every other route
        asked the same questions."""
        key = (carer, day)
        if key not in self.contexts:
            return None
        answers = self._answered(key)
        if stop not in answers.insertions:
            self.asked += 1
            answers.insertions[stop] = best_insertion(
                self.contexts[key],
                answers.stops,
                self.timings[key],
                stop,
                answers.latest,
                answers.late,
            )
        return answers.insertions[stop]

    def reach(self, carer: str, day: int, stop: RouteStop) -> Reach:
        """Where `stop` can start in the carer's route that day and the least travel it adds
        (`Reach`; no lefts when it fits nowhere), remembered like `best_insertion`."""
        key = (carer, day)
        answers = self._answered(key)
        if stop not in answers.reaches:
            self.asked += 1
            found = list(
                feasible_insertions(
                    self.contexts[key], answers.stops, self.timings[key], stop, answers.latest
                )
            )
            least = found[0].extra_travel if found else 0  # least travel first
            answers.reaches[stop] = Reach(left_ends(found), least)
        return answers.reaches[stop]

    def _answered(self, key: Key) -> _Answers:
        """The answers of the route as it stands (new ones once its stop list changed)."""
        stops = self.stops[key]
        known = self._answers.get(key)
        if known is None or known.stops is not stops:
            soft = any(s.due for s in stops)
            late = route_lateness(stops, self.timings[key].starts) if soft else None
            known = _Answers(stops, latest_starts(self.contexts[key], stops), late)
            self._answers[key] = known
        return known

    def insert(self, carer: str, day: int, stop: RouteStop, insertion: Insertion) -> None:
        """Commit an insertion found by `best_insertion` on the unchanged route."""
        key = (carer, day)
        self._remember("insert", key, stop.visit)
        self._count(stop.visit, carer, +1)
        self.stops[key] = [
            *self.stops[key][: insertion.position],
            stop,
            *self.stops[key][insertion.position :],
        ]
        self.timings[key] = insertion.timing
        self.day_of[stop.visit] = day
        self.carers_of.setdefault(stop.visit, []).append(carer)

    def remove(self, carer: str, day: int, visit_id: str) -> bool:
        """Take a visit out of a route; False (and no change) if the rest would be infeasible."""
        key = (carer, day)
        rest = [s for s in self.stops[key] if s.visit != visit_id]
        timing = time_route(self.contexts[key], rest)
        if timing is None:
            return False
        self._remember("remove", key, visit_id)
        self._count(visit_id, carer, -1)
        self.stops[key], self.timings[key] = rest, timing
        left = [c for c in self.carers_of.get(visit_id, []) if c != carer]
        if left:
            self.carers_of[visit_id] = left
        else:
            self.carers_of.pop(visit_id, None)
            self.day_of.pop(visit_id, None)
        return True

    def stop_of(self, carer: str, day: int, visit_id: str) -> RouteStop:
        """The stop of a visit on a route (with its fixed start, if any)."""
        return next(s for s in self.stops[(carer, day)] if s.visit == visit_id)

    # --- trials ---------------------------------------------------------------------------

    def begin(self) -> None:
        """Start recording changes so that `rollback` can undo them; trials nest."""
        self._marks.append(len(self._log))

    def commit(self) -> None:
        """Keep the changes made since the matching `begin` (an outer trial may still undo them)."""
        self._marks.pop()
        if not self._marks:
            self._log.clear()

    def rollback(self) -> None:
        """Undo every change made since the matching `begin`."""
        mark = self._marks.pop()
        for op, key, stops, timing, visit, day, carers in reversed(self._log[mark:]):
            self._count(visit, key[0], -1 if op == "insert" else +1)
            self.stops[key], self.timings[key] = stops, timing
            _restore(self.day_of, visit, day)
            _restore(self.carers_of, visit, carers)
        del self._log[mark:]

    def _count(self, visit: str, carer: str, change: int) -> None:
        counter = self.serving[self.problem.visit(visit).client]
        counter[carer] += change
        if counter[carer] <= 0:
            del counter[carer]

    def _remember(self, op: str, key: Key, visit: str) -> None:
        if self._marks:
            carers = self.carers_of.get(visit)
            self._log.append(
                (
                    op,
                    key,
                    self.stops[key],
                    self.timings[key],
                    visit,
                    self.day_of.get(visit),
                    list(carers) if carers is not None else None,
                )
            )

    def movable_between(self, carer: str, day: int, low: int, high: int) -> list[str]:
        """Visits on the carer's route that day starting in [low, high] that a move may take
        out of the way, in route order: one carer, none locked, start not pinned (none when
        the carer does not work)."""
        key = (carer, day)
        if key not in self.contexts:
            return []
        visit = self.problem.instance.visit_by_id
        return [
            s.visit
            for s, t in zip(self.stops[key], self.timings[key].starts)
            if low <= t <= high
            and s.fixed is None
            and visit[s.visit].staff_needed == 1
            and not visit[s.visit].locked_carers
        ]

    def visit_count(self, carer: str, day: int) -> int:
        """Visits on the carer's route that day (0 when the carer does not work)."""
        return len(self.stops.get((carer, day), ()))

    def update(self, plan: Solution, unassigned: dict[str, str]) -> Solution:
        """`plan` (from which these routes were built) with the routes changed since then and
        `unassigned` now: only the visits and breaks of changed routes take the forward pass's
        times, so the times the search chose elsewhere (arrival consistency) are kept."""
        changed = [
            key for key, stops in self.stops.items() if stops is not self._built.get(key, [])
        ]
        moved = {s.visit for key in changed for s in (*self.stops[key], *self._built.get(key, ()))}
        assignments = {v: p for v, p in plan.assignments.items() if v not in moved}
        breaks = {key: b for key, b in plan.breaks.items() if key not in changed}
        own: dict[str, dict[str, int]] = {}  # visit -> carer -> start on a changed route
        for key in changed:
            timing = self.timings[key]
            for stop, start in zip(self.stops[key], timing.starts):
                own.setdefault(stop.visit, {})[key[0]] = start
            if self.stops[key] and timing.break_start is not None:
                breaks[key] = timing.break_start
        for visit_id, by_carer in own.items():
            before = plan.assignments.get(visit_id)
            for carer in self.carers_of[visit_id]:
                if carer not in by_carer and before is not None:
                    by_carer[carer] = before.start_of(carer)  # an unchanged partner's route
            assignments[visit_id] = placement(self.day_of[visit_id], by_carer)
        return Solution(
            assignments=dict(sorted(assignments.items())),
            breaks=breaks,
            unassigned=dict(sorted(unassigned.items())),
        )

    def to_solution(self, unassigned: dict[str, str]) -> Solution:
        """Assignments, breaks (only on carer-days with visits) and the unassigned visits."""
        starts: dict[str, dict[str, int]] = {}  # visit -> carer -> start
        breaks: dict[Key, int] = {}
        for key in sorted(self.stops):
            stops, timing = self.stops[key], self.timings[key]
            for stop, start in zip(stops, timing.starts):
                starts.setdefault(stop.visit, {})[key[0]] = start
            if stops and timing.break_start is not None:
                breaks[key] = timing.break_start
        for visit, by_carer in starts.items():
            if len(set(by_carer.values())) > 1 and not self.problem.visit(visit).staggered:
                raise AssertionError(f"visit {visit} starts differently for its carers")
        assignments = {
            visit: placement(self.day_of[visit], by_carer)
            for visit, by_carer in sorted(starts.items())
        }
        return Solution(
            assignments=assignments, breaks=breaks, unassigned=dict(sorted(unassigned.items()))
        )


def placement(day: int, starts: dict[str, int]) -> Placement:
    """The placement of a visit whose carers start at `starts`: carers sorted; their own
    starts listed only when they differ (a staggered visit), `start` then the first one."""
    carers = tuple(sorted(starts))
    own = tuple(starts[c] for c in carers)
    if len(set(own)) == 1:
        return Placement(day, own[0], carers)
    return Placement(day, min(own), carers, own)


def _restore(table: dict, key: str, value: object) -> None:
    if value is None:
        table.pop(key, None)
    else:
        table[key] = value
