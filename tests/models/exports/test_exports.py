"""Exports round trip: the CSV day lists and the .ics calendars, parsed back with `csv` and
the `icalendar` library, say exactly what the (evaluator-verified) schedule says."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.models.contract.clock import format_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Schedule
from hemplan.models.evaluator import evaluate
from hemplan.models.exports.carer_days import file_names
from hemplan.models.exports.daylist_csv import BOM, DELIMITER, day_lists
from hemplan.models.exports.ical import calendars, escape_text, fold
from hemplan.models.io.write import write_model
from hemplan.solver.continuity.solve import solve
from hemplan.solver.method import SolveOptions
from tests.small_instances import shift, small, visit
from tests.solved import TINY, solved

icalendar = pytest.importorskip("icalendar")

STAMP = datetime(2026, 1, 2, 8, 0, tzinfo=UTC)
NOTES = (
    'Ring twice; key, in the box\nDog "Bella" — be calm, \\ back door. '
    "Åsa Öberg, dotter: 070-123 45 67 " * 2
)


@pytest.fixture(scope="module")
def double() -> tuple[Instance, Schedule]:
    """A double-staffed visit whose notes need escaping and folding, and a client with a comma in
    the name."""
    instance = small(
        [
            {"id": s, "name": f"Carer {s}", "shifts": [shift(d) for d in range(2)]}
            for s in ("A", "B", "C")
        ],
        [{"id": "K", "name": "Karin Berg, 2 tr"}, {"id": "L", "name": "Lars Ödman"}],
        [
            visit("V1", "K", 0, staff_needed=2, notes=NOTES, service="hoist; transfer"),
            visit("V2", "L", 0, "10:00", "11:00", 45, notes="Nyckel i boxen"),
            visit("V3", "L", 1, "08:00", "08:30", 20),
        ],
        days=2,
    )
    return instance, solved(instance)


def expected(instance: Instance, schedule: Schedule) -> set[tuple[str, str, datetime, int, str]]:
    """(visit, carer, local start, duration, client) for every carer of every assigned visit."""
    start_date = datetime.combine(instance.horizon.start_date, datetime.min.time())
    return {
        (
            a.visit,
            carer,
            start_date + timedelta(days=a.day, minutes=a.start),
            instance.visit_by_id[a.visit].duration,
            instance.visit_by_id[a.visit].client,
        )
        for a in schedule.assignments
        for carer in a.carers
    }


def carer_of_file(instance: Instance, name: str) -> str:
    names = file_names(sorted(s.id for s in instance.staff), Path(name).suffix)
    return next(carer for carer, file in names.items() if file == name)


def parsed_ics(instance: Instance, files: dict[str, str]) -> tuple[set, dict[str, str]]:
    events, notes = set(), {}
    for name, text in files.items():
        carer = carer_of_file(instance, name)
        cal = icalendar.Calendar.from_ical(text)
        assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Stockholm"]
        for event in cal.walk("VEVENT"):
            start, end = event["DTSTART"].dt, event["DTEND"].dt
            assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
            assert start.utcoffset() == timedelta(hours=1)  # January: CET
            visit_id = str(event["X-HEMPLAN-VISIT"])
            events.add(
                (
                    visit_id,
                    carer,
                    start.replace(tzinfo=None),
                    int((end - start).total_seconds() // 60),
                    str(event["X-HEMPLAN-CLIENT"]),
                )
            )
            notes[visit_id] = str(event["DESCRIPTION"])
    return events, notes


def parsed_csv(files: dict[str, str]) -> tuple[set, list[dict[str, str]]]:
    rows: list[dict[str, str]] = []
    for text in files.values():
        assert text.startswith(BOM)
        rows += csv.DictReader(io.StringIO(text.removeprefix(BOM), newline=""), delimiter=DELIMITER)
    events = {
        (
            r["visit"],
            r["carer"],
            datetime.fromisoformat(f"{r['date']}T{r['start']}"),
            int(r["minutes"]),
            r["client"],
        )
        for r in rows
        if r["kind"] == "visit"
    }
    return events, rows


def test_ics_round_trip_gives_back_every_carer_visit_of_the_schedule(solved_tiny) -> None:
    instance, schedule = solved_tiny
    files = calendars(instance, schedule, STAMP)
    events, notes = parsed_ics(instance, files)
    assert events == expected(instance, schedule)
    assert schedule.assignments and len(files) == len({r.carer for r in schedule.routes if r.stops})
    for visit_id, description in notes.items():
        assert instance.visit_by_id[visit_id].notes in description


def test_csv_text_that_a_spreadsheet_would_take_for_a_formula_is_written_as_text(
    solved_tiny,
) -> None:
    """A day list is opened in Excel. A client named `=HYPERLINK(...)` would run there as a
    formula, and a phone number written +46 ... would read as one. Such cells get a leading
    apostrophe, which Excel does not show. Times, minutes and coordinates stay numbers."""
    instance, schedule = solved_tiny
    client = next(a for a in schedule.assignments).visit
    client_id = instance.visit_by_id[client].client
    data = instance.model_dump(by_alias=True)
    for record in data["clients"]:
        if record["id"] == client_id:
            record.update(name='=HYPERLINK("x")', phone="+46 70 123 45 67")
    hostile = Instance.model_validate(data)
    _, rows = parsed_csv(day_lists(hostile, schedule))
    mine = [r for r in rows if r["kind"] == "visit" and r["client"] == client_id]
    assert mine and all(r["client_name"] == '\'=HYPERLINK("x")' for r in mine)
    assert all(r["phone"] == "'+46 70 123 45 67" for r in mine)
    assert all(float(r["lat"]) and int(r["minutes"]) >= 0 for r in mine)


def test_csv_round_trip_gives_back_every_carer_visit_of_the_schedule(solved_tiny) -> None:
    instance, schedule = solved_tiny
    events, rows = parsed_csv(day_lists(instance, schedule))
    assert events == expected(instance, schedule)
    for row in rows:
        if row["kind"] == "visit":
            assert row["notes"] == instance.visit_by_id[row["visit"]].notes
            assert row["client_name"] == instance.client_by_id[row["client"]].name
    # a shift row opens each day and frames it; travel, wait and break rows fill the day:
    # each row ends where the next one starts
    for route in schedule.routes:
        day = [r for r in rows if r["carer"] == route.carer and r["day"] == str(route.day)]
        shift = instance.staff_by_id[route.carer].shift_by_day[route.day]
        frame, day = day[0], day[1:]
        assert (frame["kind"], frame["start"], frame["end"]) == (
            "shift",
            format_clock(shift.start),
            format_clock(shift.end),
        )
        assert frame["start"] <= day[0]["start"] and day[-1]["end"] <= frame["end"]
        assert all(a["end"] <= b["start"] for a, b in zip(day, day[1:]))
        assert sum(int(r["minutes"]) for r in day if r["kind"] == "travel") == route.travel_minutes


def test_double_staffed_visit_names_the_co_carer_and_text_survives_escaping(double) -> None:
    instance, schedule = double
    (v1,) = [a for a in schedule.assignments if a.visit == "V1"]
    csv_events, rows = parsed_csv(day_lists(instance, schedule))
    ics_files = calendars(instance, schedule, STAMP)
    ics_events, notes = parsed_ics(instance, ics_files)
    assert csv_events == ics_events == expected(instance, schedule)
    for row in (r for r in rows if r["visit"] == "V1"):
        assert row["co_carers"] == next(c for c in v1.carers if c != row["carer"])
        assert row["notes"] == NOTES and row["service"] == "hoist; transfer"
    assert NOTES.strip() in notes["V1"]
    for text in ics_files.values():
        assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
        assert max(len(line.encode("utf-8")) for line in text.split("\r\n")) <= 75
    uids = [
        str(e["UID"])
        for t in ics_files.values()
        for e in icalendar.Calendar.from_ical(t).walk("VEVENT")
    ]
    assert len(uids) == len(set(uids))
    assert calendars(instance, schedule, STAMP) == ics_files  # same input and stamp, same bytes


def test_fold_and_escape_follow_rfc_5545() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "å" * 80
    pieces = fold(line).split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert "".join(p[1:] if k else p for k, p in enumerate(pieces)) == line


def test_file_names_are_safe_and_distinct() -> None:
    names = file_names(["S1", "a/b", "a_b", "A_B", "..", "ok.x"], ".csv")
    assert names == {
        "S1": "S1.csv",
        "a/b": "a_b.csv",
        "a_b": "a_b-2.csv",
        "A_B": "A_B-3.csv",
        "..": "carer.csv",
        "ok.x": "ok.x.csv",
    }


def test_hemplan_export_writes_one_file_per_carer(solved_tiny, tmp_path: Path) -> None:
    instance, schedule = solved_tiny
    write_model(tmp_path / "schedule.json", schedule)
    for fmt in ("csv", "ics"):
        out = tmp_path / fmt
        result = CliRunner().invoke(
            main,
            [
                "export",
                str(tmp_path / "schedule.json"),
                "--instance",
                str(TINY),
                "--format",
                fmt,
                "-o",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
        carers = {r.carer for r in schedule.routes if r.stops}
        assert sorted(p.name for p in out.iterdir()) == sorted(f"{c}.{fmt}" for c in carers)
    events, _ = parsed_ics(
        instance, {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "ics").iterdir()}
    )
    assert events == expected(instance, schedule)


def test_export_of_a_schedule_for_another_instance_is_refused_without_output(
    solved_tiny, tmp_path: Path
) -> None:
    _, schedule = solved_tiny
    other = schedule.model_copy(
        update={
            "assignments": [
                *schedule.assignments[:1],
                schedule.assignments[0].model_copy(update={"visit": "X9"}),
            ]
        }
    )
    write_model(tmp_path / "other.json", other)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "export",
            str(tmp_path / "other.json"),
            "--instance",
            str(TINY),
            "--format",
            "csv",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 2
    assert f"{tmp_path / 'other.json'}: assignments[X9].visit: unknown visit 'X9'" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_export_needs_the_instance_and_an_existing_parent_folder(
    solved_tiny, tmp_path: Path
) -> None:
    _, schedule = solved_tiny
    write_model(tmp_path / "s.json", schedule)
    missing = CliRunner().invoke(
        main, ["export", str(tmp_path / "s.json"), "--format", "ics", "-o", str(tmp_path)]
    )
    assert missing.exit_code == 2 and "--instance" in missing.output
    deep = CliRunner().invoke(
        main,
        [
            "export",
            str(tmp_path / "s.json"),
            "--instance",
            str(TINY),
            "--format",
            "ics",
            "-o",
            str(tmp_path / "no" / "such"),
        ],
    )
    assert deep.exit_code == 2 and "does not exist" in deep.output


def test_the_day_list_carries_address_door_code_phone_and_the_partners_name() -> None:
    instance = small(
        [{"id": c, "name": n, "shifts": [shift(0)]} for c, n in (("A", "Anna"), ("B", "Bo"))],
        [
            {
                "id": "K",
                "name": "Karin",
                "location": {"lat": 62.391, "lon": 17.301},
                "address": "Storgatan 4",
                "door_code": "1234",
                "phone": "060-12 34 56",
            }
        ],
        [visit("V", "K", 0, staff_needed=2)],
        days=1,
    )
    schedule = solve(instance, SolveOptions(workers=1, work_limit=0.5)).schedule
    assert evaluate(instance, schedule).violations == []
    _, rows = parsed_csv(day_lists(instance, schedule))
    visits = {r["carer"]: r for r in rows if r["kind"] == "visit"}
    assert {r["address"] for r in visits.values()} == {"Storgatan 4"}
    assert {r["door_code"] for r in visits.values()} == {"1234"}
    assert {r["phone"] for r in visits.values()} == {"060-12 34 56"}
    assert visits["A"]["co_carer_names"] == "Bo" and visits["B"]["co_carer_names"] == "Anna"
