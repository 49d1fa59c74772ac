"""Reading a history: CSV, JSON and earlier schedules, each mistake named by file, line (or
record) and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.models.contract.instance import PastVisit
from hemplan.models.contract.problems import InputError
from hemplan.models.contract.schedule import Route, Schedule, Stop
from hemplan.models.io.history import read_history, with_history
from hemplan.models.io.load import load_instance
from tests.paths import INSTANCES

TINY = INSTANCES / "tiny.json"  # starts on Monday 2026-01-05; clients C1.., carers S1..


def tiny_ids() -> tuple[str, str]:
    instance = load_instance(TINY)
    return instance.clients[0].id, instance.staff[0].id


def write_csv(tmp_path: Path, *rows: str, header: str = "date;client;carers") -> Path:
    path = tmp_path / "history.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_history(path, load_instance(TINY))
    return [str(p) for p in caught.value.problems]


def test_a_csv_history_is_read_in_date_order_with_its_carers(tmp_path: Path) -> None:
    client, carer = tiny_ids()
    path = write_csv(
        tmp_path, f"2026-01-02;{client};{carer}", f"2026-01-04;{client};{carer}", "", ""
    )
    visits, notes = read_history(path, load_instance(TINY))
    assert [(str(v.date), v.client, v.carers) for v in visits] == [
        ("2026-01-02", client, [carer]),
        ("2026-01-04", client, [carer]),
    ]
    assert notes == []


def test_an_unknown_carer_is_named_at_its_line_and_column(tmp_path: Path) -> None:
    client, carer = tiny_ids()
    path = write_csv(tmp_path, f"2026-01-02;{client};{carer}", f"2026-01-03;{client};NOBODY")
    assert problems(path) == [f"{path}:3: carers: unknown carer 'NOBODY'"]


def test_an_unknown_client_a_date_inside_the_period_and_dates_out_of_order(
    tmp_path: Path,
) -> None:
    client, carer = tiny_ids()
    path = write_csv(
        tmp_path,
        f"2026-01-03;NOBODY;{carer}",
        f"2026-01-05;{client};{carer}",
        f"2026-01-01;{client};{carer}",
    )
    found = problems(path)
    assert found[0] == f"{path}:2: client: unknown client 'NOBODY'"
    assert found[1].startswith(f"{path}:3: date: 2026-01-05 is inside the planned period")
    assert found[2].startswith(f"{path}:4: date: 2026-01-01 is before the date above it")
    assert len(found) == 3


def test_a_cell_that_is_no_date_is_named(tmp_path: Path) -> None:
    client, carer = tiny_ids()
    path = write_csv(tmp_path, f"3 jan;{client};{carer}")
    assert problems(path) == [f"{path}:2: date: '3 jan' is not a date YYYY-MM-DD"]


def test_a_json_history_names_the_record_and_field(tmp_path: Path) -> None:
    client, carer = tiny_ids()
    path = tmp_path / "history.json"
    path.write_text(
        json.dumps(
            [
                {"date": "2026-01-03", "client": client, "carers": [carer]},
                {"date": "2026-01-04", "client": client, "carers": ["NOBODY"]},
            ]
        )
    )
    assert problems(path) == [f"{path}: history.visits[1].carers: unknown carer 'NOBODY'"]


def schedule_of(start_date: str | None, client: str, carer: str) -> dict:
    stop = Stop(kind="visit", visit="V1", client=client, start=480, end=510)
    return Schedule(
        instance="earlier",
        start_date=start_date,
        routes=[Route(carer=carer, day=1, stops=[stop])],
    ).model_dump(mode="json", exclude_none=True)


def test_an_earlier_schedule_is_dated_by_its_start_and_drops_who_has_left(
    tmp_path: Path,
) -> None:
    client, carer = tiny_ids()
    path = tmp_path / "earlier.json"
    data = schedule_of("2026-01-01", client, carer)
    gone = schedule_of("2026-01-01", "LEFT", carer)["routes"][0]["stops"][0] | {"visit": "V2"}
    data["routes"][0]["stops"].append(gone | {"start": "09:00", "end": "09:30"})
    path.write_text(json.dumps(data))
    visits, notes = read_history(path, load_instance(TINY))
    assert [(str(v.date), v.client, v.carers) for v in visits] == [("2026-01-02", client, [carer])]
    assert notes == [f"{path}: 1 clients no longer in the instance: skipped"]


def test_a_schedule_without_its_start_date_cannot_be_history(tmp_path: Path) -> None:
    client, carer = tiny_ids()
    path = tmp_path / "old.json"
    path.write_text(json.dumps(schedule_of(None, client, carer)))
    [problem] = problems(path)
    assert problem.startswith(f"{path}: start_date: the schedule does not say its start date")


@pytest.mark.parametrize("day", [3_658_718_154, 10**30])
def test_a_route_day_past_the_calendar_is_named(tmp_path: Path, day: int) -> None:
    """A route's day beyond 9999-12-31 from its schedule's start: an OverflowError with a
    traceback (found by the fuzz run of `hemplan next`); now its record and field."""
    client, carer = tiny_ids()
    path = tmp_path / "old.json"
    data = schedule_of("2026-01-01", client, carer)
    data["routes"][0]["day"] = day
    path.write_text(json.dumps(data))
    [problem] = problems(path)
    assert problem == (
        f"{path}: routes[{carer} day {day}].day: day {day:,} after 2026-01-01 is past the last "
        "date of the calendar"
    )


def test_a_history_naming_an_unknown_carer_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    client, _ = tiny_ids()
    path = write_csv(tmp_path, f"2026-01-03;{client};NOBODY")
    out = tmp_path / "s.json"
    result = CliRunner().invoke(
        main, ["solve", str(TINY), "-o", str(out), "--history", str(path), "--work-limit", "0"]
    )
    assert result.exit_code == 2
    assert f"{path}:2: carers: unknown carer 'NOBODY'" in result.output
    assert not out.exists()


def test_with_history_keeps_the_visits_in_date_order() -> None:
    instance = load_instance(TINY)
    client, carer = tiny_ids()
    later = {"date": "2026-01-04", "client": client, "carers": [carer]}
    earlier = later | {"date": "2026-01-01"}
    joined = with_history(
        instance, [PastVisit.model_validate(later), PastVisit.model_validate(earlier)], 7
    )
    assert joined.history is not None and joined.history.look_back_days == 7
    assert [str(v.date) for v in joined.history.visits] == ["2026-01-01", "2026-01-04"]


def test_a_history_with_swedish_headers_and_excel_dates_is_read(tmp_path: Path) -> None:
    client, carer = tiny_ids()
    path = write_csv(
        tmp_path,
        f"2026-01-02 00:00:00;{client};{carer}",
        f"03/01/2026;{client};{carer}",
        header="Datum;Brukare;Personal",
    )
    visits, _ = read_history(path, load_instance(TINY))
    assert [str(v.date) for v in visits] == ["2026-01-02", "2026-01-03"]
