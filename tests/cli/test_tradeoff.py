"""`hemplan tradeoff` writes every schedule, the table and the plot; a bad `--budgets` is one
clear line and exit 2. `--max-travel-increase` belongs to the continuity method."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.cli.tradeoff_table import print_table
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance, load_schedule
from tests.paths import INSTANCES

TINY = INSTANCES / "tiny.json"


def test_the_tradeoff_writes_the_schedules_the_table_and_the_plot(tmp_path: Path) -> None:
    out = tmp_path / "curve"
    result = CliRunner().invoke(
        main,
        ["tradeoff", str(TINY), "--budgets", "0,none", "--work-limit", "0.3", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    instance = load_instance(TINY)
    names = ["teams-travel", "budget-0", "budget-none", "central-travel"]
    for name in names:
        assert evaluate(instance, load_schedule(out / f"{name}.json")).feasible
    with (out / "tradeoff.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [r["plan"] for r in rows] == [
        "teams-travel",
        "budget 0 %",
        "no budget",
        "central-travel",
    ]
    assert rows[0]["travel_vs_teams_pct"] == "0.0"
    assert int(rows[1]["travel_min"]) <= int(rows[0]["travel_min"])
    assert "| budget 0 % | 0 |" in (out / "tradeoff.md").read_text()
    assert (out / "tradeoff.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "travel vs teams-travel %" in result.output


@pytest.mark.parametrize("budgets", ["abc", "-5", "5,5", "nan", "10,", "2000"])
def test_a_bad_budget_list_is_one_line_naming_the_option_and_exit_2(
    tmp_path: Path, budgets: str
) -> None:
    result = CliRunner().invoke(
        main, ["tradeoff", str(TINY), "--budgets", budgets, "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 2, result.output
    assert "--budgets" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x").exists()


def test_a_travel_budget_with_another_method_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "solve",
            str(TINY),
            "-o",
            str(tmp_path / "s.json"),
            "--method",
            "teams-travel",
            "--max-travel-increase",
            "10",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "--max-travel-increase" in result.output
    assert not (tmp_path / "s.json").exists()


def test_solve_records_the_travel_budget_in_the_schedule(tmp_path: Path) -> None:
    schedule = tmp_path / "s.json"
    result = CliRunner().invoke(
        main,
        ["solve", str(TINY), "-o", str(schedule), "--work-limit", "0.3"]
        + ["--max-travel-increase", "5", "--progress", "none"],
    )
    assert result.exit_code == 0, result.output
    written = load_schedule(schedule)
    assert evaluate(load_instance(TINY), written).feasible
    assert written.solver is not None
    assert written.solver.options["max_travel_increase"] == 5
    # and says it: the budget in minutes and the share of it the evaluator's travel takes
    budget = written.solver.options["travel_budget"]
    travel = evaluate(load_instance(TINY), written).metrics.travel_minutes
    assert isinstance(budget, int) and travel <= budget
    share = f"{100 * travel / budget:.1f}%"
    assert "travel budget" in result.output
    assert f"{budget} min (the travel-only plan's travel + 5%), {share} of it used" in result.output


def test_solve_without_a_budget_says_none(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["solve", str(TINY), "-o", str(tmp_path / "s.json"), "--work-limit", "0.3"]
        + ["--progress", "none"],
    )
    assert result.exit_code == 0, result.output
    assert "travel budget" not in result.output


def test_the_table_title_is_the_instance_name_as_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The terminal table's title is the instance's name: rich read `[/b]` in it as markup
    (a MarkupError traceback) and printed its control characters raw."""
    print_table([], "a[/b] \x1b[31m: travel against continuity")
    shown = capsys.readouterr().out
    assert "a[/b] \\x1b[31m: travel against continuity" in shown
    assert "\x1b" not in shown
