"""Routing steps of the search: once every client is at its bound, half the steps free visits
related in place and time, or routes near each other, and let their carers trade them; and
the kick (`perturb.kicked`) that takes such visits out of a stuck plan and puts them back."""

from __future__ import annotations

import random
import time

from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator import evaluate
from hemplan.solver.assemble import to_schedule
from hemplan.solver.continuity import neighbourhoods as hoods_module
from hemplan.solver.continuity.neighbourhoods import Neighbourhoods, routing_carers
from hemplan.solver.continuity.perturb import kicked
from hemplan.solver.continuity.search import Budget, SearchSettings, all_at_bound, improve
from hemplan.solver.problem import Problem
from hemplan.solver.score import Weights, score
from hemplan.solver.solution import Placement, Solution
from tests.small_instances import OFFICE, shift, small, visit

WEST = [f"W{i}" for i in range(4)]
EAST = [f"E{i}" for i in range(4)]


def two_quarters() -> Instance:
    """Four carers on one day; four clients beside the office (west) and four 10 km east
    of it (half an hour's drive), each with one half-hour visit in the morning."""
    staff = [{"id": c, "shifts": [shift(0)], "travel_mode": "car"} for c in "ABCD"]
    clients = [
        {"id": c, "location": {"lat": OFFICE["lat"] + 0.001 * i, "lon": OFFICE["lon"]}}
        for i, c in enumerate(WEST)
    ] + [
        {"id": c, "location": {"lat": OFFICE["lat"] + 0.001 * i, "lon": OFFICE["lon"] + 0.2}}
        for i, c in enumerate(EAST)
    ]
    visits = [
        visit(f"v{c}", c, 0, earliest="08:00", latest="11:00", duration=30) for c in WEST + EAST
    ]
    return small(staff, clients, visits, days=1)


def _plan(routes: dict[str, list[str]]) -> Solution:
    """Each carer's clients in order, an hour apart from 08:00."""
    return Solution(
        assignments={
            f"v{client}": Placement(0, 480 + 60 * k, (carer,))
            for carer, clients in routes.items()
            for k, client in enumerate(clients)
        }
    )


# every carer crosses town between its two pairs of clients
CROSSED = {"A": ["W0", "E0"], "B": ["E1", "W1"], "C": ["W2", "E2"], "D": ["E3", "W3"]}
# every carer stays on one side
SIDES = {"A": ["W0", "W1"], "B": ["W2", "W3"], "C": ["E0", "E1"], "D": ["E2", "E3"]}


def test_related_visits_are_the_seed_visits_neighbours_in_place_and_time() -> None:
    problem = Problem.build(two_quarters())
    hoods = Neighbourhoods(problem, random.Random(0))
    plan = _plan(SIDES)
    for _ in range(20):
        freed = hoods._related_visits(plan, 2)
        # the seed and the visit on its side at its start: the other side is half an hour's
        # drive away, the other visits an hour apart
        assert len({plan.assignments[v].start for v in freed}) == 1
        assert len({problem.visit(v).client[0] for v in freed}) == 1


def test_near_routes_frees_whole_routes_of_the_same_side() -> None:
    problem = Problem.build(two_quarters())
    hoods = Neighbourhoods(problem, random.Random(0))
    for _ in range(20):
        freed = hoods._near_routes(_plan(SIDES), 3)
        # a route of two visits and the nearest other route: the other one on its side
        assert freed in ({f"v{c}" for c in WEST}, {f"v{c}" for c in EAST})


def test_freed_visits_may_go_to_the_carers_whose_routes_were_freed() -> None:
    problem = Problem.build(two_quarters())
    plan = _plan(SIDES)
    plan.assignments.pop("vW3")
    plan.unassigned["vW3"] = "left out"
    allowed = routing_carers(problem, plan, {"vW0", "vE0", "vW3"})
    # W0's client meets A; E0's route (C) lost a visit too: either may take either visit
    assert allowed["vW0"] == ["A", "C"] and allowed["vE0"] == ["A", "C"]
    # an unserved visit may go to any eligible carer
    assert allowed["vW3"] == list("ABCD")


def test_routing_steps_are_drawn_only_at_the_bound(monkeypatch) -> None:
    drawn: list[bool] = []
    original = Neighbourhoods.routing

    def counting(self: Neighbourhoods, plan: Solution, size: int) -> set[str]:
        drawn.append(all_at_bound(self.problem, plan))
        return original(self, plan, size)

    monkeypatch.setattr(hoods_module.Neighbourhoods, "routing", counting)
    problem = Problem.build(two_quarters())
    budget = Budget(work=1.0, deadline=time.monotonic() + 60)
    settings = SearchSettings(polish_at_bound=10)
    # one client's visit left out: not at the bound until it is served
    plan = _plan(CROSSED)
    plan.assignments.pop("vW0")
    plan.unassigned["vW0"] = "left out"
    assert not all_at_bound(problem, plan)
    improved, _ = improve(problem, plan, budget, 0, settings)
    assert drawn and all(drawn)  # some routing steps, each from a plan at its bound
    assert not improved.unassigned


def test_a_crossed_town_plan_at_its_bound_is_routed_one_side_per_carer() -> None:
    instance = two_quarters()
    problem = Problem.build(instance)
    plan = _plan(CROSSED)
    assert all_at_bound(problem, plan)
    weights = Weights(workload=0)
    budget = Budget(work=2.0, deadline=time.monotonic() + 60)
    improved, _ = improve(problem, plan, budget, 0, SearchSettings(weights=weights))
    assert score(problem, improved, weights).travel < score(problem, plan, weights).travel
    for route in improved.routes().values():
        sides = {problem.visit(v).client[0] for v in route}
        assert len(sides) == 1  # no carer crosses town
    assert evaluate(instance, to_schedule(problem, improved)).feasible


def test_a_kick_puts_the_visits_it_takes_out_back_and_keeps_the_plan_lawful() -> None:
    instance = two_quarters()
    problem = Problem.build(instance)
    plan = _plan(SIDES)
    for seed in range(5):
        kicked_plan = kicked(problem, plan, seed)
        # four carers with room all morning: every visit taken out finds a place again
        assert set(kicked_plan.assignments) == set(plan.assignments)
        assert not kicked_plan.unassigned
        assert evaluate(instance, to_schedule(problem, kicked_plan)).feasible


def test_a_kick_leaves_visits_locked_to_a_carer_with_that_carer() -> None:
    instance = two_quarters()
    locked = instance.model_copy(
        update={
            "visits": [
                v.model_copy(update={"locked_carers": ["C"]}) if v.client == "E0" else v
                for v in instance.visits
            ]
        }
    )
    problem = Problem.build(locked)
    plan = _plan(SIDES)
    for seed in range(10):
        assert kicked(problem, plan, seed).assignments["vE0"].carers == ("C",)
