"""The final circles routed again (`continuity.reroute`) and starts moved toward their usual
time (`continuity.align`): shorter or equal travel, no client meeting a new carer, every visit
still served, the schedule lawful."""

from __future__ import annotations

from typing import Any

from pytest import MonkeyPatch

from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator import evaluate
from hemplan.solver.assemble import to_schedule
from hemplan.solver.baselines.by_day import DayOffer
from hemplan.solver.continuity import reroute
from hemplan.solver.continuity.align import aligned, usual_starts
from hemplan.solver.continuity.construct import REPACK_NODES
from hemplan.solver.continuity.repack import NodeBudget
from hemplan.solver.continuity.reroute import circle_offer, keeps_locks, shorter_routes
from hemplan.solver.continuity.tidy import tidy, tidy_ranks
from hemplan.solver.problem import Problem
from hemplan.solver.score import client_carers, score
from hemplan.solver.solution import Placement, Solution
from tests.small_instances import shift, small, visit

EAST = {"lat": 62.390, "lon": 17.420}  # about 6 km east of the office
WEST = {"lat": 62.390, "lon": 17.180}  # about 6 km west


def two_places(carers: str = "AB", y_prefers: str = "") -> Instance:
    """Client X in the east and Y in the west, each with a visit at 08:00-08:30 and one at
    10:00-10:30 on day 0 (30 minutes); carers work 07:00-16:00 by car; Y may prefer a carer."""
    staff = [{"id": c, "shifts": [shift(0)], "travel_mode": "car"} for c in carers]
    clients = [
        {"id": "X", "location": EAST},
        {"id": "Y", "location": WEST, "preferred_carers": list(y_prefers)},
    ]
    visits = [
        visit(f"{c}{h}", c, 0, f"{h}:00", f"{h}:30", 30) for c in ("X", "Y") for h in ("08", "10")
    ]
    return small(staff, clients, visits, days=1)


def _plan(who: dict[str, str]) -> Solution:
    return Solution(
        {v: Placement(0, 480 if v.endswith("08") else 600, (c,)) for v, c in who.items()}
    )


def _lawful(instance: Instance, plan: Solution) -> bool:
    return evaluate(instance, to_schedule(Problem.build(instance), plan)).feasible


def test_crossed_routes_inside_the_circles_are_routed_shorter() -> None:
    # A drives east then west, B west then east: both clients meet both carers
    instance = two_places()
    problem = Problem.build(instance)
    plan = _plan({"X08": "A", "Y10": "A", "Y08": "B", "X10": "B"})
    assert _lawful(instance, plan)
    routed = shorter_routes(problem, plan, seconds=30, iterations=200, seed=0)
    assert set(routed.assignments) == set(plan.assignments) and not routed.unassigned
    assert score(problem, routed).travel < score(problem, plan).travel
    before, after = client_carers(problem, plan), client_carers(problem, routed)
    assert all(after[c] <= before[c] for c in before)
    assert all(len(after[c]) == 1 for c in after)  # each client keeps one of its two carers
    assert _lawful(instance, routed)


def test_a_carer_outside_the_circle_is_never_offered_the_visit() -> None:
    # C is free all day, but X meets only A and Y only B: C gets nothing
    instance = two_places("ABC")
    problem = Problem.build(instance)
    plan = _plan({"X08": "A", "X10": "A", "Y08": "B", "Y10": "B"})
    offer = circle_offer(problem, plan, 0)
    assert {dv.visit.id: dv.carers for dv in offer.visits} == {
        "X08": ("A",),
        "X10": ("A",),
        "Y08": ("B",),
        "Y10": ("B",),
    }
    routed = shorter_routes(problem, plan, seconds=30, iterations=200, seed=0)
    assert all("C" not in p.carers for p in routed.assignments.values())
    assert client_carers(problem, routed) == client_carers(problem, plan)
    assert _lawful(instance, routed)


