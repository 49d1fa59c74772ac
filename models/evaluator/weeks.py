"""The stable week ("continuity of method"): each week repeats the one before where it can.

A visit repeats its week-earlier twin (the same recurring visit seven days before: same
client, service, window, duration and staffing; before the horizon, a past visit of the
history with the same client and service, a start given, seven days before) when the same
carers come and it starts within `REPEAT_TOLERANCE` minutes of it. The share is over the
served visits that have a served twin.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Assignment
from hemplan.models.evaluator.arrival import SeriesKey, series_key

REPEAT_TOLERANCE = 15  # minutes: "about the same time" as the week before
WEEK = 7

Served = tuple[frozenset[str], int]  # carers, start


def week_repeats(instance: Instance, assignments: Iterable[Assignment]) -> tuple[int, int]:
    """(visits that repeat their week-earlier twin, visits that have one)."""
    served: dict[tuple[SeriesKey, int], Served] = {}
    for a in assignments:
        served[(series_key(instance.visit_by_id[a.visit]), a.day)] = (frozenset(a.carers), a.start)
    past: dict[tuple[str, str, int], list[Served]] = defaultdict(list)
    if instance.history is not None:
        for p in instance.history.visits:
            if p.start is not None:
                day = (p.date - instance.horizon.start_date).days
                past[(p.client, p.service, day)].append((frozenset(p.carers), p.start))
    repeated = twins = 0
    for (key, day), (carers, start) in served.items():
        twin = served.get((key, day - WEEK))
        if twin is None:
            earlier = past.get((key[0], key[1], day - WEEK), [])
            twin = min(earlier, key=lambda s: abs(s[1] - start), default=None)
        if twin is None:
            continue
        twins += 1
        repeated += twin[0] == carers and abs(twin[1] - start) <= REPEAT_TOLERANCE
    return repeated, twins
