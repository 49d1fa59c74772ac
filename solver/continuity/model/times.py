"""The time facts of a carer-day that the route and break families prune arcs with:
earliest and latest start of each node, durations, places and travel legs."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from hemplan.models.contract.instance import Shift, TravelMode
from hemplan.solver.problem import Problem
from hemplan.solver.travel import TravelTimes

Start = cp_model.IntVar | int  # a freed visit's start variable, or a fixed visit's start


@dataclass(frozen=True)
class RouteTimes:
    """What the pruning knows of a carer-day's nodes: earliest and latest start, duration,
    place, and for each fixed node the fixed node (or the office) just before and after it."""

    shift: Shift
    places: list[int]
    travel: TravelTimes
    mode: TravelMode  # the carer's travel mode
    est: list[int]
    lst: list[int]
    dur: list[int]
    fixed: int  # nodes 1..fixed are the visits staying on the route, in start order

    def leg(self, i: int, j: int) -> int:
        return self.travel.between(self.mode, self.places[i], self.places[j])

    def leave(self, i: int) -> int:
        """The earliest moment the carer can leave node i."""
        return self.shift.start if i == 0 else self.est[i] + self.dur[i]

    def arrive_by(self, j: int) -> int:
        """The latest moment the carer may arrive at node j."""
        return self.shift.end if j == 0 else self.lst[j]

    def is_fixed(self, k: int) -> bool:
        return 1 <= k <= self.fixed

    def before(self, k: int) -> int:
        return k - 1 if k > 1 else 0

    def after(self, k: int) -> int:
        return k + 1 if k < self.fixed else 0

    def possible(self, i: int, j: int) -> bool:
        """Whether j may follow i on this route."""
        if self.leave(i) + self.leg(i, j) > self.arrive_by(j):
            return False
        if (i == 0 or self.is_fixed(i)) and (j == 0 or self.is_fixed(j)):
            if not (i or j):
                return False
            return j == self.after(i) if i else j == (1 if self.fixed else 0)
        if self.is_fixed(j) and i:
            p = self.before(j)
            return self.leave(p) + self.leg(p, i) <= self.lst[i]
        if self.is_fixed(i) and j:
            q = self.after(i)
            return self.est[j] + self.dur[j] + self.leg(j, q) <= self.arrive_by(q)
        return True


def route_times(
    problem: Problem, carer_id: str, day: int, nodes: list[str], fixed: int, start: dict[str, Start]
) -> RouteTimes:
    """The pruning facts of a carer-day whose first `fixed` nodes stay on it."""
    carer = problem.carer(carer_id)
    visits = [problem.visit(v) for v in nodes]
    places = [problem.office(carer)] + [problem.home(v) for v in visits]
    est = [carer.shift_by_day[day].start] + [
        s if isinstance(s := start[v.id], int) else v.allowed_starts[0][0] for v in visits
    ]
    lst = [carer.shift_by_day[day].end] + [  # soft windows: the latest start with lateness
        s if isinstance(s := start[v.id], int) else v.allowed_starts[-1][1] + v.start_gap[1]
        for v in visits
    ]  # a second role starts up to the gap's max later
    return RouteTimes(
        carer.shift_by_day[day],
        places,
        problem.travel,
        carer.travel_mode,
        est,
        lst,
        [0] + [v.duration for v in visits],
        fixed,
    )
