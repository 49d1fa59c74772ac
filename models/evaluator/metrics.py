"""Continuity, travel and workload metrics of a schedule (DESIGN.md, Metrics).

Everything is recomputed from the assignments, the routes and the instance; the figures a
schedule carries about itself are ignored. Continuity counts the carers of assignments
whose visit and carer exist in the instance, whatever else is wrong with them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Assignment, Distribution, Metrics, Schedule, stop_order
from hemplan.models.evaluator.arrival import client_arrival_spread
from hemplan.models.evaluator.bounds import bounds_per_period
from hemplan.models.evaluator.eligibility import eligibility
from hemplan.models.evaluator.travel import TravelMinutes
from hemplan.models.evaluator.violations import route_legs
from hemplan.models.evaluator.weeks import week_repeats
from hemplan.models.evaluator.windows import sliding_counts

PERIOD_DAYS = 14
INDICATOR_FROM = 7 * 60  # the national indicator counts visits from 07:00 ...
INDICATOR_UNTIL = 22 * 60  # ... to 22:00
INDICATOR_MIN_DAILY_VISITS = 2


@dataclass
class ClientContinuity:
    """One client's continuity: carers met (with visit counts) over the horizon and per period."""

    client: str
    visits_by_carer: Counter[str] = field(default_factory=Counter)
    assigned_visits: int = 0
    distinct_per_period: list[int] = field(default_factory=list)
    daytime_per_period: list[int] = field(default_factory=list)
    in_indicator_population: list[bool] = field(default_factory=list)
    lower_bound: int = 0
    lower_bound_per_period: list[int] = field(default_factory=list)
    # window start day (negative: reaching into the history) -> distinct carers in the 14 days
    sliding: dict[int, int] = field(default_factory=dict)

    @property
    def distinct(self) -> int:
        return len(self.visits_by_carer)

    @property
    def contact_share(self) -> float | None:
        if not self.visits_by_carer:
            return None
        return self.visits_by_carer.most_common(1)[0][1] / self.assigned_visits


