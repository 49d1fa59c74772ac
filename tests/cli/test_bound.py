"""`hemplan bound`: the bound per team beside the clients' own bounds, a schedule's pairs and
ratios from the evaluator, the same figures with a seed and a work limit, and a bad schedule
refused with its file named and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance, load_schedule
from tests.paths import INSTANCES

TINY = INSTANCES / "tiny.json"


def _bound(*args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(
        main, ["bound", str(TINY), "--work-limit", "2", "--workers", "1", "--json", *args]
    )
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.output)
    return rows


def test_the_bound_of_each_team_is_at_least_its_clients_bounds_and_repeats() -> None:
    rows = _bound()
    instance = load_instance(TINY)
    assert [r["team"] for r in rows] == [t.id for t in instance.teams]
    (row,) = rows
    assert row["days"] == "0-1"
    assert row["clients"] == len(instance.clients)
    assert isinstance(row["cover"], int) and isinstance(row["bound"], int)
    assert row["cover"] <= row["bound"]
    assert row["status"] == "OPTIMAL"
    again = _bound()  # the same seed and work limit: the same figures, but for the seconds
    assert [{**r, "seconds": 0} for r in again] == [{**r, "seconds": 0} for r in rows]
    (apart,) = _bound("--apart")  # a tighter relaxation: never a lower bound
    assert apart["bound"] >= row["bound"]  # type: ignore[operator]


def test_a_schedule_is_measured_against_both_bounds(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    solved = CliRunner().invoke(
        main, ["solve", str(TINY), "-o", str(out), "--work-limit", "1", "--quiet"]
    )
    assert solved.exit_code == 0, solved.output
    evaluation = evaluate(load_instance(TINY), load_schedule(out))
    assert evaluation.feasible
    (row,) = _bound("--schedule", str(out))
    assert row["pairs"] == sum(c.distinct for c in evaluation.clients.values())
    assert row["bound"] <= row["pairs"]
    result = CliRunner().invoke(
        main, ["bound", str(TINY), "--work-limit", "2", "--workers", "1", "--schedule", str(out)]
    )
    header, team, total = result.output.splitlines()
    assert header.split()[-3:] == ["pairs", "/clients", "/team"]
    assert team.split()[-3:] == [
        str(row["pairs"]),
        f"{row['pairs'] / row['cover']:.3f}",  # type: ignore[operator]
        f"{row['pairs'] / row['bound']:.3f}",  # type: ignore[operator]
    ]
    assert total.startswith("all     total")


def test_an_unlawful_schedule_is_refused_naming_its_file_and_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    visit = load_instance(TINY).visits[0]
    out.write_text(
        json.dumps(
            {"assignments": [{"visit": visit.id, "day": 9, "start": "08:00", "carers": ["x"]}]}
        )
    )
    result = CliRunner().invoke(main, ["bound", str(TINY), "--schedule", str(out)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"{out}: assignments: ")
    assert "a bound compares lawful plans only" in result.output
    assert "Traceback" not in result.output


def test_a_schedule_made_with_borrowing_is_bounded_with_borrowing(tmp_path: Path) -> None:
    """central-travel plans the district as one pool (borrowing): its clients may meet any
    team's carers, so the bound is the district's, not each team's (found by the fuzz run:
    the evaluator, asked without borrowing, called such a schedule unlawful)."""
    out = tmp_path / "s.json"
    solved = CliRunner().invoke(
        main,
        ["solve", str(TINY), "-o", str(out), "--method", "central-travel", "--work-limit", "1"]
        + ["--quiet"],
    )
    assert solved.exit_code == 0, solved.output
    assert load_schedule(out).allow_borrowing
    (row,) = _bound("--schedule", str(out))
    assert row["team"] == "all"
    assert row["bound"] <= row["pairs"]  # type: ignore[operator]
