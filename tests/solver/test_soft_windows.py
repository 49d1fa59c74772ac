"""Soft windows in every method: a visit whose only carer(s) can arrive 20 minutes late is
served 20 minutes late when the window allows 30 minutes of lateness, and left out when the
window is hard. Each schedule is checked by the evaluator."""

from __future__ import annotations

import pytest

from hemplan.models.contract.clock import parse_clock
from hemplan.models.evaluator import evaluate
from hemplan.solver.method import SolveOptions
from hemplan.solver.methods import METHODS
from tests.small_instances import late_carer

OPTIONS = SolveOptions(time_limit=20.0, work_limit=0.5, workers=1)
METHOD_NAMES = ["continuity", "central-greedy", "central-travel", "teams-travel"]


@pytest.mark.parametrize("staff_needed", [1, 2], ids=["single", "double"])
@pytest.mark.parametrize("method", METHOD_NAMES)
def test_a_late_start_within_the_lateness_is_served_and_priced(
    method: str, staff_needed: int
) -> None:
    instance = late_carer(30, staff_needed)
    schedule = METHODS[method].solve(instance, OPTIONS).schedule
    result = evaluate(instance, schedule)
    assert result.feasible
    [served] = schedule.assignments
    assert served.visit == "V" and served.start == parse_clock("09:20")
    assert result.metrics.tardiness_minutes == 20 * staff_needed
    assert result.metrics.max_tardiness == 20


@pytest.mark.parametrize("method", METHOD_NAMES)
def test_without_lateness_the_visit_is_left_out(method: str) -> None:
    instance = late_carer(None)
    schedule = METHODS[method].solve(instance, OPTIONS).schedule
    result = evaluate(instance, schedule)
    assert result.feasible
    assert schedule.assignments == []
    assert [u.visit for u in schedule.unassigned] == ["V"]
    assert result.metrics.tardiness_minutes is None


@pytest.mark.parametrize("method", METHOD_NAMES)
def test_a_lateness_too_short_to_reach_leaves_the_visit_out(method: str) -> None:
    instance = late_carer(15)
    schedule = METHODS[method].solve(instance, OPTIONS).schedule
    assert evaluate(instance, schedule).feasible
    assert schedule.assignments == []
