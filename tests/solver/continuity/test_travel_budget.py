"""The travel budget (`--max-travel-increase`): its CP-SAT family satisfied and violated, its
level in the score, and whole solves whose travel keeps to the teams-travel plan's."""

from __future__ import annotations

from dataclasses import replace

import pytest
from ortools.sat.python import cp_model

from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance
from hemplan.solver.baselines.central_travel import central_travel, routed_plan
from hemplan.solver.continuity.familiar import Routing
from hemplan.solver.continuity.model.travel_budget import add_travel_over_budget, outside_travel
from hemplan.solver.continuity.solve import solve
from hemplan.solver.continuity.travel_budget import Budgeted, budgeted_start, travel_budget
from hemplan.solver.method import SolveOptions
from hemplan.solver.problem import Problem
from hemplan.solver.score import Weights, score, solution_travel
from hemplan.solver.solution import Placement, Solution
from tests.paths import INSTANCES
from tests.small_instances import shift, small, visit
from tests.solver.continuity.test_model import build, with_fixed

FAR = {"lat": 62.420, "lon": 17.300}  # about 3 km north of the office: a real trip by bike


def _far_client() -> Problem:
    """One carer A; client K far from the office with visit V on day 0."""
    instance = small(
        [{"id": "A", "shifts": [shift(0)]}],
        [{"id": "K", "location": FAR}],
        [visit("V", "K", 0)],
        days=1,
    )
    return Problem.build(instance)


def _trip(problem: Problem) -> int:
    """Office to K and back: the travel of serving V."""
    return solution_travel(problem, Solution({"V": Placement(0, 8 * 60, ("A",))}))


# --- the CP-SAT family: minutes over the budget ---------------------------------------------------


def test_the_minutes_over_the_budget_are_at_least_the_travel_past_it() -> None:
    problem = _far_client()
    trip = _trip(problem)
    assert trip > 10
    built = build(problem.instance, ["V"])
    routes = list(built.routes.values())
    travel = sum(r.legs[a] * lit for r in routes for a, lit in r.arcs.items())
    over = add_travel_over_budget(built.model, routes, travel, outside=7, budget=trip)
    served = built.visits["V"].served
    # serving V travels `trip` minutes: with 7 outside, 7 over a budget of `trip`
    assert with_fixed(built, served == 1, over == 7)
    assert not with_fixed(built, served == 1, over == 6)
    # left out, only the 7 minutes outside count: within the budget
    assert with_fixed(built, served == 0, over == 0)


def test_the_minutes_over_the_budget_are_never_negative() -> None:
    problem = _far_client()
    built = build(problem.instance, ["V"])
    routes = list(built.routes.values())
    travel = sum(r.legs[a] * lit for r in routes for a, lit in r.arcs.items())
    over = add_travel_over_budget(built.model, routes, travel, outside=0, budget=10_000)
    model = built.model.clone()
    model.minimize(over)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    assert solver.objective_value == 0


def test_the_travel_outside_a_step_is_that_of_the_routes_it_leaves_alone() -> None:
    problem = _far_client()
    current = {"V": Placement(0, 8 * 60, ("A",))}
    trip = _trip(problem)
    assert outside_travel(problem, current, set(), set()) == trip
    assert outside_travel(problem, current, {"V"}, set()) == 0  # freed: it left the route
    assert outside_travel(problem, current, set(), {("A", 0)}) == 0  # modelled: in the arcs


# --- the score's level ----------------------------------------------------------------------------


def test_the_score_counts_travel_over_the_budget_after_the_visits_left_out() -> None:
    problem = _far_client()
    trip = _trip(problem)
    served = Solution({"V": Placement(0, 8 * 60, ("A",))})
    left_out = Solution(unassigned={"V": "test"})
    budgeted = problem.with_travel_budget(trip - 5)
    assert score(budgeted, served).over_budget == 5
    assert score(problem, served).over_budget == 0  # no budget, no level
    assert score(budgeted, served) < score(budgeted, left_out)  # serving comes first


def test_a_budget_is_the_reference_travel_and_the_per_cent_rounded_down() -> None:
    assert travel_budget(1000, 0) == 1000
    assert travel_budget(1000, 12.5) == 1125
    assert travel_budget(999, 10) == 1098


