"""Schedules for tests of what comes after the solver (exports, report): solved for real,
briefly, and verified by the evaluator before any test reads them."""

from __future__ import annotations

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Schedule
from hemplan.models.evaluator import evaluate
from hemplan.solver.continuity.solve import solve
from hemplan.solver.method import SolveOptions
from tests.paths import INSTANCES

TINY = INSTANCES / "tiny.json"


def solved(instance: Instance) -> Schedule:
    """A two-second solve of `instance`, checked by the evaluator."""
    schedule = solve(instance, SolveOptions(time_limit=2.0, workers=1)).schedule
    assert [str(v) for v in evaluate(instance, schedule).violations] == []
    return schedule
