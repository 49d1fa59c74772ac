"""visits.csv (and patterns.csv) may make a visit's window soft: `lateness` (Swedish
`försening`), the minutes a start may fall after the latest start."""

from __future__ import annotations

from pathlib import Path

from hemplan.models.io.csv_import import import_csv_dir
from tests.models.io.test_csv_import import changed, run, write_folder
from tests.models.io.test_csv_roles import HEADER, V2


def with_lateness(cell: str, header: str = "lateness") -> dict:
    """GOOD with a lateness column, V2 given `cell`."""
    files = changed("visits.csv", HEADER, f"locked_carers,locked_start,{header}\n")
    return changed("visits.csv", V2, V2 + f",{cell}", files)


def test_a_lateness_cell_makes_the_window_soft(tmp_path: Path) -> None:
    instance = import_csv_dir(write_folder(tmp_path / "district", with_lateness("30")))
    v2 = instance.visit_by_id["V2"]
    assert v2.late_allowance == 30 and v2.allowed_starts == ((9 * 60, 14 * 60 + 30),)
    assert instance.visit_by_id["V1"].lateness is None


def test_the_swedish_column_name_reads_as_lateness(tmp_path: Path) -> None:
    files = with_lateness("15", header="Försening")
    assert (
        import_csv_dir(write_folder(tmp_path / "d", files)).visit_by_id["V2"].late_allowance == 15
    )


def test_a_bad_lateness_exits_2_naming_the_line_and_column(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "district", with_lateness("0"))
    code, output = run(str(folder), "-o", str(tmp_path / "out.json"))
    assert code == 2 and "visits.csv:3: lateness" in output, output
