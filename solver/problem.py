"""The problem as every method sees it, built once: an instance (a team's part, or the whole
district), its travel times, who could serve each visit, the clients' lower bounds, and the
indexes the heuristics ask for again and again (each derived fact on first use, then kept).

Building these once per team and passing one object replaces the `(instance, travel,
eligible, bounds, ...)` argument lists that every function used to take, and the travel matrix
file is read once, not at every call site. A Problem is frozen: the methods change solutions,
never the problem. It pickles, so a team's problem travels to a worker process whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from functools import cached_property

from hemplan.models.contract.instance import Instance, Staff, Visit
from hemplan.models.contract.roles import role_orders
from hemplan.models.contract.start_windows import StartWindows
from hemplan.solver.bounds import client_bounds
from hemplan.solver.eligibility import Eligibility, fitting_days
from hemplan.solver.eligibility import eligibility as eligibility_of
from hemplan.solver.travel import TravelTimes, travel_times

SeriesKey = tuple[str, str, StartWindows, int, int]  # client, service, windows, duration, staffing


def series_key(visit: Visit) -> SeriesKey:
    """Visits with the same key are one recurring visit on different days (a pattern's visits,
    or the same visit entered day by day): the arrival-time objective keeps them at one time."""
    return (
        visit.client,
        visit.service,
        visit.start_windows,
        visit.duration,
        visit.staff_needed,
    )


@dataclass(frozen=True)
class PastTwin:
    """A visit of the history that a visit of the horizon repeats: who came, and when."""

    carers: frozenset[str]
    start: int | None


@dataclass(frozen=True)
class Problem:
    """An instance with what every method derives from it first."""

    instance: Instance
    travel: TravelTimes
    allow_borrowing: bool = False
    # travel minutes the plan should stay within (`--max-travel-increase`); None: no budget
    travel_budget: int | None = None
    _days: dict[tuple[str, str], list[int]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(cls, instance: Instance, allow_borrowing: bool = False) -> Problem:
        """The problem of `instance`: its travel times now, the rest when first asked for."""
        return cls(instance, travel_times(instance), allow_borrowing)

    def with_travel_budget(self, budget: int) -> Problem:
        """The same problem with a travel budget (`solver.score.over_budget`); the facts derived
        so far are kept, so the team's eligibility and bounds are not computed twice."""
        budgeted = replace(self, travel_budget=budget)
        names = {f.name for f in fields(self)}
        budgeted.__dict__.update({k: v for k, v in self.__dict__.items() if k not in names})
        return budgeted

    @cached_property
    def eligibility(self) -> Eligibility:
        return eligibility_of(self.instance, self.travel, self.allow_borrowing)

    @property
    def eligible(self) -> dict[str, list[str]]:
        """Visit id -> the carers who could serve it, judged on the visit alone
        (`solver.eligibility`)."""
        return self.eligibility.carers

    @property
    def reasons(self) -> dict[str, str]:
        """Visit id -> why it has fewer possible carers than it needs."""
        return self.eligibility.reasons

    @property
    def name(self) -> str:
        """The team this problem plans, or "all" for a district planned as one pool."""
        return self.instance.teams[0].id if len(self.instance.teams) == 1 else "all"

    @cached_property
    def bounds(self) -> dict[str, int]:
        """Per client, the fewest distinct carers any schedule must give it (`solver.bounds`)."""
        return client_bounds(self.instance, self.eligible)

    @property
    def bound(self) -> int:
        return sum(self.bounds.values())

    @cached_property
    def known(self) -> dict[str, frozenset[str]]:
        """Per client, the carers met within the history's look-back before the horizon: a
        client who keeps one of them meets nobody new across the periods' boundary."""
        history = self.instance.history
        if history is None:
            return {}
        since = self.instance.horizon.start_date - timedelta(days=history.look_back_days)
        met: dict[str, set[str]] = defaultdict(set)
        for v in history.visits:
            if v.date >= since:
                met[v.client].update(v.carers)
        return {client: frozenset(carers) for client, carers in met.items()}

    @cached_property
    def week_before(self) -> dict[str, str]:
        """Visit id -> the same recurring visit seven days before (by first allowed day): the
        one a stable week repeats."""
        by_day: dict[tuple[SeriesKey, int], str] = {}
        for v in self.instance.visits:
            by_day.setdefault((series_key(v), v.day), v.id)
        return {
            v_id: earlier
            for (key, day), v_id in by_day.items()
            if (earlier := by_day.get((key, day - 7))) is not None
        }

    @cached_property
    def past_carers(self) -> dict[str, frozenset[str]]:
        """Visit id in the first week -> the carers of the history's visit seven days before."""
        return {v_id: twin.carers for v_id, twin in self._past_twins(7).items()}

    @cached_property
    def history_twins(self) -> dict[str, PastTwin]:
        """Visit id -> the history's visit two weeks or one week before (same client and
        service) whose carers work the visit's day: what the construction repeats first, so
        that a period like the last one starts from the last one's plan."""
        staff = self.instance.staff_by_id
        week, fortnight = self._past_twins(7), self._past_twins(14)
        twins = {}
        for v in self.instance.visits:
            # a fortnight first: rosters rotate over two weeks (every other weekend off)
            for twin in (fortnight.get(v.id), week.get(v.id)):
                if twin and all(c in staff and v.day in staff[c].shift_by_day for c in twin.carers):
                    twins[v.id] = twin
                    break
        return twins

    def _past_twins(self, days_back: int) -> dict[str, PastTwin]:
        """Visit id -> the past visit `days_back` days before: the same client, the same
        service where the history names one (an earlier schedule does not), the start nearest
        the visit's window."""
        history = self.instance.history
        if history is None:
            return {}
        first = self.instance.horizon.start_date
        past: dict[tuple[str, int], list[tuple[str, PastTwin]]] = defaultdict(list)
        for p in history.visits:
            twin = PastTwin(frozenset(p.carers), p.start)
            past[(p.client, (p.date - first).days)].append((p.service, twin))
        found = {}
        for v in self.instance.visits:
            earlier = [
                twin
                for service, twin in past.get((v.client, v.day - days_back), ())
                if not service or service == v.service
            ]
            if earlier:
                found[v.id] = min(earlier, key=lambda t: abs((t.start or 0) - v.window.earliest))
        return found

    @cached_property
    def series(self) -> dict[SeriesKey, list[str]]:
        """Visit ids of each recurring visit."""
        members: dict[SeriesKey, list[str]] = defaultdict(list)
        for v in self.instance.visits:
            members[series_key(v)].append(v.id)
        return dict(members)

    @cached_property
    def workload_targets(self) -> dict[str, int]:
        """Each carer's fair share of the visit minutes: all visit minutes split in proportion
        to paid shift minutes (a part-timer gets less)."""
        demand = sum(v.duration * v.staff_needed for v in self.instance.visits)
        paid = {c.id: sum(s.paid_minutes for s in c.shifts) for c in self.instance.staff}
        total_paid = sum(paid.values())
        return {c: (demand * p) // total_paid if total_paid else 0 for c, p in paid.items()}

    def roles_allow(
        self, visit: Visit, carers: Sequence[str], starts: Sequence[int] | None = None
    ) -> bool:
        """Whether `carers` (starting at `starts`, in the same order) can share out the
        visit's roles (`models.contract.roles`): true for every group of eligible carers of a
        visit without roles or a start gap."""
        if visit.roles is None and not visit.staggered:
            return True
        held = [frozenset(self.carer(c).skills) for c in carers]
        for order in role_orders(visit.slot_skills, held):
            if starts is None or not visit.staggered:
                return True
            first = starts[order.index(0)]
            lo, hi = visit.start_gap
            if lo <= starts[order.index(1)] - first <= hi:
                return True
        return False

    def visit(self, visit_id: str) -> Visit:
        return self.instance.visit_by_id[visit_id]

    def carer(self, carer_id: str) -> Staff:
        return self.instance.staff_by_id[carer_id]

    def home(self, visit: Visit) -> int:
        """The place index of the visit's client."""
        return self.travel.client_index[visit.client]

    def office(self, carer: Staff) -> int:
        """The place index of the carer's office, where shifts start and end."""
        return self.travel.office_index[carer.team]

    def minutes(self, carer: Staff, a: int, b: int) -> int:
        """Travel minutes from place a to place b at the carer's own travel mode."""
        return self.travel.between(carer.travel_mode, a, b)

    def fitting_days(self, carer_id: str, visit: Visit) -> list[int]:
        """Allowed days of `visit` on which the carer's shift leaves room to do it (cached: the
        heuristics ask the same question many times)."""
        key = (carer_id, visit.id)
        if key not in self._days:
            self._days[key] = fitting_days(self.instance, self.travel, self.carer(carer_id), visit)
        return self._days[key]

    def __getstate__(self) -> dict[str, object]:
        """Pickled without the fitting-days cache: a worker rebuilds what it asks for."""
        state = dict(self.__dict__)
        state["_days"] = {}
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
