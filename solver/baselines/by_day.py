"""Central planning day by day: each day the carers at work and the visits on offer, district-wide.

Central planners plan day by day from one pool of carers: team boundaries are ignored
(borrowing is the rule), everything else stays hard. A visit with a day range (weekly
cleaning on any weekday) is first given the day of its range with the least work per paid
minute, as a planner spreads such visits over the week; it is offered from that day on
until it is served, and `last_chance` says today is its last day.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from hemplan.models.contract.instance import Instance, Staff, Visit
from hemplan.models.contract.start_windows import StartWindows, snap_start, starts_inside
from hemplan.models.evaluator.eligibility import allowed_windows
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Solution


@dataclass(frozen=True)
class DayVisit:
    """A visit offered today, with the carers who could do it today (skills, exclusions,
    locks, a shift leaving room for it) and its start windows (a locked start is the window);
    `earliest` and `latest` span them."""

    visit: Visit
    carers: tuple[str, ...]
    earliest: int
    latest: int
    last_chance: bool
    windows: StartWindows

    def first_start(self, t: int) -> int:
        """The first start at or after `t` inside a window (`t` itself past the last one)."""
        return snap_start(self.windows, t)

    def allows(self, start: int) -> bool:
        """Whether `start` lies inside one of the windows."""
        return starts_inside(self.windows, start)


@dataclass(frozen=True)
class DayOffer:
    """The carers with a shift today (instance order) and the visits on offer."""

    day: int
    carers: tuple[Staff, ...]
    visits: tuple[DayVisit, ...]


DaysPlanner = Callable[
    [list[DayOffer], float], list[Solution]
]  # (days, seconds for each) -> their solutions


def offered(problem: Problem, day: int, pending: list[Visit], final: int | None = None) -> DayOffer:
    """Today's offer: `pending` visits allowed today that someone working today could do.

    A visit is on its last chance when its range ends by `final` (default today): the last
    day on which it will be offered."""
    final = day if final is None else final
    visits = []
    for visit in pending:
        carers = able_on(problem, visit, day)
        if not carers:
            continue
        windows = allowed_windows(visit)
        visits.append(
            DayVisit(visit, carers, windows[0][0], windows[-1][1], visit.days[-1] <= final, windows)
        )
    working = tuple(c for c in problem.instance.staff if day in c.shift_by_day)
    return DayOffer(day, working, tuple(visits))


def able_on(problem: Problem, visit: Visit, day: int) -> tuple[str, ...]:
    """The carers who could do `visit` on `day` (eligible, with a shift that day leaving room
    for it); none when the day is outside its range, when fewer than it needs could, or when a
    carer it is locked to could not."""
    if day not in visit.days:
        return ()
    able = problem.eligible.get(visit.id, [])
    if len(visit.days) == 1:  # eligibility already judged its only day
        carers = tuple(able)
    else:
        carers = tuple(c for c in able if day in problem.fitting_days(c, visit))
    if len(carers) < visit.staff_needed or any(c not in carers for c in visit.locked_carers):
        return ()
    return carers


def target_days(
    instance: Instance,
    by_team: bool = False,
    servable: Callable[[Visit, int], bool] = lambda visit, day: True,
) -> dict[str, int]:
    """For each visit with a day range, the day of its range with the least load per paid
    minute (visits tied to a day first, then ranged visits in id order): of the district, or
    `by_team` of the client's team (whose carers alone serve it when teams are kept). Only
    days on which it is `servable` count, when there are any: a visit is offered from its
    target day on, so a target day after the last day anyone could serve it (a locked carer's
    last fitting shift) would leave it out."""
    team_of = {c.id: c.team for c in instance.clients}

    def pool(team: str) -> str:
        return team if by_team else ""

    days = instance.horizon.days
    paid: dict[str, list[int]] = {}
    load: dict[str, list[int]] = {}
    for carer in instance.staff:
        for shift in carer.shifts:
            if shift.day < days:
                paid.setdefault(pool(carer.team), [0] * days)[shift.day] += shift.paid_minutes
    for visit in instance.visits:
        if len(visit.days) == 1:
            work = visit.duration * visit.staff_needed
            load.setdefault(pool(team_of[visit.client]), [0] * days)[visit.day] += work
    target = {}
    for visit in sorted((v for v in instance.visits if len(v.days) > 1), key=lambda v: v.id):
        key = pool(team_of[visit.client])
        paid_of, load_of = paid.get(key, [0] * days), load.setdefault(key, [0] * days)
        work = visit.duration * visit.staff_needed
        days_open = [d for d in visit.days if servable(visit, d)] or list(visit.days)
        day = min(
            days_open,
            key=lambda d: ((load_of[d] + work) / paid_of[d] if paid_of[d] else float("inf"), d),
        )
        load_of[day] += work
        target[visit.id] = day
    return target


INTERRUPTED_REASON = "not planned: the run was interrupted before this day"


@dataclass
class DaysResult:
    """The solution of the days planned, and whether Ctrl-C/SIGTERM cut the run short."""

    solution: Solution
    interrupted: bool


def plan_by_day(
    problem: Problem,
    plan_days: DaysPlanner,
    deadline: float,
    method: str,
    batch: int = 1,
    on_batch: Callable[[Solution, int], None] = lambda plan, days_done: None,
) -> DaysResult:
    """Plan the horizon `batch` days at a time with `plan_days`, until `deadline` (monotonic).

    The days of a batch are planned independently (in parallel, when `plan_days` says so),
    so a visit still pending is offered on one day of the batch only: its target day, or
    the batch's first day of its range. Each batch gets an equal share of the time left. A
    visit not served by its last day is unassigned, with eligibility's reason when nobody
    could ever do it and otherwise the method's. `on_batch` hears the plan after each batch;
    a KeyboardInterrupt keeps the days planned and leaves the rest unassigned, saying so.
    """
    instance = problem.instance
    pool = "the district" if problem.allow_borrowing else "the client's team"
    plan = Solution()
    pending = [v for v in instance.visits if v.id not in problem.reasons]
    target = target_days(
        instance,
        by_team=not problem.allow_borrowing,
        servable=lambda visit, day: bool(able_on(problem, visit, day)),
    )
    days = instance.horizon.days
    try:
        for first in range(0, days, batch):
            span = range(first, min(days, first + batch))
            offers: list[DayOffer] = []
            claimed: set[str] = set()
            for day in span:
                today = [
                    v
                    for v in pending
                    if v.id not in claimed and day in v.days and target.get(v.id, v.day) <= day
                ]
                claimed.update(v.id for v in today)
                offers.append(offered(problem, day, today, final=span[-1]))
            batches_left = -(-(days - first) // batch)
            decided = plan_days(offers, max(0.0, deadline - time.monotonic()) / batches_left)
            for day_plan in decided:
                plan.assignments.update(day_plan.assignments)
                plan.breaks.update(day_plan.breaks)
            pending = [v for v in pending if v.id not in plan.assignments]
            for visit in [v for v in pending if v.days[-1] <= span[-1]]:
                plan.unassigned[visit.id] = (
                    f"{method}: no carer of {pool} had room for it on day(s) "
                    + (
                        f"{visit.day}"
                        if len(visit.days) == 1
                        else f"{visit.days[0]}-{visit.days[-1]}"
                    )
                )
            pending = [v for v in pending if v.days[-1] > span[-1]]
            on_batch(plan, span[-1] + 1)
    except KeyboardInterrupt:  # keep the days planned; the rest is not planned, and says so
        plan.unassigned.update(
            {v.id: INTERRUPTED_REASON for v in pending if v.id not in plan.assignments}
        )
        plan.unassigned.update(problem.reasons)
        return DaysResult(plan, interrupted=True)
    plan.unassigned.update(problem.reasons)
    return DaysResult(plan, interrupted=False)
