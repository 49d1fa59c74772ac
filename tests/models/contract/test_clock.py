"""Clock times: both input forms, nonsense refused, HH:MM out."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hemplan.models.contract.clock import format_clock, parse_clock


@pytest.mark.parametrize(
    ("text", "minutes"), [("07:30", 450), ("0:05", 5), ("24:00", 1440), (600, 600)]
)
def test_clock_parses_both_forms(text: str | int, minutes: int) -> None:
    assert parse_clock(text) == minutes


@pytest.mark.parametrize("bad", ["7.30", "25:00", "12:60", -1, True, "ab:cd"])
def test_clock_rejects_nonsense(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_clock(bad)


def test_clock_formats_hh_mm() -> None:
    assert format_clock(7 * 60 + 5) == "07:05"


@given(st.integers(min_value=0, max_value=24 * 60))
def test_clock_round_trip(minutes: int) -> None:
    assert parse_clock(format_clock(minutes)) == minutes
