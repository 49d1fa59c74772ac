"""The router (PyVRP) on routing problems small enough to solve by hand: which vehicles may serve
a node, pause nodes one per vehicle of their kind and taken where the vehicle is, pairs started
together on two vehicles. No start routes are given: what is found is the router's own."""

from __future__ import annotations

from hemplan.solver.baselines.router import solve_routing
from hemplan.solver.baselines.routing_problem import Node, RoutingProblem, Vehicle

LINE = [-30, -20, -15, -10, 0, 10, 15, 20]  # place k sits at LINE[k] on a line


def _matrix() -> list[list[int]]:
    return [[abs(a - b) for b in LINE] for a in LINE]


def _place(x: int) -> int:
    return LINE.index(x)


def _travel(problem: RoutingProblem, routes: list[list[int]]) -> int:
    matrix = problem.matrices[0]
    total = 0
    for v, route in enumerate(routes):
        if route:
            depot = problem.vehicles[v].depot
            places = [depot, *(problem.nodes[k].place for k in route), depot]
            total += sum(matrix[a][b] for a, b in zip(places, places[1:]))
    return total


def test_allowed_vehicles_are_kept_and_the_best_split_is_found() -> None:
    """Depots at -15 (vehicle 0) and +15 (vehicle 1); nodes at -20, -10, +10, +20; the node at
    -10 only vehicle 1 may serve. Best: vehicle 0 serves -20 (10), vehicle 1 the rest (60)."""
    everyone = (0, 1)
    nodes = [
        Node(_place(x), 0, 500, 5, (1,) if x == -10 else everyone, 1000) for x in (-20, -10, 10, 20)
    ]
    fleet = [Vehicle(0, _place(-15), 0, 600), Vehicle(0, _place(15), 0, 600)]
    problem = RoutingProblem([_matrix()], nodes, fleet)
    solution = solve_routing(problem, 5.0, iterations=300)
    assert solution is not None and solution.dropped == []
    assert [sorted(route) for route in solution.routes] == [[0], [1, 2, 3]]
    assert _travel(problem, solution.routes) == solution.cost == 70


def test_a_pair_is_started_together_by_two_vehicles() -> None:
    """Vehicle 0 must first serve a node at -30 at time 100 (30 long); the pair at +20 opens at
    60. Vehicle 1 could start it at 60 on its own, vehicle 0 reaches +20 at 180 at the
    earliest: both serve it, starting together at 180 or later."""
    nodes = [
        Node(_place(-30), 100, 100, 30, (0,), 10_000),
        Node(_place(20), 60, 400, 20, (0, 1), 10_000),
        Node(_place(20), 60, 400, 20, (0, 1), 10_000),
    ]
    fleet = [Vehicle(0, _place(0), 0, 600), Vehicle(0, _place(0), 0, 600)]
    problem = RoutingProblem([_matrix()], nodes, fleet, same_start=[(1, 2)])
    solution = solve_routing(problem, 5.0, iterations=300)
    assert solution is not None and solution.dropped == []
    vehicle_of = {k: v for v, route in enumerate(solution.routes) for k in route}
    assert vehicle_of[1] != vehicle_of[2]
    assert solution.starts[1] == solution.starts[2] >= 180


def test_a_pair_that_two_vehicles_cannot_start_together_is_left_out_whole() -> None:
    """One vehicle only: it cannot serve both nodes of a pair at one start."""
    nodes = [
        Node(_place(20), 60, 400, 20, (0,), 10_000),
        Node(_place(20), 60, 400, 20, (0,), 10_000),
    ]
    problem = RoutingProblem(
        [_matrix()], nodes, [Vehicle(0, _place(0), 0, 600)], same_start=[(0, 1)]
    )
    solution = solve_routing(problem, 5.0, iterations=300)
    assert solution is not None
    assert solution.dropped == [0, 1] and solution.routes == [[]]


def test_a_pause_is_taken_where_the_vehicle_is_and_once_per_vehicle_of_its_kind() -> None:
    """Two 60-long visits at +20 at 90 and 180 sharp, and a 30-long pause (kind "break") to
    start from 120 to 240, placed at the depot (0): at the depot it does not fit between the
    visits (20 there, 20 back), at +20 it does (150-180). Both visits are served, the pause
    inside its window, and the travel is out and back only. The second vehicle is of no kind:
    it takes no pause, and one pause node is all the first takes."""
    nodes = [
        Node(_place(20), 90, 90, 60, (0,), 10_000),
        Node(_place(20), 180, 180, 60, (0,), 10_000),
        Node(_place(0), 120, 240, 30, (0, 1), 10**8, kind="break"),
        Node(_place(0), 120, 240, 30, (0, 1), 10**8, kind="break"),
    ]
    fleet = [Vehicle(0, _place(0), 0, 600, ("break",)), Vehicle(0, _place(0), 0, 600)]
    problem = RoutingProblem([_matrix()], nodes, fleet)
    solution = solve_routing(problem, 5.0, iterations=300)
    assert solution is not None
    assert sorted(solution.routes[0]) in ([0, 1, 2], [0, 1, 3])
    assert solution.routes[1] == []
    pause = next(k for k in solution.routes[0] if k >= 2)
    assert 120 <= solution.starts[pause] <= 240
    assert solution.cost == 40 + 10**8  # out and back; one pause node is left


def test_a_surcharge_sends_a_node_to_the_vehicle_it_prices_least() -> None:
    """Two vehicles at one depot, one node at +10: travel is the same for both, so the price of
    serving it decides; it costs, but does not delay: the node starts when the travel says."""
    nodes = [Node(_place(10), 0, 500, 5, (0, 1), None)]
    fleet = [Vehicle(0, _place(0), 0, 600), Vehicle(0, _place(0), 0, 600)]
    for cheap, dear in ((0, 1), (1, 0)):
        surcharge = [[0], [0]]
        surcharge[dear] = [40]
        problem = RoutingProblem([_matrix()], nodes, fleet, surcharge=surcharge)
        solution = solve_routing(problem, 5.0, iterations=200)
        assert solution is not None and solution.dropped == []
        assert solution.routes[cheap] == [0] and solution.routes[dear] == []
        assert solution.starts[0] == 10 and solution.cost == 20


def test_a_surcharge_is_paid_when_travel_saves_more() -> None:
    """Vehicle 0 at -30, vehicle 1 at +20; a node at +15. Vehicle 1 travels 10 to serve it,
    vehicle 0 90: a surcharge of 50 on vehicle 1 still leaves it the cheaper (60 < 90), one of
    100 does not (110 > 90)."""
    nodes = [Node(_place(15), 0, 500, 5, (0, 1), None)]
    fleet = [Vehicle(0, _place(-30), 0, 600), Vehicle(0, _place(20), 0, 600)]
    for price, served_by in ((50, 1), (100, 0)):
        problem = RoutingProblem([_matrix()], nodes, fleet, surcharge=[[0], [price]])
        solution = solve_routing(problem, 5.0, iterations=200)
        assert solution is not None
        assert solution.routes[served_by] == [0]
