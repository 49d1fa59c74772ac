"""visits.csv (and patterns.csv) may give several start windows in a `windows` column
(`08:00-09:00|11:00-12:00`) instead of `earliest` and `latest`."""

from __future__ import annotations

from pathlib import Path

import pytest

from hemplan.models.io.csv_import import import_csv_dir
from tests.models.io.test_csv_import import GOOD, changed, run, write_folder

HEADER = "locked_carers,locked_start\n"
V1 = "V1,C1,2025-03-03,,07:00,08:30,45,,insulin,,morning help,,,"


def with_windows(v1_earliest_latest: str, cell: str, header: str = "windows") -> dict:
    """GOOD with a windows column, V1's earliest and latest replaced by `v1_earliest_latest`
    and its windows cell `cell` (the other rows keep their single window)."""
    files = changed("visits.csv", HEADER, f"locked_carers,locked_start,{header}\n")
    files = changed(
        "visits.csv", V1, V1.replace("07:00,08:30", v1_earliest_latest) + f",{cell}", files
    )
    return files


def test_a_windows_cell_gives_a_visit_several_start_windows(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "district", with_windows(",", "07:00-07:30|10:00-11:00"))
    instance = import_csv_dir(folder)
    v1 = instance.visit_by_id["V1"]
    assert v1.start_windows == ((420, 450), (600, 660))
    assert (v1.window.earliest, v1.window.latest) == (420, 660)
    assert instance.visit_by_id["V2"].start_windows == ((540, 840),)


def test_the_swedish_column_name_reads_as_windows(tmp_path: Path) -> None:
    files = with_windows(",", "07:00-07:30|10:00-11:00", header="Tidsfönster")
    instance = import_csv_dir(write_folder(tmp_path / "district", files))
    assert instance.visit_by_id["V1"].start_windows == ((420, 450), (600, 660))


def test_windows_without_earliest_and_latest_columns(tmp_path: Path) -> None:
    visits = (
        "id,client,day,windows,duration\n"
        "V1,C1,2025-03-03,07:00-07:30|10:00-11:00,45\n"
        "V3,C3,2025-03-05,10:00-11:00,30\n"
    )
    instance = import_csv_dir(write_folder(tmp_path / "district", {**GOOD, "visits.csv": visits}))
    assert instance.visit_by_id["V1"].start_windows == ((420, 450), (600, 660))
    assert instance.visit_by_id["V3"].start_windows == ((600, 660),)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("07:00-x", "visits.csv:2: windows: '07:00-x' is not a window HH:MM-HH:MM"),
        (
            "10:00-11:00|07:00-07:30",
            "visits.csv:2: windows: must be sorted and apart: 07:00 does not come after 11:00",
        ),
        ("07:30-07:00", "visits.csv:2: windows: window 07:30-07:00 ends before it starts"),
    ],
    ids=["unreadable", "unsorted", "reversed"],
)
def test_bad_windows_are_named_by_file_line_and_column(
    tmp_path: Path, cell: str, expected: str
) -> None:
    folder = write_folder(tmp_path / "district", with_windows(",", cell))
    code, output = run(str(folder), "-o", str(tmp_path / "out.json"))
    assert code == 2, output
    assert expected in output


def test_a_visit_without_any_window_is_missing_earliest(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "district", with_windows(",", ""))
    code, output = run(str(folder), "-o", str(tmp_path / "out.json"))
    assert code == 2
    assert "visits.csv:2: earliest: missing value" in output
