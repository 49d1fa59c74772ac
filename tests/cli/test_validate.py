"""`hemplan validate`: broken instances give exit 2 and a line naming file, record and field."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hemplan.cli.main import main
from tests.hand_instance import BASE, MATRIX


def _visit(data: dict, ident: str) -> dict:
    return next(v for v in data["visits"] if v["id"] == ident)


def _drop_duration(d: dict) -> None:
    del _visit(d, "V2")["duration"]


def _set(path: Callable[[dict], dict], key: str, value: Any) -> Callable[[dict], None]:
    def change(d: dict) -> None:
        path(d)[key] = value

    return change


def _duplicate_visit(d: dict) -> None:
    d["visits"].append(copy.deepcopy(_visit(d, "V2")))


def _unknown_field(d: dict) -> None:
    d["clients"][0]["colour"] = "blue"


BROKEN = [
    ("missing-field", _drop_duration, "visits[V2].duration: missing (required field)"),
    (
        "wrong-type",
        _set(lambda d: _visit(d, "V2"), "staff_needed", "two"),
        "visits[V2].staff_needed:",
    ),
    (
        "unknown-client",
        _set(lambda d: _visit(d, "V2"), "client", "C99"),
        "visits[V2].client: unknown client 'C99'",
    ),
    (
        "window-reversed",
        _set(lambda d: _visit(d, "V1"), "window", {"earliest": "08:00", "latest": "07:00"}),
        "visits[V1].window: latest 07:00 is before earliest 08:00",
    ),
    (
        "negative-duration",
        _set(lambda d: _visit(d, "V2"), "duration", -5),
        "visits[V2].duration: input should be greater than 0",
    ),
    ("duplicate-id", _duplicate_visit, "visits[V2].id: id 'V2' is used 2 times"),
    (
        "unknown-skill",
        _set(lambda d: _visit(d, "V2"), "skills", ["lift"]),
        "visits[V2].skills: unknown skill 'lift'",
    ),
    (
        "unknown-team",
        _set(lambda d: d["staff"][1], "team", "T9"),
        "staff[S2].team: unknown team 'T9'",
    ),
    (
        "unknown-excluded-carer",
        _set(lambda d: d["clients"][1], "excluded_carers", ["S77"]),
        "clients[C2].excluded_carers: unknown carer 'S77'",
    ),
    (
        "bad-time",
        _set(lambda d: _visit(d, "V2"), "window", {"earliest": "25:00", "latest": "26:00"}),
        "visits[V2].window.earliest: time '25:00' is outside 00:00-24:00",
    ),
    (
        "day-outside-horizon",
        _set(lambda d: _visit(d, "V2"), "day", 9),
        "visits[V2].day: day 9 is outside the horizon of 2 days",
    ),
    ("unknown-field", _unknown_field, "clients[C1].colour: unknown field"),
    (
        "horizon-past-the-calendar",
        _set(lambda d: d, "horizon", {"start_date": "9999-12-31", "days": 2}),
        "horizon.start_date: a horizon of 2 day(s) from 9999-12-31 runs past 9999-12-30",
    ),
    (
        "absurd-speed",
        _set(lambda d: d, "travel", {"speed_kmh": {"walk": 1e-8}}),
        "travel.speed_kmh.walk: speed 1e-08 km/h is outside 0.1-1000 km/h",
    ),
    (
        "matrix-file-nul",
        _set(lambda d: d, "travel", {"matrix_file": "matrix\u0000.json"}),
        "travel.matrix_file: the file name holds a NUL character",
    ),
]


@pytest.mark.parametrize(
    ("break_it", "expected"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_broken_instance_is_reported_by_record_and_field(
    tmp_path: Path, break_it: Callable, expected: str
) -> None:
    data = copy.deepcopy(BASE)
    break_it(data)
    (tmp_path / "matrix.json").write_text(json.dumps(MATRIX))
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}: {expected}" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_every_problem_is_listed_not_only_the_first(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    _visit(data, "V1")["duration"] = 0
    _visit(data, "V2")["window"] = {"earliest": "10:00", "latest": "09:00"}
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "visits[V1].duration" in result.output and "visits[V2].window" in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "line 1 column 2: invalid JSON"),
        (None, "no such file"),
        ("[]", "(document): input should be"),
    ],
    ids=["syntax", "missing-file", "not-an-object"],
)
def test_unreadable_files(tmp_path: Path, content: str | None, expected: str) -> None:
    path = tmp_path / "instance.json"
    if content is not None:
        path.write_text(content)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}: {expected}" in result.output
    assert "Traceback" not in result.output


def test_valid_instance_passes(tmp_path: Path) -> None:
    (tmp_path / "matrix.json").write_text(json.dumps(MATRIX))
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(BASE))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "5 visits" in result.output


def test_evaluate_reports_a_broken_schedule_file(tmp_path: Path) -> None:
    (tmp_path / "matrix.json").write_text(json.dumps(MATRIX))
    (tmp_path / "instance.json").write_text(json.dumps(BASE))
    schedule = tmp_path / "schedule.json"
    schedule.write_text(
        json.dumps({"assignments": [{"visit": "V1", "day": 0, "start": "8am", "carers": ["S1"]}]})
    )
    result = CliRunner().invoke(main, ["evaluate", str(tmp_path / "instance.json"), str(schedule)])
    assert result.exit_code == 2
    assert f"{schedule}: assignments[0].start: '8am' is not a time as HH:MM" in result.output


@pytest.mark.parametrize("document", ["instance", "schedule"])
def test_schema_is_json_schema(document: str) -> None:
    result = CliRunner().invoke(main, ["schema", document])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["type"] == "object" and schema["additionalProperties"] is False


def test_a_folder_given_as_the_instance_points_to_import(tmp_path: Path) -> None:
    for command in (
        ["validate", str(tmp_path)],
        ["solve", str(tmp_path), "-o", str(tmp_path / "s.json")],
    ):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2
        assert f"hemplan import {tmp_path} -o INSTANCE.json" in result.output
        assert not (tmp_path / "s.json").exists()
