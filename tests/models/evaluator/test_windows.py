"""Distinct carers over every 14 consecutive days, windows reaching into the history included."""

from __future__ import annotations

from hemplan.models.contract.schedule import Assignment, Schedule
from hemplan.models.evaluator import evaluate
from hemplan.models.evaluator.windows import sliding_counts, window_starts
from tests.small_instances import shift, small, visit

HOME = {"lat": 62.391, "lon": 17.301}


def fifteen_days(history: list[dict] | None = None):  # type: ignore[no-untyped-def]
    """Client K with a visit on day 0 and on day 14; carers X and Y; horizon from Monday
    2026-01-05, so day -13 is 2025-12-23."""
    extra = {"history": {"visits": history}} if history is not None else {}
    return small(
        [{"id": c, "shifts": [shift(d) for d in range(15)]} for c in ("X", "Y")],
        [{"id": "K", "location": HOME}],
        [visit("V0", "K", 0), visit("V14", "K", 14)],
        days=15,
        **extra,
    )


def by_y(day: int, vid: str) -> Assignment:
    return Assignment(visit=vid, day=day, start=8 * 60, carers=["Y"])


def test_a_window_spanning_history_and_plan_counts_both() -> None:
    instance = fifteen_days([{"date": "2025-12-23", "client": "K", "carers": ["X"]}])
    counts = sliding_counts(instance, [by_y(0, "V0"), by_y(14, "V14")])
    # day -13 (X) and day 0 (Y) share only the first window; from day -12 on only Y is met
    assert counts["K"] == {-13: 2, **{s: 1 for s in range(-12, 2)}}


def test_without_history_the_windows_start_on_day_0() -> None:
    instance = fifteen_days()
    assert window_starts(instance) == range(0, 2)
    assert sliding_counts(instance, [by_y(0, "V0"), by_y(14, "V14")]) == {"K": {0: 1, 1: 1}}


def test_a_window_without_a_planned_visit_of_the_client_is_not_counted() -> None:
    instance = fifteen_days([{"date": "2025-12-23", "client": "K", "carers": ["X"]}])
    counts = sliding_counts(instance, [by_y(14, "V14")])  # V0 left out
    assert sorted(counts["K"]) == [1]  # only the window of days 1-14 holds a planned visit


def test_the_metrics_report_the_windows_into_the_history() -> None:
    instance = fifteen_days([{"date": "2025-12-23", "client": "K", "carers": ["X"]}])
    schedule = Schedule(assignments=[by_y(0, "V0"), by_y(14, "V14")])
    m = evaluate(instance, schedule).metrics
    assert m.sliding_14d_into_history == round(14 / 13, 3)  # 2 + 12 x 1 over 13 windows
    assert m.worst_window_14d is not None and m.worst_window_14d.max == 2
    assert m.distinct_carers_sliding_14d is not None and m.distinct_carers_sliding_14d.max == 2
