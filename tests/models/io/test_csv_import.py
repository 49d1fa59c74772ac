"""`hemplan import DIR`: CSV folders become instances; every mistake is
`file.csv:line: column: ...`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from hemplan.cli.cmd_import import import_command
from hemplan.cli.main import HemplanGroup
from hemplan.models.contract.problems import InputError
from hemplan.models.io.csv_import import import_csv_dir
from hemplan.models.io.load import load_instance
from tests.paths import INSTANCES

GOOD = {
    "clients.csv": """\
id,name,team,lat,lon,preferred_carers,excluded_carers,contact_carer
C1,Karin Berg,T1,62.381,17.305,S1|S2,,S1
C2,Olle Ek,T1,62.383,17.309,,S3,
C3,Åsa Lind,T2,62.390,17.320,,,
""",
    "staff.csv": """\
id,name,team,skills,travel_mode
S1,Aisha,T1,insulin|lift,bike
S2,Bo,T1,,
S3,Cia,T2,insulin,car
""",
    "shifts.csv": """\
staff,day,start,end,break_minutes,break_earliest,break_latest
S1,2025-03-03,07:00,16:00,30,11:00,13:00
S1,2025-03-04,07:00,16:00,30,,
S2,2025-03-03,07:00:00,15:00,,,
S3,2025-03-05,08:00,17:00,,,
""",
    "visits.csv": """\
