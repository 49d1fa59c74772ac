"""`hemplan compare`: a row per method, the files it promises, the price of continuity."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from hemplan.cli.compare_table import price_lines
from hemplan.cli.main import main
from hemplan.cli.sweep_table import plot_png as sweep_png
from hemplan.cli.tradeoff_table import plot_png as tradeoff_png
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance, load_schedule
from hemplan.solver.methods import METHODS
from tests.paths import INSTANCES


def test_compare_prints_a_row_per_method_and_writes_every_file(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    result = CliRunner().invoke(
        main,
        [
            "compare",
            str(INSTANCES / "tiny.json"),
            "-o",
            str(out),
            "--time-limit",
            "2",
            "--workers",
            "1",
            "--progress",
            "lines",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    progress = result.stderr.splitlines()
    for method in METHODS:  # each method reports its plans while running, then its verified result
        assert any(f"] {method} first plan:" in line for line in progress), (method, progress)
        assert any(f"] {method} done, verified:" in line for line in progress), (method, progress)
    for method in METHODS:
        assert sum(line.startswith(f"| {method} |") for line in lines) == 1
    assert any(
        line.startswith("price of continuity") and "central-travel" in line for line in lines
    )
    assert any(line.startswith("price of continuity") and "teams-travel" in line for line in lines)

    with open(out / "compare.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["method"] for r in rows] == list(METHODS)
    assert (out / "compare.md").read_text().count("\n| ") == len(METHODS) + 1  # header and rows
    assert (out / "carers_per_client.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    instance = load_instance(INSTANCES / "tiny.json")
    for row in rows:
        schedule = load_schedule(out / f"{row['method']}.json")
        evaluation = evaluate(instance, schedule)
        assert evaluation.violations == []
        assert (
            int(row["travel_min"]) == evaluation.metrics.travel_minutes
        )  # the table is the evaluator's


def test_compare_rejects_an_unknown_method_before_running(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "compare",
            str(INSTANCES / "tiny.json"),
            "-o",
            str(tmp_path / "c"),
            "--methods",
            "continuity,nearest",
        ],
    )
    assert result.exit_code == 2
    assert "nearest" in result.output and not (tmp_path / "c").exists()


def test_compare_reports_a_bad_instance_as_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"horizon": {"start_date": "2026-01-05", "days": 0}, "teams": []}')
    result = CliRunner().invoke(main, ["compare", str(bad), "-o", str(tmp_path / "c")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and str(bad) in result.output


def test_price_of_continuity_is_relative_travel() -> None:
    rows = [
        {"method": "continuity", "travel_min": 110},
        {"method": "central-travel", "travel_min": 100},
        {"method": "teams-travel", "travel_min": 105},
    ]
    assert price_lines(rows) == [
        "price of continuity: travel 110 min against 100 min of central-travel (+10.0%)",
        "price of continuity: travel 110 min against 105 min of teams-travel (+4.8%)",
    ]
    assert price_lines([{"method": "continuity", "travel_min": 110}]) == []


def test_compare_json_prints_the_evaluators_rows(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "compare",
            str(INSTANCES / "tiny.json"),
            "-o",
            str(tmp_path / "c"),
            "--time-limit",
            "1",
            "--workers",
            "1",
            "--methods",
            "continuity,central-greedy",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert [row["method"] for row in summary["rows"]] == ["continuity", "central-greedy"]
    instance = load_instance(INSTANCES / "tiny.json")
    for row in summary["rows"]:
        evaluation = evaluate(instance, load_schedule(tmp_path / "c" / f"{row['method']}.json"))
        assert evaluation.violations == []
        assert row["travel_min"] == evaluation.metrics.travel_minutes


HOSTILE_NAME = "x $\\frac{$ y \x1b[31m"  # mathtext to matplotlib, and a control character


def test_an_instance_name_is_drawn_as_written_in_every_plot(tmp_path: Path) -> None:
    """The plots' titles carry the instance's name. Between two `$` matplotlib reads math, and
    this name ended `hemplan compare` in a traceback after every method had run; its control
    character was drawn raw, with a warning on the terminal. Now the name is drawn escaped."""
    doc = json.loads((INSTANCES / "tiny.json").read_text())
    doc["name"] = HOSTILE_NAME
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(doc))
    out = tmp_path / "cmp"
    args = ["compare", str(path), "-o", str(out), "--work-limit", "0.05", "--workers", "1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert (out / "carers_per_client.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for plot in (tradeoff_png, sweep_png):  # the trade-off's and the sweep's plots alike
        assert plot([], HOSTILE_NAME)[:8] == b"\x89PNG\r\n\x1a\n"
