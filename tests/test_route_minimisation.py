"""The ejection search for fixed fleets: its time-warp stretches agree with walking the route,
it brings in a node that only fits once another moves, and whatever it returns is feasible
by a check of its own and keeps every node served that was served."""

from __future__ import annotations

import random
import time
from itertools import pairwise

import pytest

from solver.baselines.route_minimisation import _join, _Plan, applies, minimise_dropped
from solver.baselines.routing_problem import (
    Node,
    RoutingProblem,
    RoutingSolution,
    Vehicle,
)

PENALTY = 10_000


def _walk(problem: RoutingProblem, route: list[int]) -> tuple[int, int, list[int]]:
    """Time warp, load and starts of a route of vehicle 0, walked node by node: a late arrival
    is served at the window's end and counted as warp (Nagata and Bräysy's penalty)."""
    vehicle = problem.vehicles[0]
    travel = problem.matrices[vehicle.matrix]
    clock, here, service, warp, starts = vehicle.start, vehicle.depot, 0, 0, []
    for k in route:
        node = problem.nodes[k]
        clock = max(node.earliest, clock + service + travel[here][node.place])
        if clock > node.latest:
            warp += clock - node.latest
            clock = node.latest
        starts.append(clock)
        here, service = node.place, node.service
    back = clock + service + travel[here][vehicle.depot]
    warp += max(0, back - vehicle.end)
    return warp, sum(problem.nodes[k].demand for k in route), starts


def _random_problem(rng: random.Random, size: int, vehicles: int) -> RoutingProblem:
    """Places on a 50 x 50 grid, place 0 the depot, windows of 10-60 minutes in a 300-minute day."""
    points = [(rng.randint(0, 50), rng.randint(0, 50)) for _ in range(size + 1)]
    matrix = [[abs(a[0] - b[0]) + abs(a[1] - b[1]) for b in points] for a in points]
    nodes = []
    for k in range(1, size + 1):
        earliest = rng.randint(0, 240)
        nodes.append(Node(place=k, earliest=earliest, latest=earliest + rng.randint(10, 60), service=10,
                          vehicles=tuple(range(vehicles)), penalty=PENALTY, demand=rng.randint(1, 5)))
    fleet = [Vehicle(matrix=0, depot=0, start=0, end=300) for _ in range(vehicles)]
    return RoutingProblem([matrix], nodes, fleet, capacity=15, horizon=300)


def _assert_feasible(problem: RoutingProblem, solution: RoutingSolution) -> None:
    """Every route keeps its windows, the capacity and the depot's closing; starts and cost agree."""
    travel = problem.matrices[0]
    cost = 0
    for route in solution.routes:
        warp, load, starts = _walk(problem, route)
        assert warp == 0 and load <= (problem.capacity or load)
        assert [solution.starts[k] for k in route] == starts
        places = [0, *(problem.nodes[k].place for k in route), 0]
        cost += sum(travel[a][b] for a, b in pairwise(places)) if route else 0
    served = [k for route in solution.routes for k in route]
    assert sorted(served + solution.dropped) == list(range(len(problem.nodes)))
    assert solution.cost == cost + PENALTY * len(solution.dropped)


@pytest.mark.parametrize("seed", range(20))
def test_joined_stretches_agree_with_walking_the_route(seed: int) -> None:
    rng = random.Random(seed)
    problem = _random_problem(rng, 8, 1)
    travel = problem.matrices[0]
    route = rng.sample(range(8), rng.randint(1, 8))
    depot = (0, 0, 0, 300, 0, 0, 0)
    own = [(n.service, 0, n.earliest, n.latest, n.demand, n.place, n.place) for n in problem.nodes]
    left_to_right = depot
    for k in route:
        left_to_right = _join(left_to_right, own[k], travel)
    left_to_right = _join(left_to_right, depot, travel)
    cut = rng.randint(0, len(route))  # the same route joined from two halves
    head, tail = depot, depot
    for k in route[:cut]:
        head = _join(head, own[k], travel)
    for k in reversed(route[cut:]):
        tail = _join(own[k], tail, travel)
    halves = _join(head, tail, travel)
    warp, load, _ = _walk(problem, route)
    assert left_to_right[1] == halves[1] == warp
    assert left_to_right[4] == halves[4] == load



