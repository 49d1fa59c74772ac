"""Tidying a searched plan: left-over visits served, rare carers released by swaps between
clients."""

from __future__ import annotations

from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator import evaluate
from hemplan.solver.assemble import to_schedule
from hemplan.solver.continuity.carer_days import CarerDays
from hemplan.solver.continuity.repack import NodeBudget
from hemplan.solver.continuity.tidy import tidy
from hemplan.solver.problem import Problem
from hemplan.solver.score import client_carers
from hemplan.solver.solution import Placement, Solution
from tests.small_instances import shift, small, visit


def crossed(carers: str = "AB", clients: str = "XY") -> Instance:
    """Carers on one day; every client has a visit at 08:00 and one at 10:00, an hour each."""
    staff = [{"id": c, "shifts": [shift(0)]} for c in carers]
    visits = [
        visit(f"{c}{h}", c, 0, earliest=f"{h}:00", latest=f"{h}:00", duration=60)
        for c in clients
        for h in ("08", "10")
    ]
    return small(staff, [{"id": c} for c in clients], visits, days=1)


def _plan(who: dict[str, str]) -> Solution:
    return Solution(
        assignments={
            v: Placement(0, 480 if v.endswith("08") else 600, (c,)) for v, c in who.items()
        }
    )


def _release(instance: Instance, plan: Solution) -> Solution | None:
    ranks = {i: 0.0 for i in [*instance.staff_by_id, *instance.client_by_id]}
    return tidy(Problem.build(instance), plan, ranks, NodeBudget(1000))


def _pairs(instance: Instance, plan: Solution) -> int:
    return sum(len(carers) for carers in client_carers(Problem.build(instance), plan).values())


def test_crossed_carers_are_untangled_by_a_swap() -> None:
    # A has X at 08 and Y at 10, B the other way round: no carer can take a visit directly
    instance = crossed()
    plan = _plan({"X08": "A", "Y10": "A", "Y08": "B", "X10": "B"})
    released = _release(instance, plan)
    assert released is not None
    assert _pairs(instance, plan) == 4 and _pairs(instance, released) == 2
    assert not released.unassigned and len(released.assignments) == 4
    assert evaluate(instance, to_schedule(Problem.build(instance), released)).feasible


def test_a_chain_of_three_clients_is_untangled_by_moving_two_visits(monkeypatch) -> None:
    # each client meets two of the three carers, and every one-swap lands on a busy carer
    instance = crossed("ABC", "XYZ")
    plan = _plan({"X08": "A", "Y10": "A", "Z08": "B", "X10": "B", "Y08": "C", "Z10": "C"})
    released = _release(instance, plan)
    assert released is not None
    assert _pairs(instance, plan) == 6 and _pairs(instance, released) == 3
    assert evaluate(instance, to_schedule(Problem.build(instance), released)).feasible
    monkeypatch.setattr("hemplan.solver.continuity.polish.DEPTH", 1)
    monkeypatch.setattr(
        "hemplan.solver.continuity.polish.MERGE_AMONG", 1
    )  # a merge of X's two carers into C also untangles it
    assert _release(instance, plan) is None


def test_a_left_over_visit_that_fits_is_served_by_a_carer_the_client_meets() -> None:
    instance = crossed()
    plan = _plan({"X08": "A", "Y08": "B", "Y10": "B"})
    plan.unassigned = {"X10": "capacity: no route of an eligible carer has room for it"}
    tidied = _release(instance, plan)
    assert tidied is not None and not tidied.unassigned
    assert tidied.assignments["X10"].carers == ("A",)
    assert evaluate(instance, to_schedule(Problem.build(instance), tidied)).feasible


def test_a_plan_at_one_carer_per_client_is_left_alone() -> None:
    instance = crossed()
    plan = _plan({"X08": "A", "X10": "A", "Y08": "B", "Y10": "B"})
    assert _release(instance, plan) is None


def test_routes_rebuilt_from_a_plan_keep_its_order_and_untouched_times() -> None:
    instance = crossed()
    plan = _plan({"X08": "A", "X10": "A", "Y08": "B", "Y10": "B"})
    routes = CarerDays.from_solution(Problem.build(instance), plan)
    assert routes is not None
    assert [s.visit for s in routes.stops[("A", 0)]] == ["X08", "X10"]
    assert routes.serving["Y"] == {"B": 2}
    assert (
        routes.update(plan, {}).assignments == plan.assignments
    )  # nothing changed: nothing re-timed
    assert routes.movable_between("A", 0, 570, 700) == ["X10"]
    assert (
        routes.movable_between("A", 1, 0, 1440) == []
    )  # no shift that day: nothing to move, no error


