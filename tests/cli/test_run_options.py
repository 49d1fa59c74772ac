"""The budget and the seed of the long commands: `nan`, `inf` and absurd budgets are refused
before any work, and any whole number is a seed that keeps giving the same schedule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance, load_schedule
from hemplan.solver.continuity.model.solve import cp_sat_seed
from tests.paths import INSTANCES

TINY = INSTANCES / "tiny.json"
TEAM = INSTANCES / "team-14d.json"


def _commands(tmp_path: Path) -> dict[str, list[str]]:
    return {
        "solve": ["solve", str(TINY), "-o", str(tmp_path / "s.json")],
        "compare": ["compare", str(TINY), "-o", str(tmp_path / "cmp")],
        "bench": ["bench", "bundled", "--instances", "tiny", "-o", str(tmp_path / "bench")],
        "replan": ["replan", str(TINY), str(tmp_path / "old.json"), "-o", str(tmp_path / "n.json")],
    }


@pytest.mark.parametrize("command", ["solve", "compare", "bench", "replan"])
@pytest.mark.parametrize(
    "option, value",
    [
        ("--time-limit", "nan"),
        ("--time-limit", "inf"),
        ("--time-limit", "Infinity"),
        ("--time-limit", "1e300"),
        ("--work-limit", "nan"),
        ("--work-limit", "inf"),
        ("--work-limit", "-inf"),
        ("--work-limit", "1e300"),
    ],
)
def test_a_budget_that_is_not_a_finite_number_is_refused_before_any_work(
    tmp_path: Path, command: str, option: str, value: str
) -> None:
    result = CliRunner().invoke(main, [*_commands(tmp_path)[command], option, value])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.output
    assert "not a finite number" in result.output or "not in the range" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # refused before anything was written


def test_cp_sat_gets_every_32_bit_seed_unchanged_and_any_other_wrapped() -> None:
    for seed in (0, 1, -1, 7, 2**31 - 1, -(2**31)):
        assert cp_sat_seed(seed) == seed
    assert cp_sat_seed(2**31) == -(2**31)
    assert cp_sat_seed(2**32 + 5) == 5
    assert cp_sat_seed(2**64) == 0
    for seed in (2**31, 2**63 - 1, 2**63, 2**64, -(2**31) - 1, -(10**30)):
        assert -(2**31) <= cp_sat_seed(seed) < 2**31


@pytest.mark.parametrize("seed", [2**31, 2**63 - 1, 2**63, 2**64, -1, -(2**70)])
def test_any_whole_number_is_a_seed(tmp_path: Path, seed: int) -> None:
    out = tmp_path / "s.json"
    result = CliRunner().invoke(
        main,
        [
            "solve",
            str(TINY),
            "-o",
            str(out),
            "--workers",
            "1",
            "--quiet",
            "--seed",
            str(seed),
            "--work-limit",
            "0.5",
        ],
    )
    assert result.exit_code == 0, result.output
    schedule = load_schedule(out)
    assert schedule.solver is not None and schedule.solver.seed == seed
    assert evaluate(load_instance(TINY), schedule).violations == []


def test_a_seed_beyond_32_bits_gives_the_same_schedule_again(tmp_path: Path) -> None:
    plans = []
    for run in range(2):
        out = tmp_path / f"s{run}.json"
        result = CliRunner().invoke(
            main,
            [
                "solve",
                str(TEAM),
                "-o",
                str(out),
                "--workers",
                "1",
                "--work-limit",
                "0.2",
                "--quiet",
                "--seed",
                str(2**64 + 3),
            ],
        )
        assert result.exit_code == 0, result.output
        data = json.loads(out.read_text())
        plans.append(json.dumps([data["assignments"], data["unassigned"]], sort_keys=True))
    assert plans[0] == plans[1]


def test_a_big_seed_reaches_every_method_through_compare(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    result = CliRunner().invoke(
        main,
        [
            "compare",
            str(TINY),
            "-o",
            str(out),
            "--workers",
            "1",
            "--time-limit",
            "2",
            "--quiet",
            "--seed",
            str(2**64),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "seed 18446744073709551616" in (out / "compare.md").read_text()
