"""Arrival-time consistency ("continuity of method"): the same recurring visit at about the
same time every day.

A recurring visit is a series of visits of one client with the same service, window,
duration and staffing on different days (what a pattern expands to, or what a planner enters
day by day). Its spread is the mean absolute deviation, in minutes, of the served starts from
the series' median start: 0 when the carer comes at the same time every day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from hemplan.models.contract.instance import Visit
from hemplan.models.contract.start_windows import StartWindows

SeriesKey = tuple[str, str, StartWindows, int, int]


def series_key(visit: Visit) -> SeriesKey:
    """Visits with the same key are one recurring visit on different days."""
    return (
        visit.client,
        visit.service,
        visit.start_windows,
        visit.duration,
        visit.staff_needed,
    )


def series_spread(starts: list[int]) -> float:
    """Mean absolute deviation of `starts` from their median (minutes)."""
    arr = np.asarray(starts, dtype=float)
    return float(np.abs(arr - np.median(arr)).mean())


def client_arrival_spread(served: Iterable[tuple[Visit, int]]) -> dict[str, float]:
    """Per client with at least one recurring visit served twice: the mean spread of its series."""
    starts: dict[SeriesKey, list[int]] = defaultdict(list)
    for visit, start in served:
        starts[series_key(visit)].append(start)
    spreads: dict[str, list[float]] = defaultdict(list)
    for key, series in starts.items():
        if len(series) >= 2:
            spreads[key[0]].append(series_spread(series))
    return {client: float(np.mean(values)) for client, values in spreads.items()}
