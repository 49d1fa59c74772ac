"""Several start windows per visit: how they are read, checked and written back."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from hemplan.models.contract.instance import Visit
from hemplan.models.contract.start_windows import (
    latest_start_by,
    snap_start,
    starts_inside,
    windows_text,
)

TWO = ((480, 540), (660, 720))  # 08:00-09:00 or 11:00-12:00


def visit(**fields: Any) -> Visit:
    return Visit.model_validate({"id": "V", "client": "K", "day": 0, "duration": 30, **fields})


def test_windows_fill_in_the_window_as_their_span() -> None:
    v = visit(windows=[["08:00", "09:00"], ["11:00", "12:00"]])
    assert (v.window.earliest, v.window.latest) == (480, 720)
    assert v.start_windows == TWO


def test_a_single_window_is_one_start_window_and_writes_unchanged() -> None:
    raw = {"window": {"earliest": "08:00", "latest": "09:00"}}
    v = visit(**raw)
    assert v.start_windows == ((480, 540),)
    written = v.model_dump(mode="json", exclude_none=True)
    assert "windows" not in written and written["window"] == raw["window"]


def test_several_windows_write_and_read_back_the_same() -> None:
    v = visit(windows=[["08:00", "09:00"], ["11:00", "12:00"]])
    text = json.dumps(v.model_dump(mode="json", exclude_none=True))
    assert visit(**{k: w for k, w in json.loads(text).items() if k != "id"}) == v


@pytest.mark.parametrize(
    ("windows", "message"),
    [
        ([["09:00", "08:00"]], "window 09:00-08:00 ends before it starts"),
        ([["11:00", "12:00"], ["08:00", "09:00"]], "sorted and apart: 08:00 does not come"),
        ([["08:00", "09:00"], ["09:00", "10:00"]], "sorted and apart: 09:00 does not come"),
        ([], "is empty (leave it out"),
    ],
    ids=["reversed", "unsorted", "touching", "empty"],
)
def test_bad_windows_are_refused_naming_the_field(windows: list, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        visit(windows=windows)
    [error] = caught.value.errors()
    assert str(error["msg"]).startswith("Value error, windows\x1f")
    assert message in str(error["msg"])


def test_a_window_that_is_not_the_span_of_the_windows_is_refused() -> None:
    with pytest.raises(ValidationError, match="is not the span of windows"):
        visit(
            window={"earliest": "08:00", "latest": "13:00"},
            windows=[["08:00", "09:00"], ["11:00", "12:00"]],
        )


def test_an_unreadable_window_time_is_the_only_error() -> None:
    with pytest.raises(ValidationError) as caught:
        visit(windows=[["8:xx", "09:00"]])
    assert [e["loc"] for e in caught.value.errors()] == [("windows", 0, 0)]


def test_a_locked_start_between_the_windows_is_refused() -> None:
    windows = [["08:00", "09:00"], ["11:00", "12:00"]]
    assert visit(windows=windows, locked_start="11:30").locked_start == 690
    with pytest.raises(ValidationError, match="locked_start 10:00 is outside the window"):
        visit(windows=windows, locked_start="10:00")


def test_snap_start_moves_a_start_between_windows_to_the_next_one() -> None:
    assert [snap_start(TWO, t) for t in (400, 500, 600, 700, 800)] == [480, 500, 660, 700, 800]


def test_latest_start_by_and_starts_inside() -> None:
    assert [latest_start_by(TWO, t) for t in (400, 500, 600, 700, 800)] == [
        None,
        500,
        540,
        700,
        720,
    ]
    assert [starts_inside(TWO, t) for t in (479, 480, 600, 720, 721)] == [
        False,
        True,
        False,
        True,
        False,
    ]
    assert windows_text(TWO) == "08:00-09:00 or 11:00-12:00"


def test_the_json_schema_asks_for_window_or_windows() -> None:
    schema = Visit.model_json_schema()
    assert "window" not in schema["required"]
    assert schema["anyOf"] == [{"required": ["window"]}, {"required": ["windows"]}]
