"""The size limits of reading (`models/io/limits.py`): an instance whose visits would take more
memory to hold than reading may use (about 5 KB a visit) is refused before it is built, naming
the file and the limit; planning has its own, machine-dependent budget (`solver.budget`)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from hemplan.models.contract.problems import InputError
from hemplan.models.io import limits
from hemplan.models.io.load import instance_from_data, load_instance


def _daily_patterns(clients: int, days: int) -> dict[str, Any]:
    """`clients` clients with six daily visits each, written as patterns: a small file that
    expands to `clients x days x 6` visits."""
    return {
        "name": "many",
        "horizon": {"start_date": "2026-01-05", "days": days},
        "teams": [{"id": "T", "office": {"lat": 62.39, "lon": 17.3}}],
        "staff": [],
        "clients": [
            {"id": f"C{k}", "team": "T", "location": {"lat": 62.39, "lon": 17.3}}
            for k in range(clients)
        ],
        "patterns": [
            {
                "id": f"C{k}-{h}",
                "client": f"C{k}",
                "weekdays": [0, 1, 2, 3, 4, 5, 6],
                "window": {"earliest": f"{7 + 2 * h:02d}:00", "latest": f"{8 + 2 * h:02d}:00"},
                "duration": 30,
            }
            for k in range(clients)
            for h in range(6)
        ],
    }


def test_the_visit_limit_is_what_reading_can_hold() -> None:
    assert limits.MAX_VISITS == limits.MAX_RECORDS["visits"] == 1_000_000


def test_patterns_expanding_past_the_limit_are_refused_before_expanding(tmp_path: Path) -> None:
    """2,000 clients x 6 visits a day x 100 days = 1,200,000 visits: refused in a second."""
    path = tmp_path / "many.json"
    path.write_text(json.dumps(_daily_patterns(clients=2_000, days=100)), encoding="utf-8")
    began = time.monotonic()
    with pytest.raises(InputError) as caught:
        load_instance(path)
    assert time.monotonic() - began < 10
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{path}: patterns: expand to up to ")
    assert str(problem).endswith("visits; the limit is 1,000,000")


def test_just_under_the_limit_the_bound_lets_it_through() -> None:
    """The check counts before expanding, from an upper bound of the calendar weeks: 100
    clients over 28 days (16,800 visits) pass it."""
    instance = instance_from_data(_daily_patterns(clients=100, days=28), "few")
    assert len(instance.visits) == 100 * 6 * 28


def test_too_many_explicit_visits_are_refused_before_validating() -> None:
    raw = {"visits": [{}] * (limits.MAX_RECORDS["visits"] + 1)}
    with pytest.raises(InputError) as caught:
        limits.check_record_counts(raw, "big.json")
    assert [str(p) for p in caught.value.problems] == [
        "big.json: visits: 1,000,001 records; the limit is 1,000,000"
    ]
