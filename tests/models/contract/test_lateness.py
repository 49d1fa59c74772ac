"""Soft windows in the contract: `lateness.max` widens where a start may fall, merging windows
that then meet; the tardiness of a start counts against the window it comes in or after; a
visit without `lateness` reads and writes as before."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hemplan.models.contract.instance import Visit
from hemplan.models.contract.start_windows import extend_windows, lateness_of


def test_extended_windows_merge_where_they_meet() -> None:
    assert extend_windows([(480, 540), (660, 720)], 30) == ((480, 570), (660, 750))
    assert extend_windows([(480, 540), (560, 600)], 30) == ((480, 630),)
    assert extend_windows([(480, 540), (541, 600)], 0) == ((480, 540), (541, 600))


def test_lateness_counts_from_the_window_the_start_comes_in_or_after() -> None:
    windows = [(480, 540), (660, 720)]
    assert [lateness_of(windows, t) for t in (470, 500, 560, 665, 730)] == [0, 0, 20, 0, 10]


def visit(**extra: object) -> Visit:
    data = {"id": "V", "client": "K", "day": 0, "duration": 30}
    return Visit.model_validate(
        {**data, "window": {"earliest": "08:00", "latest": "09:00"}, **extra}
    )


def test_a_visit_with_lateness_allows_late_starts_and_prices_them() -> None:
    v = visit(lateness={"max": 30})
    assert v.allowed_starts == ((480, 570),)
    assert (v.tardiness(540), v.tardiness(560), v.late_allowance) == (0, 20, 30)


def test_a_visit_without_lateness_is_hard_and_writes_no_lateness() -> None:
    v = visit()
    assert v.allowed_starts == v.start_windows and v.tardiness(560) == 0
    assert "lateness" not in v.model_dump(exclude_none=True)


def test_a_locked_start_may_be_late_within_the_lateness() -> None:
    assert visit(lateness={"max": 30}, locked_start="09:20").locked_start == 560
    with pytest.raises(ValidationError, match="locked_start"):
        visit(locked_start="09:20")


@pytest.mark.parametrize("bad", [{"max": 0}, {"max": 24 * 60 + 1}, {"min": 5}])
def test_a_bad_lateness_is_rejected(bad: dict[str, int]) -> None:
    with pytest.raises(ValidationError, match="lateness"):
        visit(lateness=bad)