def periods(days: int) -> list[range]:
    """Consecutive 14-day periods from day 0; a horizon shorter than 14 days is one period."""
    if days < PERIOD_DAYS:
        return [range(days)]
    return [range(k * PERIOD_DAYS, (k + 1) * PERIOD_DAYS) for k in range(days // PERIOD_DAYS)]


def distribution(values: Sequence[float]) -> Distribution | None:
    if not values:
        return None
    arr = np.asarray(values, dtype=float)
    return Distribution(
        mean=round(float(arr.mean()), 3),
        median=round(float(np.median(arr)), 3),
        p90=round(float(np.percentile(arr, 90)), 3),
        max=round(float(arr.max()), 3),
    )


def client_continuity(
    instance: Instance, schedule: Schedule, travel: TravelMinutes, allow_borrowing: bool
) -> dict[str, ClientContinuity]:
    """Per client: carers met, distinct carers and the national indicator per period, bounds."""
    result = {c.id: ClientContinuity(c.id) for c in instance.clients}
    spans = periods(instance.horizon.days)
    met: dict[str, list[set[str]]] = {c: [set() for _ in spans] for c in result}
    met_daytime: dict[str, list[set[str]]] = {c: [set() for _ in spans] for c in result}
    for a in first_assignments(schedule, instance):
        visit = instance.visit_by_id[a.visit]
        carers = [c for c in dict.fromkeys(a.carers) if c in instance.staff_by_id]
        entry = result[visit.client]
        entry.assigned_visits += 1
        entry.visits_by_carer.update(carers)
        for k, span in enumerate(spans):
            if a.day in span:
                met[visit.client][k].update(carers)
                if INDICATOR_FROM <= a.start < INDICATOR_UNTIL:
                    met_daytime[visit.client][k].update(carers)

    for client_id, windows in sliding_counts(
        instance, first_assignments(schedule, instance)
    ).items():
        if client_id in result:
            result[client_id].sliding = windows

    able = eligibility(instance, travel, allow_borrowing).carers
    horizon_bound, *period_bounds = bounds_per_period(instance, able, [None, *spans])
    for client_id, entry in result.items():
        entry.distinct_per_period = [len(s) for s in met[client_id]]
        entry.daytime_per_period = [len(s) for s in met_daytime[client_id]]
        entry.in_indicator_population = [
            has_daily_care(instance, client_id, span) for span in spans
        ]
        entry.lower_bound = horizon_bound[client_id]
        entry.lower_bound_per_period = [b[client_id] for b in period_bounds]
    return result


def has_daily_care(instance: Instance, client_id: str, span: range) -> bool:
    """At least two visits between 07:00 and 22:00 on every day of the period (the indicator's
    population)."""
    per_day: Counter[int] = Counter()
    for v in instance.visits_by_client.get(client_id, []):
        if len(v.days) == 1 and INDICATOR_FROM <= v.window.earliest < INDICATOR_UNTIL:
            per_day[v.day] += 1
    return all(per_day[d] >= INDICATOR_MIN_DAILY_VISITS for d in span)


def compute_metrics(
    instance: Instance,
    schedule: Schedule,
    travel: TravelMinutes,
    clients: dict[str, ClientContinuity],
    violation_count: int,
) -> Metrics:
    """The schedule's metrics from the per-client continuity and the routes."""
    assigned = {a.visit for a in schedule.assignments if a.visit in instance.visit_by_id}
    unserved = [v for v in instance.visits if v.id not in assigned]
    served_clients = [c for c in clients.values() if c.assigned_visits]

    per_period = [d for c in clients.values() for d in c.distinct_per_period if d]
    indicator = [
        d
        for c in clients.values()
        for d, counted in zip(c.daytime_per_period, c.in_indicator_population)
        if counted
    ]
    all_daytime = [d for c in clients.values() for d in c.daytime_per_period if d]
    sliding = [n for c in clients.values() for n in c.sliding.values()]
    reaching_back = [n for c in clients.values() for s, n in c.sliding.items() if s < 0]
    worst_window = [max(c.sliding.values()) for c in clients.values() if c.sliding]
    bound_total = sum(c.lower_bound for c in served_clients)
    distinct_total = sum(c.distinct for c in served_clients)

    travel_minutes = 0
    for route in schedule.routes:
        carer = instance.staff_by_id.get(route.carer)
        if carer is not None:
            legs, back = route_legs(instance, travel, carer, sorted(route.stops, key=stop_order))
            travel_minutes += sum(legs) + back

    carer_visits = [
        (instance.visit_by_id[a.visit], carer)
        for a in first_assignments(schedule, instance)
        for carer in a.carers
        if carer in instance.staff_by_id
    ]
    visit_minutes = sum(v.duration for v, _ in carer_visits)
    paid = sum(s.paid_minutes for carer in instance.staff for s in carer.shifts)
    borrowed = sum(
        1
        for a in first_assignments(schedule, instance)
        if any(
            c in instance.staff_by_id
            and instance.staff_by_id[c].team
            != instance.client_by_id[instance.visit_by_id[a.visit].client].team
            for c in a.carers
        )
    )
    contact = [c.contact_share for c in served_clients if c.contact_share is not None]
    spread = client_arrival_spread(
        (instance.visit_by_id[a.visit], a.start) for a in first_assignments(schedule, instance)
    )
    repeated, twins = week_repeats(instance, first_assignments(schedule, instance))
    late = tardiness(instance, schedule)
    return Metrics(
        visits=len(instance.visits),
        assigned=len(assigned),
        unassigned_mandatory=sum(v.priority == "mandatory" for v in unserved),
        unassigned_deferrable=sum(v.priority == "deferrable" for v in unserved),
        violations=violation_count,
        distinct_carers_horizon=distribution([c.distinct for c in served_clients]),
        distinct_carers_14d=distribution(per_period),
        distinct_carers_sliding_14d=distribution(sliding),
        worst_window_14d=distribution(worst_window),
        sliding_14d_into_history=_mean(reaching_back),
        national_indicator_14d=_mean(indicator),
        national_indicator_clients=len(indicator),
        indicator_14d_all_clients=_mean(all_daytime),
        contact_share=_mean(contact),
        arrival_spread=distribution(list(spread.values())),
        week_repeat_share=round(repeated / twins, 4) if twins else None,
        lower_bound_total=bound_total,
        distinct_carers_total=distinct_total,
        gap_to_lower_bound=round(distinct_total / bound_total - 1, 4) if bound_total else None,
        travel_minutes=travel_minutes,
        travel_per_visit=round(travel_minutes / len(carer_visits), 3) if carer_visits else None,
        visit_minutes=visit_minutes,
        paid_shift_minutes=paid,
        client_time_share=round(visit_minutes / paid, 4) if paid else None,
        borrowed_visits=borrowed,
        tardiness_minutes=None if late is None else sum(late),
        max_tardiness=None if late is None else max(late, default=0),
    )


def tardiness(instance: Instance, schedule: Schedule) -> list[int] | None:
    """Per carer of each assignment of a visit with soft windows, the minutes its own start
    falls after the window's latest (the second role of a start gap measured by its own start,
    as each carer's arrival is what the client waits for); None when every window is hard."""
    if not any(v.lateness is not None for v in instance.visits):
        return None
    return [
        visit.tardiness(a.start_of(carer))
        for a in first_assignments(schedule, instance)
        if (visit := instance.visit_by_id[a.visit]).lateness is not None
        for carer in a.carers
    ]


def first_assignments(schedule: Schedule, instance: Instance) -> Iterator[Assignment]:
    """Assignments of known visits, the first one only where a visit is assigned twice."""
    seen: set[str] = set()
    for a in schedule.assignments:
        if a.visit in instance.visit_by_id and a.visit not in seen:
            seen.add(a.visit)
            yield a


def _mean(values: Sequence[float]) -> float | None:
    return round(float(np.mean(values)), 3) if values else None
