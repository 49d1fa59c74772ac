"""visits.csv (and patterns.csv) may give a double-staffed visit's roles (`role_skills`:
`insulin|`) and a start gap (`gap`: `10-20`), also under their Swedish names."""

from __future__ import annotations

from pathlib import Path

import pytest

from hemplan.models.io.csv_import import import_csv_dir
from tests.models.io.test_csv_import import changed, run, write_folder

HEADER = "locked_carers,locked_start\n"
V2 = "V2,C2,2025-03-03,2025-03-05,09:00,14:00,60,2,,deferrable,cleaning,key in box,,"


def with_roles(roles: str, gap: str, headers: tuple[str, str] = ("role_skills", "gap")) -> dict:
    """GOOD with role and gap columns, V2 (double-staffed) given `roles` and `gap`."""
    files = changed("visits.csv", HEADER, f"locked_carers,locked_start,{','.join(headers)}\n")
    return changed("visits.csv", V2, V2 + f",{roles},{gap}", files)


def test_role_skills_and_gap_cells_give_the_roles_and_the_gap(tmp_path: Path) -> None:
    instance = import_csv_dir(write_folder(tmp_path / "district", with_roles("insulin|", "10-20")))
    v2 = instance.visit_by_id["V2"]
    assert v2.slot_skills == (frozenset({"insulin"}), frozenset())
    assert v2.start_gap == (10, 20)
    v1 = instance.visit_by_id["V1"]
    assert v1.roles is None and v1.gap is None


def test_a_role_may_need_several_skills_and_one_number_is_a_fixed_gap(tmp_path: Path) -> None:
    files = with_roles("insulin+lift|lift", "15")
    v2 = import_csv_dir(write_folder(tmp_path / "district", files)).visit_by_id["V2"]
    assert v2.slot_skills == (frozenset({"insulin", "lift"}), frozenset({"lift"}))
    assert v2.start_gap == (15, 15)


def test_the_swedish_column_names_read_as_roles_and_gap(tmp_path: Path) -> None:
    files = with_roles("insulin|", "10-20", headers=("Rollkompetens", "Startavstånd"))
    v2 = import_csv_dir(write_folder(tmp_path / "district", files)).visit_by_id["V2"]
    assert v2.start_gap == (10, 20) and v2.roles is not None


@pytest.mark.parametrize(
    ("roles", "gap", "expected"),
    [
        ("insulin|", "ten", "visits.csv:3: gap: 'ten' is not minutes MIN-MAX"),
        ("insulin|", "20-10", "visits.csv:3: gap"),
        ("insulin", "", "visits.csv:3: role_skills"),
        ("hoist|", "", "visits.csv:3: role_skills: unknown skill 'hoist'"),
    ],
)
def test_bad_roles_and_gaps_exit_2_naming_the_line_and_column(
    tmp_path: Path, roles: str, gap: str, expected: str
) -> None:
    folder = write_folder(tmp_path / "district", with_roles(roles, gap))
    code, output = run(str(folder), "-o", str(tmp_path / "out.json"))
    assert code == 2 and expected in output, output