def test_a_preferred_carer_keeps_the_visits_the_plan_gives_them() -> None:
    # crossed as in the first test, but Y prefers B: Y's visits stay B's
    instance = two_places(y_prefers="B")
    problem = Problem.build(instance)
    plan = _plan({"X08": "A", "Y10": "B", "Y08": "B", "X10": "B"})
    offer = circle_offer(problem, plan, 0)
    assert {dv.visit.id: dv.carers for dv in offer.visits}["Y08"] == ("B",)
    routed = shorter_routes(problem, plan, seconds=30, iterations=200, seed=0)
    assert routed.assignments["Y08"].carers == routed.assignments["Y10"].carers == ("B",)
    assert score(problem, routed).not_preferred == score(problem, plan).not_preferred == 0


def recurring(blocked: bool) -> Instance:
    """Client X's visit X0/X1 (08:00-10:00, 30 min) on days 0 and 1 by carer A; on day 0
    client Y's visit at 08:00 sharp (60 min) comes first, so X0 starts after 09:00. On day 1,
    with `blocked`, client Z's visit at 08:35 sharp follows X1, which leaves it a few minutes
    (the leg to Z's home) to start later than 08:00."""
    staff = [{"id": "A", "shifts": [shift(0), shift(1)]}]
    visits = [
        visit("X0", "X", 0, "08:00", "10:00", 30),
        visit("X1", "X", 1, "08:00", "10:00", 30),
        visit("Y0", "Y", 0, "08:00", "08:00", 60),
    ]
    if blocked:
        visits.append(visit("Z1", "Z", 1, "08:35", "08:35", 30))
    return small(staff, [{"id": "X"}, {"id": "Y"}, {"id": "Z"}], visits, days=2)


def _recurring_plan(blocked: bool) -> Solution:
    plan = {
        "Y0": Placement(0, 480, ("A",)),
        "X0": Placement(0, 545, ("A",)),
        "X1": Placement(1, 480, ("A",)),
    }
    if blocked:
        plan["Z1"] = Placement(1, 515, ("A",))
    return Solution(plan)


def test_a_recurring_visit_moves_toward_its_usual_start_where_the_route_has_room() -> None:
    instance = recurring(blocked=False)
    problem = Problem.build(instance)
    plan = _recurring_plan(blocked=False)
    usual = usual_starts(problem, plan)["X1"]
    assert usual == 545  # the median (upper of two) of the plan's starts
    moved = aligned(problem, plan)
    assert moved.assignments["X1"].start == usual
    assert score(problem, moved).arrival_deviation < score(problem, plan).arrival_deviation
    assert score(problem, moved).travel == score(problem, plan).travel
    assert _lawful(instance, moved)


def test_a_recurring_visit_moves_only_as_far_as_the_next_visit_leaves_room() -> None:
    instance = recurring(blocked=True)
    problem = Problem.build(instance)
    plan = _recurring_plan(blocked=True)
    moved = aligned(problem, plan)
    leg = problem.minutes(
        problem.carer("A"), problem.home(problem.visit("X1")), problem.home(problem.visit("Z1"))
    )
    assert moved.assignments["Z1"].start == 515  # fixed at 08:35
    assert moved.assignments["X1"].start == 515 - leg - 30 < usual_starts(problem, plan)["X1"]
    assert _lawful(instance, moved)


def test_a_client_served_once_may_get_any_able_carer() -> None:
    # X (east) and Y (west) have one visit each, both by A on a bike; B drives and is idle:
    # neither client has a circle to keep, so B takes both and the travel minutes fall
    staff = [
        {"id": "A", "shifts": [shift(0)], "travel_mode": "bike"},
        {"id": "B", "shifts": [shift(0)], "travel_mode": "car"},
    ]
    clients = [{"id": "X", "location": EAST}, {"id": "Y", "location": WEST}]
    visits = [visit("X08", "X", 0, "08:00", "08:30"), visit("Y10", "Y", 0, "08:00", "11:00")]
    instance = small(staff, clients, visits, days=1)
    problem = Problem.build(instance)
    plan = Solution({"X08": Placement(0, 480, ("A",)), "Y10": Placement(0, 630, ("A",))})
    assert _lawful(instance, plan)
    offer = circle_offer(problem, plan, 0)
    assert all(set(dv.carers) == {"A", "B"} for dv in offer.visits)
    routed = shorter_routes(problem, plan, seconds=30, iterations=200, seed=0)
    assert {p.carers for p in routed.assignments.values()} == {("B",)}
    assert score(problem, routed).travel < score(problem, plan).travel
    assert _lawful(instance, routed)
    # with a second visit X has a circle ({A}): B may not take X's visits
    twice = small(staff, clients, [*visits, visit("X14", "X", 0, "14:00", "14:30")], days=1)
    plan.assignments["X14"] = Placement(0, 840, ("A",))
    offer = circle_offer(Problem.build(twice), plan, 0)
    assert {dv.visit.id: dv.carers for dv in offer.visits}["X08"] == ("A",)