def test_two_rare_carers_are_merged_into_one_the_client_does_not_meet_yet(monkeypatch) -> None:
    # X is visited on days 0-3: A works days 0-1, B day 2, C day 3 and D days 2-3. B and C
    # cannot be released one at a time (nobody X meets works their day); D takes both days.
    staff = [
        {"id": "A", "shifts": [shift(0), shift(1)]},
        {"id": "B", "shifts": [shift(2)]},
        {"id": "C", "shifts": [shift(3)]},
        {"id": "D", "shifts": [shift(2), shift(3)]},
    ]
    instance = small(staff, [{"id": "X"}], [visit(f"X{d}", "X", d) for d in range(4)], days=4)
    plan = Solution(assignments={f"X{d}": Placement(d, 480, (c,)) for d, c in enumerate("AABC")})
    merged = _release(instance, plan)
    assert merged is not None
    assert client_carers(Problem.build(instance), merged)["X"] == {"A", "D"}
    assert evaluate(instance, to_schedule(Problem.build(instance), merged)).feasible
    monkeypatch.setattr(
        "hemplan.solver.continuity.polish.MERGE_AMONG", 1
    )  # no pair to merge: nothing to gain
    assert _release(instance, plan) is None


def _tidy_left_over(instance: Instance, plan: Solution, left_over: str) -> Solution | None:
    plan.unassigned = {left_over: "capacity: no route of an eligible carer has room for it"}
    return _release(instance, plan)


def test_a_long_visit_is_served_by_moving_two_visits_off_the_one_route_it_can_use(
    monkeypatch,
) -> None:
    # only A may give X's two-hour medication visit at 08:00; Y's visits at 08:00 and 09:30
    # on A's route are each in its way, and B can take both
    staff = [
        {"id": "A", "skills": ["medication"], "shifts": [shift(0)]},
        {"id": "B", "shifts": [shift(0)]},
    ]
    visits = [
        visit("L", "X", 0, "08:00", "08:00", 120, skills=["medication"]),
        visit("P", "Y", 0, "08:00", "08:00", 60),
        visit("Q", "Y", 0, "09:30", "09:30", 30),
    ]
    instance = small(staff, [{"id": "X"}, {"id": "Y"}], visits, days=1)
    plan = Solution(assignments={"P": Placement(0, 480, ("A",)), "Q": Placement(0, 570, ("A",))})
    tidied = _tidy_left_over(instance, plan, "L")
    assert tidied is not None and not tidied.unassigned
    assert tidied.assignments["L"].carers == ("A",)
    assert {tidied.assignments[v].carers for v in "PQ"} == {("B",)}
    assert evaluate(instance, to_schedule(Problem.build(instance), tidied)).feasible
    monkeypatch.setattr(
        "hemplan.solver.continuity.repair.TOGETHER", (1,)
    )  # one visit out of the way is not enough
    monkeypatch.setattr(
        "hemplan.solver.continuity.repack.BANDS", ()
    )  # (and re-packing the morning is not tried)
    stuck = _tidy_left_over(instance, plan, "L")
    assert stuck is None or "L" in stuck.unassigned


def test_a_double_staffed_visit_is_served_by_moving_one_visit_to_another_carer() -> None:
    # X needs two carers at 08:00; only A is free then. B's shift ends too soon to do Y's
    # visit after X's, but A or C can do it later.
    staff = [
        {"id": "A", "shifts": [shift(0)]},
        {"id": "B", "shifts": [shift(0, "07:00", "09:15")]},
        {"id": "C", "shifts": [shift(0)]},
    ]
    visits = [
        visit("D", "X", 0, "08:00", "08:00", 60, staff_needed=2),
        visit("P", "Y", 0, "08:00", "10:00", 60),
        visit("Q", "Z", 0, "08:00", "08:00", 60),
    ]
    instance = small(staff, [{"id": c} for c in "XYZ"], visits, days=1)
    plan = Solution(assignments={"P": Placement(0, 480, ("B",)), "Q": Placement(0, 480, ("C",))})
    tidied = _tidy_left_over(instance, plan, "D")
    assert tidied is not None and not tidied.unassigned
    assert tidied.assignments["D"].carers == ("A", "B") and tidied.assignments["D"].start == 480
    assert tidied.assignments["P"].start >= 540 and tidied.assignments["P"].carers != ("B",)
    assert evaluate(instance, to_schedule(Problem.build(instance), tidied)).feasible
