"""The stable week's share: the same carers, about the same time, as a week before."""

from __future__ import annotations

from hemplan.models.contract.schedule import Assignment
from hemplan.models.evaluator.weeks import week_repeats
from tests.small_instances import shift, small, visit

HOME = {"lat": 62.391, "lon": 17.301}


def two_weeks(history: list[dict] | None = None):  # type: ignore[no-untyped-def]
    extra = {"history": {"visits": history}} if history is not None else {}
    return small(
        [{"id": c, "shifts": [shift(d) for d in range(14)]} for c in ("A", "B")],
        [{"id": "K", "location": HOME}],
        [visit("V0", "K", 0, service="help"), visit("V7", "K", 7, service="help")],
        days=14,
        **extra,
    )


def at(vid: str, day: int, clock: int, carer: str) -> Assignment:
    return Assignment(visit=vid, day=day, start=clock, carers=[carer])


def test_the_same_carer_within_15_minutes_repeats_the_week_before() -> None:
    inst = two_weeks()
    assert week_repeats(inst, [at("V0", 0, 480, "A"), at("V7", 7, 495, "A")]) == (1, 1)


def test_another_carer_or_a_start_20_minutes_away_does_not() -> None:
    inst = two_weeks()
    assert week_repeats(inst, [at("V0", 0, 480, "A"), at("V7", 7, 480, "B")]) == (0, 1)
    assert week_repeats(inst, [at("V0", 0, 480, "A"), at("V7", 7, 500, "A")]) == (0, 1)


def test_the_first_week_is_compared_with_the_history() -> None:
    past = [
        {"date": "2025-12-29", "client": "K", "service": "help", "start": "08:05", "carers": ["B"]}
    ]
    inst = two_weeks(past)
    assert week_repeats(inst, [at("V0", 0, 480, "B")]) == (1, 1)
    assert week_repeats(inst, [at("V0", 0, 480, "A")]) == (0, 1)