def test_the_router_may_not_make_a_soft_window_visit_later_than_promised() -> None:
    # X08 may start until 08:30, up to 60 minutes late; the plan starts it on time at 08:00
    staff = [{"id": "A", "shifts": [shift(0)], "travel_mode": "car"}]
    visits = [visit("X08", "X", 0, "08:00", "08:30", lateness={"max": 60})]
    instance = small(staff, [{"id": "X", "location": EAST}], visits, days=1)
    problem = Problem.build(instance)
    plan = _plan({"X08": "A"})
    (offered,) = circle_offer(problem, plan, 0).visits
    assert offered.windows == ((480, 510),)  # not the 09:30 the lateness allows
    late = Solution({"X08": Placement(0, 525, ("A",))})  # a plan already 15 minutes late
    (offered,) = circle_offer(problem, late, 0).visits
    assert offered.windows == ((480, 525),)  # no later than it is


def test_a_visit_the_plan_left_out_is_served_where_the_routes_leave_room() -> None:
    # the plan serves only X08 and leaves the rest out although A is free at 10:00: the
    # router serves X10 (and whatever else fits), every visit still accounted for
    instance = two_places("A")
    problem = Problem.build(instance)
    plan = Solution(
        {"X08": Placement(0, 480, ("A",))},
        unassigned={v: "capacity" for v in ("X10", "Y08", "Y10")},
    )
    routed = shorter_routes(problem, plan, seconds=30, iterations=200, seed=0)
    assert {"X08", "X10"} <= set(routed.assignments)
    assert len(routed.unassigned) < len(plan.unassigned)
    assert set(routed.assignments) | set(routed.unassigned) == {"X08", "X10", "Y08", "Y10"}
    assert _lawful(instance, routed)


def test_a_day_that_loses_a_locked_visit_is_never_taken() -> None:
    # a routed day may leave one visit out for another (the score decides), never a locked one
    staff = [{"id": "A", "shifts": [shift(0)], "travel_mode": "car"}]
    visits = [
        visit("X08", "X", 0, "08:00", "08:30", locked_carers=["A"], locked_start="08:00"),
        visit("Y10", "Y", 0, "10:00", "10:30"),
    ]
    instance = small(staff, [{"id": "X", "location": EAST}, {"id": "Y"}], visits, days=1)
    problem = Problem.build(instance)
    start = Solution({"X08": Placement(0, 480, ("A",)), "Y10": Placement(0, 600, ("A",))})
    without_lock = Solution({"Y10": Placement(0, 600, ("A",))})
    without_other = Solution({"X08": Placement(0, 480, ("A",))})
    assert not keeps_locks(problem, start, without_lock)
    assert keeps_locks(problem, start, without_other)


def _crossed_and_a_rare_carer() -> tuple[Instance, Solution]:
    """Day 0 crossed as in the first test; on day 1 client Z (near the office) has a visit at
    09:00 by C and one at 13:00 by A, and A is free at 09:00: C is a rare carer the tidy pass
    releases."""
    staff = [{"id": c, "shifts": [shift(0), shift(1)], "travel_mode": "car"} for c in "ABC"]
    clients = [{"id": "X", "location": EAST}, {"id": "Y", "location": WEST}, {"id": "Z"}]
    visits = [
        visit(f"{c}{h}", c, 0, f"{h}:00", f"{h}:30", 30) for c in ("X", "Y") for h in ("08", "10")
    ] + [visit("Z09", "Z", 1, "09:00", "09:30", 30), visit("Z13", "Z", 1, "13:00", "13:30", 30)]
    plan = _plan({"X08": "A", "Y10": "A", "Y08": "B", "X10": "B"})
    plan.assignments["Z09"] = Placement(1, 540, ("C",))
    plan.assignments["Z13"] = Placement(1, 780, ("A",))
    return small(staff, clients, visits, days=2), plan