@pytest.mark.parametrize("capacity", [None, 6, 15])
@pytest.mark.parametrize("seed", range(10))
def test_the_penalty_read_off_two_stretches_is_that_of_their_join(seed: int, capacity: int | None) -> None:
    rng = random.Random(seed)
    problem = RoutingProblem(**{**vars(_random_problem(rng, 10, 1)), "capacity": capacity})
    plan = _Plan(problem, [[]])
    for _ in range(20):
        route = rng.sample(range(10), rng.randint(0, 10))
        cut = rng.randint(0, len(route))
        head, tail = plan.depot, plan.depot
        for k in route[:cut]:
            head = _join(head, plan.own[k], plan.travel)
        for k in reversed(route[cut:]):
            tail = _join(plan.own[k], tail, plan.travel)
        assert plan._joined_penalty(head, tail) == plan._penalty(_join(head, tail, plan.travel))

def _one_must_move() -> tuple[RoutingProblem, list[list[int]]]:
    """Places on a line, the depot at 0. Node 0 (place 10) and node 1 (place -10) must both start
    at minute 10, so each needs a vehicle of its own; node 2 (place 20) fits after node 0 but not
    after node 1. The start serves node 0 on vehicle 0 and node 2 on vehicle 1, leaving node 1 out:
    it fits nowhere until node 2 moves to vehicle 0."""
    positions = [0, 10, -10, 20]
    matrix = [[abs(a - b) for b in positions] for a in positions]
    nodes = [Node(place=1, earliest=10, latest=10, service=5, vehicles=(0, 1), penalty=PENALTY),
             Node(place=2, earliest=10, latest=10, service=5, vehicles=(0, 1), penalty=PENALTY),
             Node(place=3, earliest=20, latest=30, service=5, vehicles=(0, 1), penalty=PENALTY)]
    fleet = [Vehicle(matrix=0, depot=0, start=0, end=100) for _ in range(2)]
    return RoutingProblem([matrix], nodes, fleet, horizon=100), [[0], [2]]


def test_a_node_that_fits_only_once_another_moves_is_brought_in() -> None:
    problem, routes = _one_must_move()
    solution = minimise_dropped(problem, routes, time.monotonic() + 5)
    assert solution.dropped == []
    assert sorted(map(sorted, solution.routes)) == [[0, 2], [1]]
    _assert_feasible(problem, solution)


@pytest.mark.parametrize("seed", range(8))
def test_what_comes_back_is_feasible_and_keeps_every_node_served(seed: int) -> None:
    rng = random.Random(seed)
    problem = _random_problem(rng, 25, 3)
    start = [[] for _ in range(3)]  # from nothing served: every node is in the pool
    first = minimise_dropped(problem, start, time.monotonic() + 0.2, seed)
    _assert_feasible(problem, first)
    again = minimise_dropped(problem, first.routes, time.monotonic() + 0.2, seed)
    _assert_feasible(problem, again)
    assert len(again.dropped) <= len(first.dropped)
    assert set(again.dropped) <= set(first.dropped)


def test_it_applies_only_to_one_kind_of_vehicle_without_paired_starts() -> None:
    problem, _ = _one_must_move()
    assert applies(problem)
    other_hours = RoutingProblem(problem.matrices, problem.nodes,
                                 [problem.vehicles[0], Vehicle(matrix=0, depot=0, start=0, end=90)])
    assert not applies(other_hours)
    paired = RoutingProblem(problem.matrices, problem.nodes, problem.vehicles, same_start=[(0, 1)])
    assert not applies(paired)
