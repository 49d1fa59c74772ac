"""Every method serves a visit in its second start window when the first is out of reach:
the carers' only shift starts after the first window has ended. Each schedule is checked by
the evaluator."""

from __future__ import annotations

import pytest

from hemplan.models.contract.clock import parse_clock
from hemplan.models.evaluator import evaluate
from hemplan.solver.method import SolveOptions
from hemplan.solver.methods import METHODS
from tests.small_instances import SECOND_WINDOW, late_shift_two_windows

OPTIONS = SolveOptions(time_limit=20.0, work_limit=0.5, workers=1)
METHOD_NAMES = ["continuity", "central-greedy", "central-travel", "teams-travel"]


@pytest.mark.parametrize("staff_needed", [1, 2], ids=["single", "double"])
@pytest.mark.parametrize("method", METHOD_NAMES)
def test_the_second_window_is_used_when_the_first_is_out_of_reach(
    method: str, staff_needed: int
) -> None:
    instance = late_shift_two_windows(staff_needed)
    schedule = METHODS[method].solve(instance, OPTIONS).schedule
    assert evaluate(instance, schedule).feasible
    [served] = schedule.assignments
    assert served.visit == "V" and len(served.carers) == staff_needed
    assert parse_clock(SECOND_WINDOW[0]) <= served.start <= parse_clock(SECOND_WINDOW[1])