def test_the_search_starts_from_the_construction_within_the_budget_else_the_reference() -> None:
    problem = _far_client()
    built = Solution({"V": Placement(0, 8 * 60, ("A",))})
    reference = Solution({"V": Placement(0, 8 * 60 + 30, ("A",))})
    budgeted, start = budgeted_start(
        problem, built, Budgeted(reference, _trip(problem)), Weights(), Routing(60.0, 1)
    )
    assert budgeted.travel_budget == _trip(problem)
    assert start.assignments == built.assignments  # within the budget and no worse
    # a budget a minute short of the trip (below the reference: only a unit test can ask it)
    short = Budgeted(reference, _trip(problem) - 1)
    budgeted, start = budgeted_start(problem, built, short, Weights(), Routing(60.0, 1))
    assert budgeted.travel_budget == _trip(problem) - 1
    assert start.assignments == reference.assignments


# --- whole solves ---------------------------------------------------------------------------------

OPTIONS = SolveOptions(time_limit=60, workers=1, seed=0, work_limit=0.5)


def test_a_budget_of_0_per_cent_gives_the_travel_only_plans_travel() -> None:
    instance = load_instance(INSTANCES / "tiny.json")
    travel_only = central_travel(instance, OPTIONS, method="teams-travel")
    assert travel_only.evaluation.feasible
    result = solve(instance, replace(OPTIONS, max_travel_increase=0))
    assert evaluate(instance, result.schedule).feasible
    m, reference = result.evaluation.metrics, travel_only.evaluation.metrics
    assert m.unassigned_mandatory + m.unassigned_deferrable == 0
    assert reference.unassigned_mandatory + reference.unassigned_deferrable == 0
    assert m.travel_minutes <= reference.travel_minutes
    assert result.schedule.solver is not None
    assert result.schedule.solver.options["max_travel_increase"] == 0
    assert result.schedule.solver.options["travel_budget"] == reference.travel_minutes


def test_a_larger_budget_gives_continuity_no_worse_and_none_records_nothing() -> None:
    instance = load_instance(INSTANCES / "tiny.json")
    plan = routed_plan(instance, OPTIONS, "teams-travel").days.solution
    carers = []
    for increase in (0.0, 40.0):
        result = solve(instance, replace(OPTIONS, max_travel_increase=increase), reference=plan)
        assert evaluate(instance, result.schedule).feasible
        assert result.evaluation.metrics.travel_minutes <= travel_budget(
            solution_travel(Problem.build(instance), plan), increase
        )
        carers.append(result.evaluation.metrics.distinct_carers_total)
    assert carers[1] <= carers[0]
    free = solve(instance, OPTIONS)
    assert evaluate(instance, free.schedule).feasible
    assert free.schedule.solver is not None
    assert "max_travel_increase" not in free.schedule.solver.options
    assert "over_budget" not in free.schedule.solver.objective


def test_a_stop_while_the_travel_only_plan_is_routed_returns_the_constructions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The budget's travel-only plan takes up to the first 40 % of the time limit, before any
    team has a plan: a stop then (KeyboardInterrupt from the router's executor) returns each
    team's construction, verified, instead of nothing."""
    instance = load_instance(INSTANCES / "team-14d.json")

    def stopped(*args: object) -> Solution:
        raise KeyboardInterrupt

    monkeypatch.setattr("hemplan.solver.continuity.solve.reference_plan", stopped)
    result = solve(instance, replace(OPTIONS, max_travel_increase=10))
    assert result.interrupted
    assert result.schedule.solver is not None
    assert result.schedule.solver.status == "INTERRUPTED"
    # the option as given; no budget, since none was set before the stop
    assert result.schedule.solver.options["max_travel_increase"] == 10
    assert "travel_budget" not in result.schedule.solver.options
    evaluation = evaluate(instance, result.schedule)
    assert evaluation.violations == []
    served = {a.visit for a in result.schedule.assignments}
    assert served | {u.visit for u in result.schedule.unassigned} == {v.id for v in instance.visits}
    assert len(result.schedule.assignments) > len(instance.visits) // 2
