"""Recurring visits written once and expanded into visits when an instance loads."""

from __future__ import annotations

import copy

from hemplan.models.io.load import instance_from_data
from tests.hand_instance import BASE


def _with_patterns(patterns: list[dict], days: int = 14) -> dict:
    data = copy.deepcopy(BASE)
    data["horizon"] = {"start_date": "2026-01-07", "days": days}  # a Wednesday
    data["travel"] = {}
    data["visits"] = []
    data["patterns"] = patterns
    return data


def test_daily_pattern_expands_to_one_visit_a_day() -> None:
    inst = instance_from_data(
        _with_patterns(
            [
                {
                    "id": "P",
                    "client": "C1",
                    "window": {"earliest": "07:00", "latest": "08:30"},
                    "duration": 30,
                }
            ]
        ),
        "x",
    )
    assert [v.id for v in inst.visits] == [f"P/d{d}" for d in range(14)]
    assert all(v.window.earliest == 420 for v in inst.visits)
    assert inst.patterns == []


def test_weekday_and_fortnightly_flexible_patterns() -> None:
    inst = instance_from_data(
        _with_patterns(
            [
                {
                    "id": "shower",
                    "client": "C1",
                    "weekdays": [4],
                    "window": {"earliest": "09:00", "latest": "12:00"},
                    "duration": 45,
                },
                {
                    "id": "clean",
                    "client": "C2",
                    "weekdays": [0, 1, 2, 3, 4],
                    "every_weeks": 2,
                    "flexible": True,
                    "window": {"earliest": "09:00", "latest": "14:00"},
                    "duration": 60,
                },
            ]
        ),
        "x",
    )
    showers = [v for v in inst.visits if v.id.startswith("shower")]
    assert [v.day for v in showers] == [2, 9]  # Fridays of a horizon starting on a Wednesday
    cleaning = [v for v in inst.visits if v.id.startswith("clean")]
    # calendar weeks 0, 2: week 0 holds Wed-Fri (days 0-2); week 2 Mon-Fri
    # (days 12-13 only, horizon ends)
    assert [(v.day, v.last_day) for v in cleaning] == [(0, 2), (12, 13)]


def test_a_pattern_with_several_windows_gives_each_visit_them_all() -> None:
    inst = instance_from_data(
        _with_patterns(
            [
                {
                    "id": "P",
                    "client": "C1",
                    "windows": [["07:00", "08:00"], ["11:00", "12:00"]],
                    "duration": 30,
                }
            ],
            days=2,
        ),
        "x",
    )
    assert [v.start_windows for v in inst.visits] == [((420, 480), (660, 720))] * 2
