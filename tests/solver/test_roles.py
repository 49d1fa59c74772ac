"""Every method gives a two-role visit one carer with each role's skills and keeps a start gap;
a visit whose role nobody can take is left out with a reason naming the missing skill. Each
schedule is checked by the evaluator."""

from __future__ import annotations

import pytest

from hemplan.models.contract.clock import parse_clock
from hemplan.models.evaluator import evaluate
from hemplan.models.evaluator.diagnosis import diagnose
from hemplan.solver.method import SolveOptions
from hemplan.solver.methods import METHODS
from tests.small_instances import two_roles

OPTIONS = SolveOptions(time_limit=20.0, work_limit=0.5, workers=1)
METHOD_NAMES = ["continuity", "central-greedy", "central-travel"]


@pytest.mark.parametrize("method", METHOD_NAMES)
def test_a_two_role_visit_gets_one_carer_with_each_skill(method: str) -> None:
    instance = two_roles()
    schedule = METHODS[method].solve(instance, OPTIONS).schedule
    assert evaluate(instance, schedule).feasible
    [served] = schedule.assignments
    assert "A" in served.carers and len(set(served.carers) & {"B", "C"}) == 1


@pytest.mark.parametrize("method", METHOD_NAMES)
def test_without_a_nurse_the_visit_is_left_out_naming_the_skill(method: str) -> None:
    instance = two_roles({"B": [], "C": []})
    schedule = METHODS[method].solve(instance, OPTIONS).schedule
    assert evaluate(instance, schedule).feasible
    assert schedule.assignments == []
    [unassigned] = schedule.unassigned
    assert unassigned.visit == "V" and "nurse" in unassigned.reason
    [left_out] = diagnose(instance, schedule)
    assert "nurse" in left_out.reason


@pytest.mark.parametrize("method", METHOD_NAMES)
def test_a_gap_of_10_to_20_minutes_is_kept(method: str) -> None:
    instance = two_roles(gap=(10, 20))
    schedule = METHODS[method].solve(instance, OPTIONS).schedule
    assert evaluate(instance, schedule).feasible
    [served] = schedule.assignments
    nurse_start = served.start_of("A")
    partner = next(c for c in served.carers if c != "A")
    assert served.start == nurse_start
    assert 10 <= served.start_of(partner) - nurse_start <= 20
    assert parse_clock("08:00") <= nurse_start <= parse_clock("09:00")
    stops = {r.carer: r.stops for r in schedule.routes}
    assert [s.start for s in stops[partner] if s.kind == "visit"] == [served.start_of(partner)]


@pytest.mark.parametrize("method", METHOD_NAMES)
def test_a_gap_without_roles_is_kept_whoever_starts_first(method: str) -> None:
    instance = two_roles({"A": [], "B": []}, gap=(10, 20), roles=False)
    schedule = METHODS[method].solve(instance, OPTIONS).schedule
    assert evaluate(instance, schedule).feasible
    [served] = schedule.assignments
    own = sorted(served.start_of(c) for c in served.carers)
    assert 10 <= own[1] - own[0] <= 20
