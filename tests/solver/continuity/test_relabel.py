"""Whole routes handed to other carers (`continuity.relabel`): the same visits in the same
order, fewer (client, carer) pairs, never more travel; a route goes only to a carer who could
drive it as it is, and a visit's locked carers keep it."""

from __future__ import annotations

import time
from typing import Any

from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance
from hemplan.solver.assemble import to_schedule
from hemplan.solver.continuity.carer_days import CarerDays
from hemplan.solver.continuity.familiar import Routing
from hemplan.solver.continuity.relabel import (
    Assignment,
    _by_days,
    handovers,
    relabelled,
    routes_of,
)
from hemplan.solver.continuity.travel_budget import Budgeted, budgeted_start, reference_plan
from hemplan.solver.method import SolveOptions
from hemplan.solver.problem import Problem
from hemplan.solver.score import Weights, client_carers, solution_travel
from hemplan.solver.solution import Placement, Solution
from tests.paths import INSTANCES
from tests.small_instances import shift, small, visit

EIGHT = 8 * 60
BOTH_DAYS = [shift(0), shift(1)]


def _crosswise(
    carers: list[dict[str, Any]], extra: dict[str, dict[str, Any]] | None = None
) -> tuple[Problem, Solution]:
    """Clients X and Y, one visit each at 08:00 on days 0 and 1 (`extra`: more fields by
    visit id); A serves X and B serves Y on day 0, the other way round on day 1: four (client,
    carer) pairs where two would do."""
    extra = extra or {}
    instance = small(
        carers,
        [{"id": "X"}, {"id": "Y"}],
        [
            visit(v, v[0], int(v[1]), "08:00", "08:00", **extra.get(v, {}))
            for v in ("X0", "X1", "Y0", "Y1")
        ],
        days=2,
        skills=["medication"],
    )
    problem = Problem.build(instance)
    plan = Solution(
        assignments={
            "X0": Placement(0, EIGHT, ("A",)),
            "Y0": Placement(0, EIGHT, ("B",)),
            "X1": Placement(1, EIGHT, ("B",)),
            "Y1": Placement(1, EIGHT, ("A",)),
        }
    )
    assert evaluate(instance, to_schedule(problem, plan)).violations == []
    return problem, plan


def _relabelled(problem: Problem, plan: Solution) -> Solution:
    """The plan handed over, verified by the evaluator: the same visits, a double-staffed
    visit at its start, no more travel."""
    new = relabelled(problem, plan)
    assert evaluate(problem.instance, to_schedule(problem, new)).violations == []
    assert set(new.assignments) == set(plan.assignments)
    for v, p in plan.assignments.items():
        if len(p.carers) > 1:
            assert new.assignments[v].start == p.start and new.assignments[v].day == p.day
    assert solution_travel(problem, new) <= solution_travel(problem, plan)
    return new


def _pairs(problem: Problem, plan: Solution) -> int:
    return sum(len(c) for c in client_carers(problem, plan).values())


def _carers(plan: Solution, *visits: str) -> set[str]:
    return {c for v in visits for c in plan.assignments[v].carers}


def test_routes_handed_out_crosswise_are_handed_over_so_each_client_meets_one_carer() -> None:
    problem, plan = _crosswise([{"id": c, "shifts": BOTH_DAYS} for c in "AB"])
    new = _relabelled(problem, plan)
    assert _pairs(problem, plan) == 4 and _pairs(problem, new) == 2
    assert len(_carers(new, "X0", "X1")) == 1 and len(_carers(new, "Y0", "Y1")) == 1


def test_a_carer_without_a_visits_skill_never_takes_its_route() -> None:
    """X needs medication, which A and B hold and C does not: X's routes go to A or B."""
    medication = {"skills": ["medication"]}
    problem, plan = _crosswise(
        [
            {"id": "A", "skills": ["medication"], "shifts": BOTH_DAYS},
            {"id": "B", "skills": ["medication"], "shifts": BOTH_DAYS},
            {"id": "C", "shifts": BOTH_DAYS},
        ],
        {"X0": medication, "X1": medication},
    )
    new = _relabelled(problem, plan)
    assert _pairs(problem, new) == 2
    assert "C" not in _carers(new, "X0", "X1")


