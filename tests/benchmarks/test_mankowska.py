"""The Mankowska benchmark's rows: one run, and several seeds with their mean gap, which a plan
that leaves visits out makes meaningless."""

from __future__ import annotations

from pathlib import Path

from hemplan.benchmarks.mankowska import Outcome, seeds_row, solve_one
from hemplan.solver.method import SolveOptions
from tests.models.io.convert.test_convert import MANKOWSKA


def test_several_seeds_give_each_seeds_timed_value_and_the_mean_gap() -> None:
    runs = [Outcome(110.0, 105.0, 0, 0, 1.0), Outcome(130.0, 115.0, 0, 0, 1.0)]
    assert seeds_row("Z1", 100.0, runs) == (
        "| Z1 | 100.0 | 105.00 (+5.00 %) | 115.00 (+15.00 %) | +10.00 % |"
    )


def test_a_seed_that_leaves_visits_out_is_marked_and_leaves_no_mean() -> None:
    runs = [Outcome(110.0, 105.0, 0, 0, 1.0), Outcome(90.0, 88.0, 3, 0, 1.0)]
    assert seeds_row("Z1", 100.0, runs) == (
        "| Z1 | 100.0 | 105.00 (+5.00 %) | 88.00 (-12.00 %, 3 out) | (partial plans) |"
    )


def test_one_instance_is_planned_verified_and_scored(tmp_path: Path) -> None:
    (tmp_path / "Z1__sample.txt").write_text(MANKOWSKA)
    outcome = solve_one(tmp_path, "Z1", "continuity", SolveOptions(work_limit=0.2, workers=1))
    assert (outcome.left, outcome.violations) == (0, 0)
    assert outcome.timed <= outcome.value + 1e-6  # exact travel never exceeds whole minutes'
    assert outcome.value > 0
