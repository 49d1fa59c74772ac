"""Releasing rare carers from a plan: by a direct move, and by a swap with another client."""

from __future__ import annotations

from models.eligibility import FittingDays, eligibility
from models.evaluator import evaluate
from models.instance import Instance
from models.travel import travel_times
from solver.carer_days import CarerDays
from solver.plan import Placement, Plan
from solver.polish import release_in_plan
from solver.score import client_carers
from tests.small_instances import shift, small, visit


def crossed() -> Instance:
    """Two carers on one day; clients X and Y each have a visit at 08:00 and one at 10:00."""
    staff = [{"id": "A", "shifts": [shift(0)]}, {"id": "B", "shifts": [shift(0)]}]
    clients = [{"id": "X"}, {"id": "Y"}]
    visits = [
        visit(f"{c}{h}", c, 0, earliest=f"{h}:00", latest=f"{h}:00", duration=60)
        for c in "XY" for h in ("08", "10")
    ]
    return small(staff, clients, visits, days=1)


def _plan(who: dict[str, str]) -> Plan:
    return Plan(assignments={v: Placement(0, 480 if v.endswith("08") else 600, (c,)) for v, c in who.items()})


def _release(instance: Instance, plan: Plan) -> Plan | None:
    travel = travel_times(instance)
    eligible = eligibility(instance, travel).carers
    ranks = {i: 0.0 for i in ["A", "B", "X", "Y"]}
    return release_in_plan(instance, travel, plan, eligible, FittingDays(instance, travel), ranks)


def _pairs(instance: Instance, plan: Plan) -> int:
    return sum(len(carers) for carers in client_carers(instance, plan).values())


def test_crossed_carers_are_untangled_by_a_swap() -> None:
    # A has X at 08 and Y at 10, B the other way round: no carer can take a visit directly
    instance = crossed()
    plan = _plan({"X08": "A", "Y10": "A", "Y08": "B", "X10": "B"})
    released = _release(instance, plan)
    assert released is not None
    assert _pairs(instance, plan) == 4 and _pairs(instance, released) == 2
    assert not released.unassigned and len(released.assignments) == 4
    travel = travel_times(instance)
    assert evaluate(instance, released.to_schedule(instance, travel), travel).feasible


def test_a_plan_at_one_carer_per_client_is_left_alone() -> None:
    instance = crossed()
    plan = _plan({"X08": "A", "X10": "A", "Y08": "B", "Y10": "B"})
    assert _release(instance, plan) is None


def test_routes_rebuilt_from_a_plan_keep_its_order_and_untouched_times() -> None:
    instance = crossed()
    plan = _plan({"X08": "A", "X10": "A", "Y08": "B", "Y10": "B"})
    routes = CarerDays.from_plan(instance, travel_times(instance), plan)
    assert routes is not None
    assert [s.visit for s in routes.stops[("A", 0)]] == ["X08", "X10"]
    assert routes.serving["Y"] == {"B": 2}
    assert routes.update(plan).assignments == plan.assignments  # nothing changed: nothing re-timed