def test_a_carer_off_shift_at_a_routes_visits_never_takes_it() -> None:
    """C's day 1 starts at 08:30, after the visits' start: C takes no route on day 1."""
    problem, plan = _crosswise(
        [
            {"id": "A", "shifts": BOTH_DAYS},
            {"id": "B", "shifts": BOTH_DAYS},
            {"id": "C", "shifts": [shift(0), shift(1, "08:30", "16:00")]},
        ]
    )
    new = _relabelled(problem, plan)
    assert _pairs(problem, new) == 2
    assert "C" not in _carers(new, "X1", "Y1")


def test_a_visit_with_locked_carers_keeps_its_route_with_them() -> None:
    """X0 is locked to A: its route stays, X1 follows it to A and Y goes to B on both days."""
    problem, plan = _crosswise(
        [{"id": c, "shifts": BOTH_DAYS} for c in "AB"], {"X0": {"locked_carers": ["A"]}}
    )
    days = CarerDays.from_solution(problem, plan)
    assert days is not None
    drivers = {
        tuple(route.visits): [h.carer for h in handovers(problem, route, days)]
        for route in routes_of(days)
    }
    assert drivers == {
        ("X0",): ["A"],
        ("Y0",): ["B", "A"],
        ("X1",): ["B", "A"],
        ("Y1",): ["A", "B"],
    }
    new = _relabelled(problem, plan)
    assert _pairs(problem, new) == 2
    assert _carers(new, "X0", "X1") == {"A"} and _carers(new, "Y0", "Y1") == {"B"}


def test_a_budgeted_search_starts_from_the_travel_only_plan_handed_over() -> None:
    """When the construction is no better (here it serves nothing), the search starts from
    the travel-only plan with its routes handed over: two pairs, its travel."""
    problem, plan = _crosswise([{"id": c, "shifts": BOTH_DAYS} for c in "AB"])
    nothing = Solution(unassigned={v: "test" for v in plan.assignments})
    travel = solution_travel(problem, plan)
    budgeted, start = budgeted_start(
        problem, nothing, Budgeted(plan, travel), Weights(), Routing(60.0, 1)
    )
    assert budgeted.travel_budget == travel
    assert _pairs(budgeted, start) == 2 and solution_travel(budgeted, start) == travel
    assert evaluate(problem.instance, to_schedule(problem, start)).violations == []


def test_what_no_single_day_can_mend_the_assignment_over_all_days_does() -> None:
    """Over four days A serves X on days 0-1 and Y on days 2-3, B the other way round: handing
    one day over changes nothing (each client still meets both carers), so the day-by-day
    passes stop at four pairs; the assignment over all days hands two days over at once."""
    four = [shift(d) for d in range(4)]
    instance = small(
        [{"id": c, "shifts": four} for c in "AB"],
        [{"id": "X"}, {"id": "Y"}],
        [visit(f"{c}{d}", c, d, "08:00", "08:00") for c in "XY" for d in range(4)],
        days=4,
    )
    problem = Problem.build(instance)
    first = {"X": "A", "Y": "B"}
    plan = Solution(
        assignments={
            f"{c}{d}": Placement(d, EIGHT, (first[c] if d < 2 else first["XY".replace(c, "")],))
            for c in "XY"
            for d in range(4)
        }
    )
    assert (
        evaluate(instance, to_schedule(problem, plan)).violations == []
        and _pairs(problem, plan) == 4
    )
    days = CarerDays.from_solution(problem, plan)
    assert days is not None
    routes = routes_of(days)
    assignment = Assignment(
        problem, routes, [handovers(problem, r, days) for r in routes], Weights()
    )
    own = [0] * len(routes)
    assert _by_days(assignment, own) == own  # stuck: no one day gains
    assert _pairs(problem, _relabelled(problem, plan)) == 2
    assert relabelled(problem, plan, work=0.0) is plan  # work 0: the day-by-day stage alone


def test_team_14d_travel_only_plan_handed_over_keeps_every_rule_and_meets_fewer_carers() -> None:
    """A real team (double-staffed visits, breaks, skills, two shifts a day): its teams-travel
    plan handed over passes the evaluator with its double-staffed starts kept, no more travel
    and fewer pairs."""
    instance = load_instance(INSTANCES / "team-14d.json")
    options = SolveOptions(time_limit=60, workers=1, seed=0, work_limit=0.2)
    plan = reference_plan(instance, options, time.monotonic())
    problem = Problem.build(instance)
    new = _relabelled(problem, plan)
    assert _pairs(problem, new) < _pairs(problem, plan)
    assert set(new.unassigned) == set(plan.unassigned)
