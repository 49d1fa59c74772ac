"""Re-packing a day's busy hours to serve a left-over visit (`hemplan.solver.continuity.repack`)."""

from __future__ import annotations

import random

from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator import evaluate
from hemplan.solver.assemble import to_schedule
from hemplan.solver.continuity.carer_days import CarerDays
from hemplan.solver.continuity.repack import NodeBudget, _Packing, repack
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Placement, Solution
from tests.small_instances import shift, small, visit


def chain() -> tuple[Instance, Solution]:
    """Four carers at 08:00, each skill held by two of them: L needs A, whose P needs A or B,
    whose Q needs B or C, whose R may go to C or D. Serving L takes three moves in a row, one
    more than the repair's depth."""
    staff = [
        {"id": "A", "skills": ["s1", "s2"], "shifts": [shift(0)]},
        {"id": "B", "skills": ["s2", "s3"], "shifts": [shift(0)]},
        {"id": "C", "skills": ["s3"], "shifts": [shift(0)]},
        {"id": "D", "shifts": [shift(0)]},
    ]
    visits = [
        visit("L", "W", 0, "08:00", "08:00", 60, skills=["s1"]),
        visit("P", "X", 0, "08:00", "08:00", 60, skills=["s2"]),
        visit("Q", "Y", 0, "08:00", "08:00", 60, skills=["s3"]),
        visit("R", "Z", 0, "08:00", "08:00", 60),
    ]
    instance = small(staff, [{"id": c} for c in "WXYZ"], visits, days=1, skills=["s1", "s2", "s3"])
    plan = Solution(
        assignments={
            "P": Placement(0, 480, ("A",)),
            "Q": Placement(0, 480, ("B",)),
            "R": Placement(0, 480, ("C",)),
        },
        unassigned={"L": "capacity: no route of an eligible carer has room for it"},
    )
    return instance, plan


def _repack(
    instance: Instance, plan: Solution, left_over: str, budget: NodeBudget
) -> tuple[bool, CarerDays]:
    routes = CarerDays.from_solution(Problem.build(instance), plan)
    assert routes is not None
    done = repack(routes, instance.visit_by_id[left_over], budget)
    return done, routes


def _feasible(instance: Instance, plan: Solution) -> bool:
    return evaluate(instance, to_schedule(Problem.build(instance), plan)).feasible


def test_a_chain_of_three_moves_serves_the_left_over_visit() -> None:
    instance, plan = chain()
    done, routes = _repack(instance, plan, "L", NodeBudget(1000))
    assert done
    packed = routes.to_solution({})
    assert {v: p.carers for v, p in packed.assignments.items()} == {
        "L": ("A",),
        "P": ("B",),
        "Q": ("C",),
        "R": ("D",),
    }
    assert _feasible(instance, packed)


def test_no_packing_leaves_the_routes_as_they_were() -> None:
    instance, plan = chain()
    plan.assignments["S"] = Placement(
        0, 480, ("D",)
    )  # D busy too: five visits at 08:00, four carers
    instance = small(
        [s.model_dump(mode="json") for s in instance.staff],
        [{"id": c} for c in "WXYZV"],
        [v.model_dump(mode="json") for v in instance.visits]
        + [visit("S", "V", 0, "08:00", "08:00", 60)],
        days=1,
        skills=["s1", "s2", "s3"],
    )
    budget = NodeBudget(1000)
    done, routes = _repack(instance, plan, "L", budget)
    assert not done
    assert routes.to_solution({}).assignments == plan.assignments
    assert 0 < budget.spent <= 1000 and budget.left == 1000 - budget.spent


def test_the_search_stops_at_its_budget() -> None:
    instance, plan = chain()
    budget = NodeBudget(2)  # three visits must go back after L: more nodes than that
    done, routes = _repack(instance, plan, "L", budget)
    assert not done and budget.left <= 0
    assert routes.to_solution({}).assignments == plan.assignments


def test_a_double_staffed_visit_moves_to_make_room() -> None:
    # only A may give L at 08:00; A and B do the double-staffed D then, and C is free: the
    # repair never moves a double-staffed visit, the re-packing gives D to B and C
    staff = [
        {"id": "A", "skills": ["medication"], "shifts": [shift(0)]},
        {"id": "B", "shifts": [shift(0)]},
        {"id": "C", "shifts": [shift(0)]},
    ]
    visits = [
        visit("L", "X", 0, "08:00", "08:00", 60, skills=["medication"]),
        visit("D", "Y", 0, "08:00", "09:00", 60, staff_needed=2),
    ]
    instance = small(staff, [{"id": "X"}, {"id": "Y"}], visits, days=1)
    plan = Solution(assignments={"D": Placement(0, 480, ("A", "B"))}, unassigned={"L": "capacity"})
    done, routes = _repack(instance, plan, "L", NodeBudget(1000))
    assert done
    packed = routes.to_solution({})
    assert packed.assignments["L"].carers == ("A",)
    assert packed.assignments["D"].carers == ("B", "C")
    assert _feasible(instance, packed)


def test_a_partly_locked_double_visit_is_only_packed_with_its_locked_carer() -> None:
    """A double visit locked to S1 (its second carer free): every way the packing offers to
    put it in keeps S1, though S0 and S2 are a pair too."""
    staff = [{"id": c, "shifts": [shift(0)]} for c in ("S0", "S1", "S2")]
    instance = small(
        staff, [{"id": "K"}], [visit("V", "K", 0, staff_needed=2, locked_carers=["S1"])], days=1
    )
    routes = CarerDays.from_solution(Problem.build(instance), Solution())
    assert routes is not None
    packing = _Packing(routes, 0, 100, random.Random(0))
    options = packing._options(instance.visit_by_id["V"])
    assert options and all("S1" in {carer for carer, _, _ in moves} for _, moves in options)
