"""The evaluator reads roles and start gaps: one carer per role with that role's skills, the
second role's start within [min, max] minutes after the first's, each carer's own stop on its
route. Each rule satisfied and violated; eligibility and diagnosis name a role nobody can take."""

from __future__ import annotations

from hemplan.models.contract.clock import parse_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Assignment, Schedule
from hemplan.models.evaluator import evaluate
from hemplan.models.evaluator.diagnosis import diagnose
from hemplan.models.evaluator.eligibility import eligibility
from hemplan.models.evaluator.travel import TravelMinutes
from hemplan.solver.assemble import assemble_schedule
from hemplan.solver.problem import Problem
from tests.small_instances import two_roles


def schedule(instance: Instance, carers: list[str], starts: list[str]) -> Schedule:
    """V served by `carers`, each at its own start (routes derived from the assignment)."""
    own = [parse_clock(s) for s in starts]
    a = Assignment(
        visit="V",
        day=0,
        start=min(own),
        carers=carers,
        starts=own if len(set(own)) > 1 else None,
    )
    return assemble_schedule(Problem.build(instance), [a], {}, [])


def kinds(instance: Instance, plan: Schedule) -> set[str]:
    return {v.kind for v in evaluate(instance, plan).violations}


def test_a_nurse_and_any_carer_share_the_two_roles() -> None:
    instance = two_roles()
    assert kinds(instance, schedule(instance, ["B", "A"], ["08:00", "08:00"])) == set()


def test_two_carers_without_the_nurse_skill_break_the_roles() -> None:
    instance = two_roles()
    result = evaluate(instance, schedule(instance, ["B", "C"], ["08:00", "08:00"]))
    [violation] = result.violations
    assert violation.kind == "skill" and "nurse" in violation.message


def test_without_roles_the_visit_skills_are_all_a_carer_needs() -> None:
    instance = two_roles(roles=False)
    assert kinds(instance, schedule(instance, ["B", "C"], ["08:00", "08:00"])) == set()


def test_a_second_start_inside_the_gap_is_kept() -> None:
    instance = two_roles(gap=(10, 20))
    assert kinds(instance, schedule(instance, ["A", "B"], ["08:00", "08:15"])) == set()


def test_the_second_role_is_the_nurse_partner_not_the_first_to_start() -> None:
    instance = two_roles(gap=(10, 20))
    plan = schedule(instance, ["A", "B"], ["08:15", "08:00"])  # the nurse starts second
    assert kinds(instance, plan) == {"double_staffing"}


def test_a_second_start_outside_the_gap_is_a_double_staffing_violation() -> None:
    instance = two_roles(gap=(10, 20))
    assert kinds(instance, schedule(instance, ["A", "B"], ["08:00", "08:30"])) == {
        "double_staffing"
    }
    assert kinds(instance, schedule(instance, ["A", "B"], ["08:00", "08:00"])) == {
        "double_staffing"
    }


def test_carers_apart_without_a_gap_break_double_staffing() -> None:
    instance = two_roles()
    assert kinds(instance, schedule(instance, ["A", "B"], ["08:00", "08:10"])) == {
        "double_staffing"
    }


def test_a_route_stop_must_start_at_its_own_carer_start() -> None:
    instance = two_roles(gap=(10, 20))
    plan = schedule(instance, ["A", "B"], ["08:00", "08:15"])
    route_b = next(r for r in plan.routes if r.carer == "B")
    route_b.stops[0] = route_b.stops[0].model_copy(
        update={"start": parse_clock("08:00"), "end": parse_clock("08:30")}
    )
    result = evaluate(instance, plan)
    assert {(v.kind, v.carer) for v in result.violations} == {("route", "B")}


def test_starts_must_list_one_start_per_carer_and_start_first() -> None:
    instance = two_roles(gap=(10, 20))
    plan = schedule(instance, ["A", "B"], ["08:00", "08:15"])
    wrong = plan.assignments[0].model_copy(update={"start": parse_clock("08:15")})
    found = {
        v.kind
        for v in evaluate(instance, plan.model_copy(update={"assignments": [wrong]})).violations
    }
    assert "double_staffing" in found


def test_a_role_nobody_can_take_leaves_no_eligible_carer_and_the_diagnosis_names_it() -> None:
    instance = two_roles({"B": [], "C": []})
    found = eligibility(instance, TravelMinutes(instance))
    assert found.carers == {"V": []} and "nurse" in found.reasons["V"]
    [left_out] = diagnose(instance, Schedule())
    assert "nurse" in left_out.reason
    with_nurse = two_roles()
    assert eligibility(with_nurse, TravelMinutes(with_nurse)).carers == {"V": ["A", "B", "C"]}