id,client,day,last_day,earliest,latest,duration,staff_needed,skills,priority,service,notes,locked_carers,locked_start
V1,C1,2025-03-03,,07:00,08:30,45,,insulin,,morning help,,,
V2,C2,2025-03-03,2025-03-05,09:00,14:00,60,2,,deferrable,cleaning,key in box,,
V3,C3,2,,10:00,11:00,30,,,,meal,,S3,10:30
""",
}

TEAMS = """\
id,name,office_lat,office_lon
T1,Norr,62.38,17.30
T2,Söder,62.39,17.32
"""


def write_folder(folder: Path, files: dict[str, str | None], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        if text is not None:
            (folder / name).write_text(text, encoding=encoding)
    return folder


def changed(
    file: str, old: str, new: str, files: dict[str, str | None] | None = None
) -> dict[str, str | None]:
    files = dict(files or GOOD)
    text = files[file]
    assert text is not None and old in text, (file, old)
    files[file] = text.replace(old, new, 1)
    return files


def run(*args: str) -> tuple[int, str]:
    group = HemplanGroup()  # the real error boundary of `hemplan`
    group.add_command(import_command)
    result = CliRunner().invoke(group, ["import", *args])
    return result.exit_code, result.output


# ----------------------------------------------------------------------------- good input


def test_good_folder_imports(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "district", GOOD)
    inst = import_csv_dir(folder)

    assert inst.name == "district"
    assert (inst.horizon.start_date, inst.horizon.days) == (date(2025, 3, 3), 3)
    assert [t.id for t in inst.teams] == ["T1", "T2"]
    assert (len(inst.clients), len(inst.staff), len(inst.visits)) == (3, 3, 3)
    assert sum(len(s.shifts) for s in inst.staff) == 4
    assert inst.skills == ["insulin", "lift"]

    c1 = inst.client_by_id["C1"]
    assert c1.preferred_carers == ["S1", "S2"] and c1.contact_carer == "S1"
    assert inst.client_by_id["C3"].name == "Åsa Lind"
    # derived team office: centroid of its clients
    t1 = inst.team_by_id["T1"]
    assert (t1.office.lat, t1.office.lon) == pytest.approx((62.382, 17.307))

    s1 = inst.staff_by_id["S1"]
    assert s1.skills == ["insulin", "lift"] and s1.travel_mode == "bike"
    assert inst.staff_by_id["S2"].travel_mode == "walk"  # empty cell = default
    first, second = s1.shifts
    assert (first.day, first.start, first.end) == (0, 7 * 60, 16 * 60)
    assert first.break_ is not None
    assert (first.break_.minutes, first.break_.earliest, first.break_.latest) == (
        30,
        11 * 60,
        13 * 60,
    )
    # break window defaults to the whole shift
    assert second.break_ is not None and (second.break_.earliest, second.break_.latest) == (
        7 * 60,
        15 * 60 + 30,
    )
    assert inst.staff_by_id["S2"].shifts[0].start == 7 * 60  # 07:00:00 from Excel
    assert inst.staff_by_id["S3"].shifts[0].day == 2

    v1, v2, v3 = (inst.visit_by_id[v] for v in ("V1", "V2", "V3"))
    assert (v1.window.earliest, v1.window.latest, v1.duration) == (420, 510, 45)
    assert v1.skills == ["insulin"] and v1.staff_needed == 1 and v1.priority == "mandatory"
    assert (v2.day, v2.last_day, v2.staff_needed, v2.priority, v2.notes) == (
        0,
        2,
        2,
        "deferrable",
        "key in box",
    )
    assert (v3.day, v3.locked_carers, v3.locked_start) == (2, ["S3"], 630)


def test_cli_writes_json_that_loads_to_the_same_instance(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "district", GOOD)
    out = tmp_path / "instance.json"
    code, output = run(str(folder), "-o", str(out), "--name", "demo")
    assert code == 0, output
    assert "3 clients, 3 staff, 4 shifts, 3 visits" in output
    loaded = load_instance(out)
    assert loaded.name == "demo"
    assert loaded.model_dump() == import_csv_dir(folder, name="demo").model_dump()


def test_employment_column_marks_substitutes(tmp_path: Path) -> None:
    """A substitute (timvikarie) is marked; an empty cell is not stated, taken as permanent."""
    files = changed(
        "staff.csv",
        "travel_mode\nS1,Aisha,T1,insulin|lift,bike\nS2,Bo,T1,,\n",
        "travel_mode,anställning\nS1,Aisha,T1,insulin|lift,bike,substitute\nS2,Bo,T1,,,\n",
    )
    inst = import_csv_dir(write_folder(tmp_path / "d", files))
    assert inst.staff_by_id["S1"].substitute and inst.staff_by_id["S1"].employment == "substitute"
    assert not inst.staff_by_id["S2"].substitute and inst.staff_by_id["S2"].employment is None


def test_teams_csv_sets_offices(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", {**GOOD, "teams.csv": TEAMS})
    inst = import_csv_dir(folder)
    assert [(t.id, t.name, t.office.lat) for t in inst.teams] == [
        ("T1", "Norr", 62.38),
        ("T2", "Söder", 62.39),
    ]


def test_semicolons_decimal_commas_bom_and_any_column_order(tmp_path: Path) -> None:
    plain = import_csv_dir(write_folder(tmp_path / "plain", GOOD))
    files = dict(GOOD)
    files["clients.csv"] = """\
