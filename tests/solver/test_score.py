"""The objective's minute terms: arrival-time consistency and workload balance.

Each is checked twice: `score` counts it on hand-made plans, and a CP-SAT neighbourhood
with every visit free chooses the plan that minimises it when nothing else differs (all
homes at the office, so travel is zero whatever the choice).
"""

from __future__ import annotations

from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator import evaluate
from hemplan.solver.assemble import to_schedule
from hemplan.solver.continuity.neighbourhood import StepLimits, solve_neighbourhood
from hemplan.solver.problem import Problem
from hemplan.solver.score import arrival_deviation, score, workload_deviation
from hemplan.solver.solution import Placement, Solution
from tests.small_instances import OFFICE, shift, small, two_clients_two_carers, visit


def _neighbourhood_plan(inst: Instance) -> Solution:
    """Every visit freed at once: the model's optimum, verified by the evaluator."""
    problem = Problem.build(inst)
    result = solve_neighbourhood(
        problem, Solution(), {v.id for v in inst.visits}, problem.eligible, StepLimits(20.0, 5.0)
    )
    assert result is not None and result.status == "OPTIMAL"
    plan = Solution(
        assignments={v: p for v, p in result.placements.items() if p is not None},
        breaks=result.breaks,
    )
    assert evaluate(inst, to_schedule(problem, plan)).violations == []
    return plan


def _arrival_instance() -> Instance:
    # day 0: a locked two-hour visit at 08:00 pushes K's visit to 10:00 or later; day 1 is free
    return small(
        [{"id": "A", "shifts": [shift(0), shift(1)]}],
        [{"id": "K", "location": OFFICE}, {"id": "L", "location": OFFICE}],
        [
            visit("L0", "L", 0, "08:00", "08:00", 120, locked_start="08:00"),
            visit("K0", "K", 0, "08:00", "12:00", 30),
            visit("K1", "K", 1, "08:00", "12:00", 30),
        ],
        days=2,
    )


def test_arrival_deviation_counts_minutes_from_the_series_median() -> None:
    inst = _arrival_instance()
    apart = Solution(
        assignments={
            "K0": Placement(0, 600, ("A",)),
            "K1": Placement(1, 480, ("A",)),
            "L0": Placement(0, 480, ("A",)),
        }
    )
    together = Solution(assignments={**apart.assignments, "K1": Placement(1, 600, ("A",))})
    problem = Problem.build(inst)
    assert arrival_deviation(problem, apart) == 120
    assert arrival_deviation(problem, together) == 0
    assert score(problem, together, bounds={}) < score(problem, apart, bounds={})


def test_neighbourhood_starts_a_recurring_visit_at_the_same_time_each_day() -> None:
    plan = _neighbourhood_plan(_arrival_instance())
    assert plan.assignments["K0"].start >= 600
    assert plan.assignments["K1"].start == plan.assignments["K0"].start


def _workload_instance() -> Instance:
    # two carers with equal shifts, two one-hour visits of different clients at the office: one each
    # is fair
    return two_clients_two_carers(OFFICE)


def test_workload_deviation_is_distance_from_each_carers_share() -> None:
    inst = _workload_instance()
    one = Solution(assignments={"K0": Placement(0, 480, ("A",)), "L0": Placement(0, 600, ("A",))})
    shared = Solution(
        assignments={"K0": Placement(0, 480, ("A",)), "L0": Placement(0, 480, ("B",))}
    )
    assert workload_deviation(Problem.build(inst), one) == 120  # A 60 over its share, B 60 under
    assert workload_deviation(Problem.build(inst), shared) == 0


def test_neighbourhood_shares_work_in_proportion_to_paid_time() -> None:
    # A works 9 hours, B 5: of four half-hour visits A takes three (90 min against a share of
    # 77, B 30 against 42: 25 off in all; two each would be 35 off)
    inst = small(
        [
            {"id": "A", "shifts": [shift(0, "07:00", "16:00")]},
            {"id": "B", "shifts": [shift(0, "07:00", "12:00")]},
        ],
        [{"id": f"K{i}", "location": OFFICE} for i in range(4)],
        [visit(f"K{i}", f"K{i}", 0, "08:00", "10:00", 30) for i in range(4)],
        days=1,
    )
    plan = _neighbourhood_plan(inst)
    assert workload_deviation(Problem.build(inst), plan) == 25
    assert sum(p.carers == ("A",) for p in plan.assignments.values()) == 3


def test_neighbourhood_keeps_a_client_with_one_carer_over_a_fair_load() -> None:
    # one client, two one-hour visits, two carers with equal shifts: one each would be fair
    # (workload deviation 0) but meets two carers; the heads (new pairs) are solved first and
    # held while the minutes are polished, so one carer takes both
    inst = small(
        [{"id": c, "shifts": [shift(0)]} for c in ("A", "B")],
        [{"id": "K", "location": OFFICE}],
        [visit("K0", "K", 0, "08:00", "09:00", 60), visit("K1", "K", 0, "10:00", "11:00", 60)],
        days=1,
    )
    plan = _neighbourhood_plan(inst)
    assert len({p.carers for p in plan.assignments.values()}) == 1
    assert workload_deviation(Problem.build(inst), plan) == 120


def test_neighbourhood_without_work_for_the_minutes_returns_the_heads_solution() -> None:
    # polish_share 0: the first stage's plan, every visit served and verified, minutes unpolished
    inst = _workload_instance()
    problem = Problem.build(inst)
    result = solve_neighbourhood(
        problem,
        Solution(),
        {v.id for v in inst.visits},
        problem.eligible,
        StepLimits(20.0, 5.0),
        polish_share=0.0,
    )
    assert result is not None and result.status == "OPTIMAL"
    plan = Solution(
        assignments={v: p for v, p in result.placements.items() if p is not None},
        breaks=result.breaks,
    )
    assert set(plan.assignments) == {"K0", "L0"}
    assert evaluate(inst, to_schedule(problem, plan)).violations == []
