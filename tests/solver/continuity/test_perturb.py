"""The kick (`perturb.kicked`) that takes related visits out of a stuck plan and puts them
back: which visits it takes (related in place and time, or the routes near one route), and
that the plan stays lawful."""

from __future__ import annotations

import random

from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator import evaluate
from hemplan.solver.assemble import to_schedule
from hemplan.solver.continuity.neighbourhoods import Neighbourhoods
from hemplan.solver.continuity.perturb import kicked
from hemplan.solver.problem import Problem
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