def test_new_routes_are_tidied_so_a_rare_carer_is_released(monkeypatch: MonkeyPatch) -> None:
    # day 1 is never routed here (its router returns nothing), so only the tidy pass after
    # the routing can take Z's visit from C to A
    instance, plan = _crossed_and_a_rare_carer()
    problem = Problem.build(instance)
    assert _lawful(instance, plan) and client_carers(problem, plan)["Z"] == {"A", "C"}
    real = reroute.route_from

    def day_zero_only(problem: Problem, offer: DayOffer, *args: Any, **kwargs: Any) -> Any:
        return real(problem, offer, *args, **kwargs) if offer.day == 0 else None

    monkeypatch.setattr(reroute, "route_from", day_zero_only)
    routed = shorter_routes(problem, plan, seconds=30, iterations=200, seed=0)
    assert client_carers(problem, routed)["Z"] == {"A"}
    assert set(routed.assignments) == set(plan.assignments) and not routed.unassigned
    assert _lawful(instance, routed)


def _a_release_that_costs_travel() -> tuple[Instance, Solution]:
    """A works in the west (W at 07:30 and 11:00) and visits Z in the east at 13:00 and 15:00;
    B works in the east until noon (E at 08:00 and 11:00) and does Z's 09:00 visit, so B is
    Z's rare carer, and releasing B sends A east and back between W's visits. E's 14:00 visit
    is left out although A is free and in the east then."""
    staff = [
        {"id": "A", "shifts": [shift(0)], "travel_mode": "car"},
        {"id": "B", "shifts": [shift(0, end="12:00")], "travel_mode": "car"},
    ]
    clients = [
        {"id": "W", "location": WEST},
        {"id": "E", "location": EAST},
        {"id": "Z", "location": {"lat": 62.392, "lon": 17.425}},
    ]
    visits = [
        visit("W07", "W", 0, "07:30", "07:30"),
        visit("W11", "W", 0, "11:00", "11:00"),
        visit("E08", "E", 0, "08:00", "08:00"),
        visit("E11", "E", 0, "11:00", "11:00"),
        visit("E14", "E", 0, "14:00", "14:00"),
        visit("Z09", "Z", 0, "09:00", "09:00"),
        visit("Z13", "Z", 0, "13:00", "13:00"),
        visit("Z15", "Z", 0, "15:00", "15:00"),
    ]
    at = {"W07": 450, "W11": 660, "E08": 480, "E11": 660, "Z09": 540, "Z13": 780, "Z15": 900}
    who = {"W07": "A", "W11": "A", "Z13": "A", "Z15": "A", "E08": "B", "E11": "B", "Z09": "B"}
    plan = Solution(
        {v: Placement(0, at[v], (who[v],)) for v in sorted(at)}, unassigned={"E14": "capacity"}
    )
    return small(staff, clients, visits, days=1), plan


def test_under_a_travel_budget_the_routed_plan_places_without_a_costly_release(
    monkeypatch: MonkeyPatch,
) -> None:
    # the router is kept out (it returns nothing), so only the tidy pass after the routing
    # acts: placing E14 alone stays within the budget, placing it and releasing B does not;
    # a single full pass would serve E14 over the budget (the score puts serving first)
    instance, plan = _a_release_that_costs_travel()
    assert _lawful(instance, plan)
    unbudgeted = Problem.build(instance)
    rank = tidy_ranks(unbudgeted, 0)
    placed = tidy(unbudgeted, plan, rank, NodeBudget(REPACK_NODES), release=False)
    full = tidy(unbudgeted, plan, rank, NodeBudget(REPACK_NODES))
    assert placed is not None and full is not None and not full.unassigned
    assert client_carers(unbudgeted, full)["Z"] == {"A"}  # the full pass releases B
    budget = score(unbudgeted, placed).travel
    assert score(unbudgeted, full).travel > budget
    problem = unbudgeted.with_travel_budget(budget)
    monkeypatch.setattr(reroute, "route_from", lambda *args, **kwargs: None)
    routed = shorter_routes(problem, plan, seconds=30, iterations=200, seed=0)
    assert not routed.unassigned
    assert score(problem, routed).over_budget == 0
    assert client_carers(problem, routed)["Z"] == {"A", "B"}
    assert _lawful(instance, routed)
