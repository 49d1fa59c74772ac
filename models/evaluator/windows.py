"""Distinct carers over every 14 consecutive days, reaching back into the history.

The fixed periods (days 0-13, 14-27, ...) say what a period's plan gives; a client lives
through every window, and the national indicator counts whatever 14 days are measured. So
every 14-day window is counted: from the one that ends on the horizon's first day (13 days
of history and day 0) to the one that ends on its last. A window counts for a client who
is served in the planned part of it; the history adds the carers met before the horizon.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Assignment

WINDOW_DAYS = 14


def window_starts(instance: Instance) -> range:
    """First days of the counted windows (negative: the window reaches into the history);
    a horizon shorter than a window without history is one window, the horizon."""
    days = instance.horizon.days
    first = -(WINDOW_DAYS - 1) if instance.history is not None and instance.history.visits else 0
    starts = range(first, days - WINDOW_DAYS + 1)
    return starts if len(starts) else range(0, 1)


def carers_by_day(
    instance: Instance, assignments: Iterable[Assignment]
) -> dict[str, dict[int, set[str]]]:
    """Per client and day (before the horizon: negative), the carers met."""
    met: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    if instance.history is not None:
        start = instance.horizon.start_date
        for past in instance.history.visits:
            met[past.client][(past.date - start).days].update(past.carers)
    for a in assignments:
        client = instance.visit_by_id[a.visit].client
        met[client][a.day].update(c for c in a.carers if c in instance.staff_by_id)
    return met


def sliding_counts(
    instance: Instance, assignments: Iterable[Assignment]
) -> dict[str, dict[int, int]]:
    """Per client, window start -> distinct carers met in that window, for the windows in
    which the client is served in the planned part. One pass per client: the window slides
    a day at a time, counting each carer's visit days inside it."""
    starts = window_starts(instance)
    length = min(WINDOW_DAYS, instance.horizon.days) if starts.start == 0 else WINDOW_DAYS
    result: dict[str, dict[int, int]] = {}
    for client, by_day in carers_by_day(instance, assignments).items():
        inside: Counter[str] = Counter()
        for day in range(starts.start, starts.start + length - 1):
            inside.update(by_day.get(day, ()))
        window: dict[int, int] = {}
        for s in starts:
            inside.update(by_day.get(s + length - 1, ()))
            if any(by_day.get(d) for d in range(max(s, 0), s + length)):
                window[s] = sum(1 for n in inside.values() if n > 0)
            inside.subtract(by_day.get(s, ()))
        if window:
            result[client] = window
    return result
