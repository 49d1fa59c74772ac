"""The Solomon benchmark's pieces: the router serves what fits at its true penalty, the
exact-time check catches what rounded distances hide, and an easy instance comes out feasible."""

from __future__ import annotations

import pytest

from hemplan.benchmarks.solomon import SET, late_customers, route_instance
from hemplan.solver.baselines.router import solve_routing
from hemplan.solver.baselines.routing_problem import Node, RoutingProblem, Vehicle
from tests.paths import PUBLIC

PENALTY = 10_000
FOLDER = PUBLIC / SET  # outside the repository


def _line_problem() -> RoutingProblem:
    """Places 0 (depot) .. 4 on a line 10 apart; node 3 opens too late to get back before the depot
    closes."""
    matrix = [[10 * abs(a - b) for b in range(5)] for a in range(5)]
    windows = [(0, 100), (0, 100), (0, 100), (190, 195)]
    nodes = [
        Node(place=k + 1, earliest=e, latest=late, service=5, vehicles=(0, 1), penalty=PENALTY)
        for k, (e, late) in enumerate(windows)
    ]
    fleet = [Vehicle(matrix=0, depot=0, start=0, end=200) for _ in range(2)]
    return RoutingProblem([matrix], nodes, fleet, horizon=200)


def test_the_router_serves_what_fits_and_costs_travel_plus_the_penalty_of_what_it_leaves_out() -> (
    None
):
    problem = _line_problem()
    solution = solve_routing(problem, 1.5)
    assert solution is not None
    assert solution.dropped == [3]
    matrix = problem.matrices[0]
    travel = sum(
        sum(matrix[a][b] for a, b in zip([0, *r], [*r, 0]))
        for r in ([problem.nodes[k].place for k in route] for route in solution.routes)
        if r
    )
    assert solution.cost == travel + PENALTY
    for k, start in solution.starts.items():
        assert problem.nodes[k].earliest <= start <= problem.nodes[k].latest


def test_late_customers_uses_exact_time_capacity_and_depot_closing() -> None:
    dist = [[0.0, 10.004, 20.0], [10.004, 0.0, 10.004], [20.0, 10.004, 0.0]]
    windows = [(0, 100), (0, 11), (0, 20)]
    # x100 and rounded, 1000 + 1000 reaches place 2 at 20.00, on time; exactly it is 20.008
    assert late_customers([[1, 2]], dist, 0, windows, [0, 1, 1], 2) == 1
    assert late_customers([[2, 1]], dist, 0, windows, [0, 1, 1], 2) == 1  # place 1 at 30.004
    assert late_customers([[1], [2]], dist, 0, windows, [0, 1, 1], 2) == 0
    assert (
        late_customers([[1, 2]], dist, 0, windows, [0, 2, 1], 2) == 3
    )  # over capacity: its route too
    assert (
        late_customers([[1]], dist, 95, windows, [0, 1, 1], 2) == 1
    )  # back after the depot closes


@pytest.mark.skipif(not FOLDER.is_dir(), reason=f"Solomon instances not present in {FOLDER}")
def test_c201_is_routed_feasibly_with_its_fleet() -> None:
    """1000 iterations (about a second), not the clock, end the search."""
    distance, dropped, late, _wall = route_instance(FOLDER / "C201.100.3.vrptw", 120.0, 1000)
    assert (dropped, late) == (0, 0)
    assert distance >= 591.55  # the optimum; a shorter "distance" would mean a broken route
