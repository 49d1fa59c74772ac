"""Schedules for tests of what comes after the solver (exports, report): solved for real,
briefly, and verified by the evaluator before any test reads them."""

from __future__ import annotations

from pathlib import Path

from models.evaluator import evaluate
from models.instance import Instance
from models.schedule import Schedule
from solver.solve import SolveOptions, solve

TINY = Path(__file__).resolve().parent.parent / "instances" / "tiny.json"


def solved(instance: Instance) -> Schedule:
    """A two-second solve of `instance`, checked by the evaluator."""
    schedule = solve(instance, SolveOptions(time_limit=2.0, workers=1)).schedule
    assert [str(v) for v in evaluate(instance, schedule).violations] == []
    return schedule