Name;ID;Team;Lat;Lon;Preferred_Carers;Excluded_Carers;Contact_Carer
Karin Berg;C1;T1;62,381;17,305;S1|S2;;S1
Olle Ek;C2;T1;62,383;17,309;;S3;
Åsa Lind;C3;T2;62,390;17,320;;;
"""
    files["visits.csv"] = GOOD["visits.csv"].replace(",", ";")
    folder = write_folder(tmp_path / "plain2", files, encoding="utf-8-sig")
    assert import_csv_dir(folder, name="plain").model_dump() == plain.model_dump()


def test_windows_1252_file(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", GOOD)
    (folder / "clients.csv").write_bytes(GOOD["clients.csv"].encode("cp1252"))
    assert import_csv_dir(folder).client_by_id["C3"].name == "Åsa Lind"


def test_day_numbers_need_a_start_date(tmp_path: Path) -> None:
    files = changed("shifts.csv", "2025-03-03,07:00,16:00", "0,07:00,16:00")
    files = changed("shifts.csv", "2025-03-04", "1", files)
    files = changed("shifts.csv", "S2,2025-03-03", "S2,0", files)
    files = changed("shifts.csv", "2025-03-05", "2", files)
    files = changed("visits.csv", "2025-03-03,,", "0,,", files)
    files = changed("visits.csv", "2025-03-03,2025-03-05", "0,2", files)
    folder = write_folder(tmp_path / "d", files)
    code, output = run(str(folder), "-o", str(tmp_path / "x.json"))
    assert code == 2 and "--start-date" in output and "Traceback" not in output
    inst = import_csv_dir(folder, start_date=date(2025, 3, 3), days=14)
    assert (inst.horizon.start_date, inst.horizon.days) == (date(2025, 3, 3), 14)
    assert inst.model_dump(exclude={"name", "horizon"}) == import_csv_dir(
        write_folder(tmp_path / "g", GOOD)
    ).model_dump(exclude={"name", "horizon"})


def test_skill_no_carer_has_is_allowed_with_a_warning(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", changed("visits.csv", "11:00,30,,,", "11:00,30,,hoist,"))
    warnings: list[str] = []
    inst = import_csv_dir(folder, warnings=warnings)
    assert "hoist" in inst.skills
    assert any("hoist" in w and "line 4" in w for w in warnings)


def test_empty_rows_are_skipped(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", changed("visits.csv", "V2,", ",,,,,,,,,,,,,\n\nV2,"))
    assert len(import_csv_dir(folder).visits) == 3


# ----------------------------------------------------------------------------- bad input

V1_ROW = "V1,C1,2025-03-03,,07:00,08:30,45,"
BAD = [
    (
        "bad-time",
        changed("visits.csv", "07:00,08:30", "07:00,25:00"),
        "visits.csv:2: latest: time '25:00' is outside 00:00-24:00",
    ),
    (
        "window-reversed",
        changed("visits.csv", "2,,10:00,11:00", "2,,08:00,07:00"),
        "visits.csv:4: latest: 07:00 is before earliest 08:00",
    ),
    (
        "unknown-client",
        changed("visits.csv", "V3,C3", "V3,C99"),
        "visits.csv:4: client: unknown client 'C99'",
    ),
    (
        "duplicate-id",
        changed("visits.csv", "V3,", "V1,"),
        "visits.csv:4: id: 'V1' is already used on line 2",
    ),
    (
        "missing-required-column",
        {**GOOD, "clients.csv": "id,team,lat\nC1,T1,62.0\n"},
        "clients.csv:1: lon: missing required column",
    ),
    (
        "unknown-column",
        changed("staff.csv", "travel_mode\n", "travel_mod\n"),
        "staff.csv:1: travel_mod: unknown column; did you mean 'travel_mode'?",
    ),
    (
        "non-integer-duration",
        changed("visits.csv", V1_ROW, V1_ROW.replace(",45,", ",45.5,")),
        "visits.csv:2: duration: '45.5' is not a whole number",
    ),
    (
        "negative-duration",
        changed("visits.csv", V1_ROW, V1_ROW.replace(",45,", ",-5,")),
        "visits.csv:2: duration: must be greater than 0",
    ),
    (
        "unknown-team",
        {**changed("staff.csv", "S3,Cia,T2", "S3,Cia,T9"), "teams.csv": TEAMS},
        "staff.csv:4: team: unknown team 'T9'",
    ),
    ("missing-file", {**GOOD, "shifts.csv": None}, "shifts.csv: missing required file"),
    (
        "missing-value",
        changed("clients.csv", "C2,Olle Ek,T1", "C2,Olle Ek,"),
        "clients.csv:3: team: missing value",
    ),
    (
        "bad-number",
        changed("clients.csv", "62.390", "north"),
        "clients.csv:4: lat: 'north' is not a number",
    ),
    (
        "latitude-range",
        changed("clients.csv", "62.390", "162.39"),
        "clients.csv:4: lat: must be less than or equal to 90",
    ),
    (
        "bad-travel-mode",
        changed("staff.csv", "bike", "horse"),
        "staff.csv:2: travel_mode: must be 'walk', 'bike' or 'car'",
    ),
    (
        "bad-employment",
        changed(
            "staff.csv",
            "travel_mode\nS1,Aisha,T1,insulin|lift,bike\n",
            "travel_mode,employment\nS1,Aisha,T1,insulin|lift,bike,hourly\n",
        ),
        "staff.csv:2: employment: must be 'permanent' or 'substitute'",
    ),
    (
        "unknown-carer-in-list",
        changed("clients.csv", "S1|S2", "S1|S7"),
        "clients.csv:2: preferred_carers: unknown carer 'S7'",
    ),
    (
        "list-with-spaces",
        changed("clients.csv", "S1|S2", "S1 S2"),
        "clients.csv:2: preferred_carers: 'S1 S2' contains a space",
    ),
    (
        "shift-unknown-staff",
        changed("shifts.csv", "S3,", "S8,"),
        "shifts.csv:5: staff: unknown carer 'S8'",
    ),
    (
        "shift-reversed",
        changed("shifts.csv", "08:00,17:00", "17:00,08:00"),
        "shifts.csv:5: end: 08:00 is not after start 17:00",
    ),
    (
        "two-shifts-a-day",
        changed("shifts.csv", "S1,2025-03-04", "S1,2025-03-03"),
        "shifts.csv:3: day: carer 'S1' already has a shift on 2025-03-03 (line 2)",
    ),
    (
        "break-latest-before-earliest",
        changed("shifts.csv", "30,11:00,13:00", "30,13:00,11:00"),
        "shifts.csv:2: break_latest: 11:00 is before earliest 13:00",
    ),
    (
        "bad-date",
        changed("visits.csv", "2025-03-03,2025-03-05", "2025-03-03,2025-02-30"),
        "visits.csv:3: last_day: '2025-02-30' is not a valid date",
    ),
    (
        "bad-day",
        changed("visits.csv", "V3,C3,2,", "V3,C3,two,"),
        "visits.csv:4: day: 'two' is not a day number",
    ),
    (
        "extra-cells",
        changed("staff.csv", "S2,Bo,T1,,", "S2,Bo,T1,,,oops"),
        "staff.csv:3: the row has 6 cells but the header only 5 columns",
    ),
    (
        "locked-start-outside-window",
        changed("visits.csv", "S3,10:30", "S3,12:30"),
        "visits.csv:4: locked_start: 12:30 is outside the window",
    ),
    (  # the JSON instance's own limit: what the import writes, validate must accept
        "name-too-long",
        changed("staff.csv", "S2,Bo,", "S2," + "B" * 10_001 + ","),
        "staff.csv:3: name: text of 10,001 characters; the limit is 10,000",
    ),
    (
        "list-item-too-long",
        changed("staff.csv", "S1,Aisha,T1,insulin|lift", "S1,Aisha,T1,insulin|" + "l" * 10_001),
        "staff.csv:2: skills: text of 10,001 characters; the limit is 10,000",
    ),
]


@pytest.mark.parametrize(("files", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_csv_is_reported_by_file_line_and_column(
    tmp_path: Path, files: dict, expected: str
) -> None:
    folder = write_folder(tmp_path / "district", files)
    out = tmp_path / "instance.json"
    code, output = run(str(folder), "-o", str(out))
    assert code == 2, output
    assert expected in output
    assert "Traceback" not in output
    assert not out.exists()


def test_all_problems_in_all_files_are_reported_together(tmp_path: Path) -> None:
    files = changed("visits.csv", "07:00,08:30", "07:00,25:00")
    files = changed("visits.csv", "V3,C3", "V3,C99", files)
    files = changed("shifts.csv", "08:00,17:00", "17:00,08:00", files)
    files = changed("clients.csv", "62.390", "north", files)
    files = changed("staff.csv", "travel_mode\n", "travel_mode,colour\n", files)
    folder = write_folder(tmp_path / "d", files)
    with pytest.raises(InputError) as caught:
        import_csv_dir(folder)
    lines = [str(p) for p in caught.value.problems]
    assert lines == [
        "clients.csv:4: lat: 'north' is not a number",
        (
            "staff.csv:1: colour: unknown column; the columns are id, name, team, skills, "
            "travel_mode, employment"
        ),
        "shifts.csv:5: end: 08:00 is not after start 17:00",
        "visits.csv:2: latest: time '25:00' is outside 00:00-24:00",
        "visits.csv:4: client: unknown client 'C99'",
    ]


def test_a_rejected_row_does_not_cascade(tmp_path: Path) -> None:
    """A client row with a bad cell is reported once, not again by every visit to that client."""
    folder = write_folder(tmp_path / "d", changed("clients.csv", "62.381", "x"))
    with pytest.raises(InputError) as caught:
        import_csv_dir(folder)
    assert [str(p) for p in caught.value.problems] == ["clients.csv:2: lat: 'x' is not a number"]


def test_unreadable_file_does_not_cascade(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", {**GOOD, "clients.csv": "id,team\nC1,T1\n"})
    with pytest.raises(InputError) as caught:
        import_csv_dir(folder)
    assert [str(p) for p in caught.value.problems] == [
        "clients.csv:1: lat: missing required column",
        "clients.csv:1: lon: missing required column",
    ]


def test_days_outside_the_horizon(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", GOOD)
    with pytest.raises(InputError) as caught:
        import_csv_dir(folder, start_date=date(2025, 3, 4), days=1)
    lines = [str(p) for p in caught.value.problems]
    assert "shifts.csv:2: day: 2025-03-03 is before the start date 2025-03-04" in lines
    assert (
        "shifts.csv:5: day: 2025-03-05 is outside the horizon of 1 day starting 2025-03-04" in lines
    )
    assert "visits.csv:4: day: day 2 is outside the horizon of 1 day starting 2025-03-04" in lines


def test_no_rows_at_all(tmp_path: Path) -> None:
    headers = {name: text.splitlines()[0] + "\n" for name, text in GOOD.items() if text}
    folder = write_folder(tmp_path / "d", headers)
    with pytest.raises(InputError) as caught:
        import_csv_dir(folder, start_date=date(2025, 3, 3), days=7)
    assert [str(p) for p in caught.value.problems] == [
        "clients.csv: no teams: clients.csv and staff.csv have no rows naming a team"
    ]


def test_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, output = run(str(tmp_path / "nope"), "-o", str(tmp_path / "x.json"))
    assert code == 2 and "Traceback" not in output


def test_output_folder_must_exist(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "d", GOOD)
    code, output = run(str(folder), "-o", str(tmp_path / "no" / "x.json"))
    assert code == 2 and "does not exist" in output and "Traceback" not in output


def test_registered_in_hemplan(tmp_path: Path) -> None:
    from hemplan.cli.main import main

    folder = write_folder(tmp_path / "d", changed("visits.csv", "V3,C3", "V3,C99"))
    result = CliRunner().invoke(main, ["import", str(folder), "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 2
    assert "visits.csv:4: client: unknown client 'C99'" in result.output
    assert "Traceback" not in result.output


def test_swedish_column_names_and_excel_dates_import_like_the_english(tmp_path: Path) -> None:
    plain = import_csv_dir(write_folder(tmp_path / "plain", GOOD))
    files = changed(
        "clients.csv",
        "id,name,team,lat,lon,preferred_carers,excluded_carers,contact_carer",
        "id,Namn,Lag,Latitud,Longitud,Önskad personal,Nekad personal,Kontaktperson",
    )
    files = changed(
        "staff.csv", "id,name,team,skills,travel_mode", "id,namn,lag,kompetens,färdsätt", files
    )
    files = changed("shifts.csv", "staff,day,start,end", "personal,datum,början,slut", files)
    files = changed("shifts.csv", "S1,2025-03-03,", "S1,2025-03-03 00:00:00,", files)
    files = changed("shifts.csv", "S1,2025-03-04,", "S1,04/03/2025,", files)
    files = changed("visits.csv", "id,client,day,", "id,brukare,dag,", files)
    files = changed("visits.csv", "2025-03-03,2025-03-05", "3.3.2025,05/03/2025", files)
    folder = write_folder(tmp_path / "svenska", files)
    assert import_csv_dir(folder, name="plain").model_dump() == plain.model_dump()


def test_a_decimal_comma_in_a_comma_separated_file_gets_a_hint(tmp_path: Path) -> None:
    files = changed(
        "clients.csv", "C1,Karin Berg,T1,62.381,17.305", "C1,Karin Berg,T1,62,381,17,305"
    )
    code, output = run(str(write_folder(tmp_path / "d", files)), "-o", str(tmp_path / "x.json"))
    assert code == 2
    assert "clients.csv:2: the row has 10 cells but the header only 8 columns" in output
    assert "a decimal comma in a comma-separated file?" in output


def test_the_bundled_csv_example_of_recurring_rows_imports_to_its_json_twin() -> None:
    """instances/csv-example holds a district in recurring rows only (rota.csv, patterns.csv,
    Swedish headers); instances/csv-example.json the same district with JSON patterns and
    every shift written out."""
    imported = import_csv_dir(
        INSTANCES / "csv-example", start_date=date(2026, 1, 5), days=14, name="csv-example"
    )
    twin = load_instance(INSTANCES / "csv-example.json")
    assert imported.model_dump() == twin.model_dump()
    assert len(imported.visits) == 59 and sum(len(s.shifts) for s in imported.staff) == 60


ROTA = "staff;weekdays;every_weeks;week_offset;start;end\n"


def test_a_rota_row_repeats_on_its_weekdays_and_weeks(tmp_path: Path) -> None:
    files = dict(GOOD)
    files["shifts.csv"] = None
    files["rota.csv"] = (
        ROTA + "S1;mon|wed;;;07:00;15:00\nS2;helg;2;1;08:00;16:00\nS3;alla;;;07:00;12:00\n"
    )
    instance = import_csv_dir(write_folder(tmp_path / "r", files), days=14)
    monday = instance.horizon.start_date
    assert monday.weekday() == 0  # the GOOD dates start on Monday 2025-03-03
    assert [s.day for s in instance.staff_by_id["S1"].shifts] == [0, 2, 7, 9]
    assert [s.day for s in instance.staff_by_id["S2"].shifts] == [12, 13]  # the second weekend
    assert len(instance.staff_by_id["S3"].shifts) == 14


@pytest.mark.parametrize(
    ("rota", "message"),
    [
        ("S1;mon|funday;;;07:00;15:00", "rota.csv:2: weekdays: 'funday' is not a weekday"),
        ("S1;fri-mon;;;07:00;15:00", "rota.csv:2: weekdays: 'fri-mon' runs backwards"),
        ("S9;mon;;;07:00;15:00", "rota.csv:2: staff: unknown carer 'S9'"),
        ("S1;mon;;;15:00;07:00", "rota.csv:2: end: 07:00 is not after start 15:00"),
    ],
)
def test_a_wrong_rota_row_is_named_by_line_and_column(
    tmp_path: Path, rota: str, message: str
) -> None:
    files = dict(GOOD)
    files["shifts.csv"] = None
    files["rota.csv"] = ROTA + rota + "\n"
    code, output = run(
        str(write_folder(tmp_path / "r", files)), "-o", str(tmp_path / "x.json"), "--days", "14"
    )
    assert code == 2
    assert message in output, output


def test_recurring_rows_alone_need_a_horizon_length(tmp_path: Path) -> None:
    files = {k: v for k, v in GOOD.items() if k not in ("shifts.csv", "visits.csv")}
    files["rota.csv"] = ROTA + "S1;mon;;;07:00;15:00\n"
    files["patterns.csv"] = (
        "id;client;weekdays;earliest;latest;duration\nP1;C1;mon;08:00;09:00;30\n"
    )
    code, output = run(
        str(write_folder(tmp_path / "r", files)),
        "-o",
        str(tmp_path / "x.json"),
        "--start-date",
        "2025-03-03",
    )
    assert code == 2
    assert "give --days N" in output
