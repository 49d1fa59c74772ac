"""Routes toward familiar carers (`continuity.familiar`): the router, with a price on a carer
the client rarely meets, buys continuity with travel, and only within the travel budget."""

from __future__ import annotations

import pytest

from hemplan.models.evaluator import evaluate
from hemplan.solver.assemble import to_schedule
from hemplan.solver.continuity import familiar
from hemplan.solver.continuity.familiar import (
    Routing,
    familiar_routes,
    familiarity_price,
    priced_pass,
)
from hemplan.solver.problem import Problem
from hemplan.solver.score import Weights, client_carers, solution_travel
from hemplan.solver.solution import Placement, Solution
from tests.small_instances import shift, small, visit

EIGHT = 8 * 60
FAR = {"lat": 62.390, "lon": 17.325}  # about 1.3 km east of the office: far on foot
NEAR = {"lat": 62.3905, "lon": 17.300}  # next to the office


def _walker_and_driver() -> tuple[Problem, Solution]:
    """Client X lives far from the office, Y next to it; one visit each at 08:00 sharp on
    days 0-2, X's with medication. A walks, B and C drive; A and B give medication. On days 0
    and 1 A and C work: A must serve X, C serves Y. On day 2 A and B work: the plan sends B to
    X and A to Y (the least travel: B drives), four (client, carer) pairs; A to X and B to Y
    would make three, A walking to X."""
    days = range(3)
    instance = small(
        [
            {
                "id": "A",
                "travel_mode": "walk",
                "skills": ["medication"],
                "shifts": [shift(d) for d in days],
            },
            {"id": "B", "travel_mode": "car", "skills": ["medication"], "shifts": [shift(2)]},
            {"id": "C", "travel_mode": "car", "shifts": [shift(0), shift(1)]},
        ],
        [{"id": "X", "location": FAR}, {"id": "Y", "location": NEAR}],
        [visit(f"X{d}", "X", d, "08:00", "08:00", skills=["medication"]) for d in days]
        + [visit(f"Y{d}", "Y", d, "08:00", "08:00") for d in days],
        days=3,
    )
    problem = Problem.build(instance)
    carers = {"X0": "A", "X1": "A", "Y0": "C", "Y1": "C", "X2": "B", "Y2": "A"}
    plan = Solution(assignments={v: Placement(int(v[1]), EIGHT, (c,)) for v, c in carers.items()})
    assert evaluate(instance, to_schedule(problem, plan)).violations == []
    return problem, plan


def _pairs(problem: Problem, plan: Solution) -> int:
    return sum(len(c) for c in client_carers(problem, plan).values())


def test_the_price_is_nothing_for_the_usual_carer_and_all_for_a_stranger() -> None:
    problem, plan = _walker_and_driver()
    cost = familiarity_price(problem, plan, 40)
    assert cost("A", "X2") == 0  # A serves X twice: X's usual carer
    assert cost("B", "X2") == 20  # B once, half as often
    assert cost("B", "Y2") == 40  # B never serves Y
    assert cost("A", "Y2") == 20
    # routing day 2, its own visits do not count: A is a stranger to Y on the other days
    assert familiarity_price(problem, plan, 40, day=2)("A", "Y2") == 40


def test_a_priced_pass_pays_travel_for_the_usual_carer_only_at_a_high_enough_price() -> None:
    """On day 2, A walking to X costs more travel than B driving there; at no price the
    router keeps the travel-short day, at a high one it sends each client's usual carer."""
    problem, plan = _walker_and_driver()
    cheap = priced_pass(problem, plan, 0, 10.0, 200, 0)
    assert _pairs(problem, cheap) == 4
    dear = priced_pass(problem, plan, 200, 10.0, 200, 0)
    assert evaluate(problem.instance, to_schedule(problem, dear)).violations == []
    assert _pairs(problem, dear) == 3
    assert dear.assignments["X2"].carers == ("A",)
    assert solution_travel(problem, dear) > solution_travel(problem, plan)


def test_the_ladder_buys_continuity_within_the_budget_and_not_beyond() -> None:
    problem, plan = _walker_and_driver()
    travel = solution_travel(problem, plan)
    tight = problem.with_travel_budget(travel)
    kept, _ = familiar_routes(tight, plan, Weights(), Routing(20.0, 200), 0)
    assert solution_travel(tight, kept) <= travel and _pairs(tight, kept) == 4
    loose = problem.with_travel_budget(3 * travel)
    routed, _ = familiar_routes(loose, plan, Weights(), Routing(20.0, 200), 0)
    assert evaluate(problem.instance, to_schedule(problem, routed)).violations == []
    assert _pairs(loose, routed) == 3
    assert solution_travel(loose, routed) <= 3 * travel


def test_a_price_is_tried_again_only_after_it_found_a_better_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Prices 5, 10 and 20 keep B at X (A's walk costs more), so each is tried once; 40 sends
    A, a better plan, so 40 is tried twice; the ladder then climbs to its top price once each
    (at most MOST_PASSES passes: before, twelve)."""
    problem, plan = _walker_and_driver()
    loose = problem.with_travel_budget(3 * solution_travel(problem, plan))
    prices: list[int] = []

    def recorded(problem: Problem, plan: Solution, price: int, *args: object) -> Solution:
        prices.append(price)
        return priced_pass(problem, plan, price, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(familiar, "priced_pass", recorded)
    routed, _ = familiar_routes(loose, plan, Weights(), Routing(20.0, 200), 0)
    assert prices == [5, 10, 20, 40, 40, 80, 160]
    assert _pairs(loose, routed) == 3


def test_a_stop_request_ends_the_ladder_with_the_plan_so_far() -> None:
    problem, plan = _walker_and_driver()
    loose = problem.with_travel_budget(3 * solution_travel(problem, plan))
    kept, _ = familiar_routes(
        loose, plan, Weights(), Routing(20.0, 200, should_stop=lambda: True), 0
    )
    assert kept == plan
