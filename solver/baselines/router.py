"""The vehicle router: a `RoutingProblem` solved by PyVRP's iterated local search.

central-travel routes each day of a district with it and `benchmarks/solomon.py` measures it on
Solomon's VRPTW instances, so it knows nothing of carers or visits: places, travel matrices,
nodes to serve, vehicles. The routing problem maps onto PyVRP as follows:

- vehicles alike in everything (depot, time window: leave no earlier than `start`, back by
  `end`; travel matrix, the routing profile; what they may serve) are one PyVRP vehicle type;
  the distance and the duration of an arc are both the matrix's minutes, so the cost is travel;
- each node is a client at its place (several nodes may share a place): start window, service
  minutes; a node with a penalty is optional with the penalty as its prize, one without must be
  served;
- which vehicles may serve a node is a load dimension per distinct set of allowed vehicles
  (PyVRP has no such restriction): the nodes of that set deliver one unit of it, the vehicles
  outside the set carry none, so serving such a node on them is over capacity, which a feasible
  solution never is. The same holds for a node `kind` (a break): one dimension per kind, a
  vehicle of that kind carries one unit of it (at most one such node), any other none;
- `capacity` (Solomon) is one more dimension;
- a `surcharge` (a price per vehicle and node) makes every node a location of its own and
  every vehicle a type of its own, whose distance matrix is the travel matrix with the price
  of serving each node added on the arcs into it; the duration matrix stays the travel, so
  only the cost changes.

PyVRP cannot make two vehicles start a node pair at one minute (`same_start`: a double-staffed
visit). The search runs in passes: the first routes the pair's nodes on their own; the next
pins both to one start, the later of the two where the last pass served them on two vehicles,
else the start of the one served (pinned to one minute, one vehicle cannot serve both; a pair
left out altogether gets its window back), and so on while pairs are left to start together,
up to MAX_PASSES. Each pass after the first also moves each `kind` node (a pause: where it is
taken does not matter) to the place of the stop before it on its route (the stop after it when
it comes first), so that it costs no detour. A pair not served on two vehicles at one start
after the last pass is left out, both nodes.

The search stops at the time limit or after `iterations` iterations, whichever comes first;
with the same seed only the second is reproducible on any machine.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import replace
from typing import Any

import numpy as np
import pyvrp
from pyvrp import PenaltyParams
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import (
    MaxIterations,
    MaxRuntime,
    MultipleCriteria,
    NoImprovement,
    StoppingCriterion,
)

from hemplan.solver.baselines.routing_problem import Node, RoutingProblem, RoutingSolution

FIRST_PASS_SHARE = 0.5  # of the time and the iterations, when there are pairs or kinds to fix
MAX_PASSES = 4  # the first, then passes that pin pairs and move pauses until none is left
BIG_LOAD = 1 << 30  # what a vehicle carries of a dimension it may serve without limit
PRIZE_TO_PENALTY = 10  # the largest penalty per unit of violation, in largest prizes


def _dimensions(problem: RoutingProblem) -> tuple[list[list[int]], list[list[int]]]:
    """Per node its delivery and per vehicle its capacity, one entry per load dimension."""
    everyone = frozenset(range(len(problem.vehicles)))
    restricted = sorted(
        {frozenset(n.vehicles) for n in problem.nodes if frozenset(n.vehicles) != everyone},
        key=sorted,
    )
    kinds = sorted({n.kind for n in problem.nodes if n.kind})
    delivery: list[list[int]] = [[] for _ in problem.nodes]
    capacity: list[list[int]] = [[] for _ in problem.vehicles]
    if problem.capacity is not None:
        for k, node in enumerate(problem.nodes):
            delivery[k].append(node.demand)
        for v in range(len(problem.vehicles)):
            capacity[v].append(problem.capacity)
    for allowed in restricted:
        for k, node in enumerate(problem.nodes):
            delivery[k].append(int(frozenset(node.vehicles) == allowed))
        for v in range(len(problem.vehicles)):
            capacity[v].append(BIG_LOAD if v in allowed else 0)
    for kind in kinds:
        for k, node in enumerate(problem.nodes):
            delivery[k].append(int(node.kind == kind))
        for v, vehicle in enumerate(problem.vehicles):
            capacity[v].append(1 if kind in vehicle.kinds else 0)
    return delivery, capacity


def _data(problem: RoutingProblem) -> tuple[pyvrp.ProblemData, list[list[int]]]:
    """PyVRP's data for `problem`, and per vehicle type the vehicles it stands for. Only the
    places the problem uses are locations."""
    if problem.surcharge is not None:
        return _surcharged_data(problem, problem.surcharge)
    places = sorted({v.depot for v in problem.vehicles} | {n.place for n in problem.nodes})
    location = {p: i for i, p in enumerate(places)}
    depot_places = sorted({v.depot for v in problem.vehicles})
    depot = {p: i for i, p in enumerate(depot_places)}
    profiles = sorted({v.matrix for v in problem.vehicles})
    profile = {m: i for i, m in enumerate(profiles)}
    matrices: list[Any] = []  # int64 arrays (PyVRP's stub says ndarray[int, ...])
    for m in profiles:
        used = np.asarray(problem.matrices[m])[np.ix_(places, places)]
        matrices.append(np.ascontiguousarray(used, dtype=np.int64))
    delivery, capacity = _dimensions(problem)
    clients = _clients(problem, delivery, [location[n.place] for n in problem.nodes])
    depots = [pyvrp.Depot(location=location[p]) for p in depot_places]
    alike: dict[tuple[object, ...], list[int]] = {}
    for v, vehicle in enumerate(problem.vehicles):
        key = (vehicle.matrix, vehicle.depot, vehicle.start, vehicle.end, tuple(capacity[v]))
        alike.setdefault(key, []).append(v)
    vehicle_types = [
        pyvrp.VehicleType(
            len(members),
            capacity=capacity[members[0]],
            start_depot=depot[problem.vehicles[members[0]].depot],
            end_depot=depot[problem.vehicles[members[0]].depot],
            tw_early=problem.vehicles[members[0]].start,
            tw_late=problem.vehicles[members[0]].end,
            profile=profile[problem.vehicles[members[0]].matrix],
        )
        for members in alike.values()
    ]
    locations = [pyvrp.Location(x=0, y=0) for _ in places]  # the matrices are what counts
    data = pyvrp.ProblemData(locations, clients, depots, vehicle_types, matrices, matrices)
    return data, list(alike.values())


def _clients(
    problem: RoutingProblem, delivery: list[list[int]], locations: list[int]
) -> list[pyvrp.Client]:
    """PyVRP's client per node, at its location index: window, service, what it delivers,
    and a node with a penalty optional with the penalty as its prize."""
    return [
        pyvrp.Client(
            location=locations[k],
            delivery=delivery[k],
            service_duration=n.service,
            tw_early=n.earliest,
            tw_late=n.latest,
            prize=0 if n.penalty is None else n.penalty,
            required=n.penalty is None,
        )
        for k, n in enumerate(problem.nodes)
    ]


def _surcharged_data(
    problem: RoutingProblem, surcharge: list[list[int]]
) -> tuple[pyvrp.ProblemData, list[list[int]]]:
    """`_data` with a price per vehicle and node: a location per node after the depots, a
    vehicle type per vehicle, its distances the travel plus the price of the node arrived at."""
    depot_places = sorted({v.depot for v in problem.vehicles})
    depot = {p: i for i, p in enumerate(depot_places)}
    places = depot_places + [n.place for n in problem.nodes]
    first = len(depot_places)
    delivery, capacity = _dimensions(problem)
    clients = _clients(problem, delivery, [first + k for k in range(len(problem.nodes))])
    travel = {
        m: np.ascontiguousarray(np.asarray(problem.matrices[m])[np.ix_(places, places)], np.int64)
        for m in sorted({v.matrix for v in problem.vehicles})
    }
    durations: list[Any] = []
    distances: list[Any] = []
    vehicle_types = []
    for v, vehicle in enumerate(problem.vehicles):
        price = np.zeros(len(places), dtype=np.int64)
        price[first:] = surcharge[v]
        distance = travel[vehicle.matrix] + price[None, :]
        np.fill_diagonal(distance, 0)  # PyVRP's rule; a node is never arrived at from itself
        durations.append(travel[vehicle.matrix])
        distances.append(np.ascontiguousarray(distance))
        vehicle_types.append(
            pyvrp.VehicleType(
                1,
                capacity=capacity[v],
                start_depot=depot[vehicle.depot],
                end_depot=depot[vehicle.depot],
                tw_early=vehicle.start,
                tw_late=vehicle.end,
                profile=v,
            )
        )
    locations = [pyvrp.Location(x=0, y=0) for _ in places]
    depots = [pyvrp.Depot(location=depot[p]) for p in depot_places]
    data = pyvrp.ProblemData(locations, clients, depots, vehicle_types, distances, durations)
    return data, [[v] for v in range(len(problem.vehicles))]


def _start(
    data: pyvrp.ProblemData, types: list[list[int]], routes: list[list[int]]
) -> pyvrp.Solution | None:
    """A PyVRP solution of the given routes (per vehicle, nodes in order), or None when PyVRP
    will not take them as a solution."""
    client = pyvrp.ActivityType.CLIENT
    type_of = {v: t for t, members in enumerate(types) for v in members}
    try:
        return pyvrp.Solution(
            data,
            [
                pyvrp.Route(data, [pyvrp.Activity(client, k) for k in route], type_of[v])
                for v, route in enumerate(routes)
                if route
            ],
        )
    except (RuntimeError, ValueError, IndexError):
        return None


def _params(problem: RoutingProblem) -> pyvrp.SolveParams:
    """PyVRP's defaults, but where nodes carry prizes, penalties for a late arrival or a vehicle
    serving a node it may not (excess load) that can grow past the largest prize: a search
    whose penalties stay below a prize finds serving it late or on the wrong vehicle better
    than leaving it out, and never reaches a feasible solution that serves more. The search
    starts halfway between the bounds, far above any prize, and lowers them as it learns."""
    prize = max((n.penalty or 0 for n in problem.nodes), default=0)
    default = PenaltyParams()
    if PRIZE_TO_PENALTY * prize <= default.max_penalty:
        return pyvrp.SolveParams()
    return pyvrp.SolveParams(penalty=PenaltyParams(max_penalty=PRIZE_TO_PENALTY * prize))


def _stop(seconds: float, iterations: int | None, patience: int | None) -> StoppingCriterion:
    criteria: list[StoppingCriterion] = [MaxRuntime(max(0.01, seconds))]
    if iterations is not None:
        criteria.append(MaxIterations(max(1, iterations)))
    if patience is not None:
        criteria.append(NoImprovement(max(1, patience)))
    return criteria[0] if len(criteria) == 1 else MultipleCriteria(criteria)


def _routes(
    solution: pyvrp.Solution, types: list[list[int]], vehicles: int
) -> tuple[list[list[int]], dict[int, int]]:
    """Per vehicle its nodes in order (a type's routes go to its vehicles in order), and each
    served node's start."""
    routes: list[list[int]] = [[] for _ in range(vehicles)]
    starts: dict[int, int] = {}
    free = [list(members) for members in types]
    for route in solution.routes():
        v = free[route.vehicle_type()].pop(0)
        for activity in route.schedule():
            if activity.is_client():
                routes[v].append(activity.idx)
                starts[activity.idx] = activity.start_time
    return routes, starts


def _pinned(
    original: RoutingProblem,
    problem: RoutingProblem,
    routes: list[list[int]],
    starts: dict[int, int],
) -> RoutingProblem:
    """The next pass's problem: each pair pinned to one start (a pair left out altogether gets
    its window of `original` back), each kind node at the place of the stop before it on the
    last pass's route (see the module docstring)."""
    nodes = list(problem.nodes)
    vehicle_of = {k: v for v, route in enumerate(routes) for k in route}
    for a, b in problem.same_start:
        served = [k for k in (a, b) if k in starts]
        if not served:
            for k in (a, b):
                nodes[k] = replace(
                    nodes[k], earliest=original.nodes[k].earliest, latest=original.nodes[k].latest
                )
            continue
        apart = len(served) == 2 and vehicle_of[a] != vehicle_of[b]
        t = max(starts[a], starts[b]) if apart else starts[served[0]]
        for k in (a, b):
            nodes[k] = replace(nodes[k], earliest=t, latest=t)
    for route in routes:
        for i, k in enumerate(route):
            if nodes[k].kind and len(route) > 1:  # after the stop before it, else before the next
                beside = route[i - 1] if i > 0 else route[i + 1]
                nodes[k] = replace(nodes[k], place=nodes[beside].place)
    return replace(problem, nodes=nodes)


def _keeps(node: Node, start: int) -> bool:
    """Whether the second pass starts from a node where the first pass served it: where its
    pinned window still holds the first pass's start (the later node of a pair served apart,
    the node served where only one was), so that the start has no late arrival."""
    return node.earliest <= start <= node.latest


def _unsynchronised(
    problem: RoutingProblem, routes: list[list[int]], starts: dict[int, int]
) -> set[int]:
    """Nodes of pairs not served by two vehicles at one start."""
    vehicle_of = {k: v for v, route in enumerate(routes) for k in route}
    out: set[int] = set()
    for a, b in problem.same_start:
        both = a in starts and b in starts
        if not (both and vehicle_of[a] != vehicle_of[b] and starts[a] == starts[b]):
            out |= {a, b}
    return out


def _search(
    problem: RoutingProblem,
    seconds: float,
    iterations: int | None,
    initial: list[list[int]] | None,
    seed: int,
    patience: int | None = None,
) -> tuple[list[list[int]], dict[int, int], int] | None:
    """One PyVRP search: routes, starts and cost of the best feasible solution, or None."""
    data, types = _data(problem)
    start = _start(data, types, initial) if initial is not None else None
    with warnings.catch_warnings():  # a search that ends infeasible is answered by None
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = pyvrp.solve(
            data,
            _stop(seconds, iterations, patience),
            seed=seed % (1 << 32),  # PyVRP takes an unsigned 32-bit seed
            collect_stats=False,
            params=_params(problem),
            initial_solution=start,
        )
    best = result.best
    if not best.is_feasible():
        if start is None or not start.is_feasible():
            return None
        best = start
    routes, starts = _routes(best, types, len(problem.vehicles))
    return routes, starts, int(best.distance_cost() + best.uncollected_prizes())


def _left_out(problem: RoutingProblem, starts: dict[int, int]) -> int:
    """The prizes of the optional nodes a solution with these starts leaves out."""
    return sum(n.penalty or 0 for k, n in enumerate(problem.nodes) if k not in starts)


def _part(iterations: int | None, share: float) -> int | None:
    return None if iterations is None else max(1, int(share * iterations))


def _rest(iterations: int | None, share: float) -> int | None:
    return None if iterations is None else max(0, iterations - int(share * iterations))


def solve_routing(
    problem: RoutingProblem,
    time_limit: float,
    iterations: int | None = None,
    initial_routes: list[list[int]] | None = None,
    seed: int = 0,
    patience: int | None = None,
    keep_served: bool = False,
) -> RoutingSolution | None:
    """Route `problem` within `time_limit` seconds (building the model included) and, when
    given, `iterations` iterations of the search, each search ending too after `patience`
    iterations without a better solution; None when no feasible solution was found.

    `keep_served`: a later pass replaces the one before only when it leaves out no more prize,
    or when the one before has pairs that do not start together (for a start that is already a
    lawful plan, whose pauses sit where its carers are: a pass that only moves them must not
    lose what the first pass served).

    With `initial_routes` (per vehicle, node indices in order, e.g. a greedy plan) the search
    starts there, and never returns worse."""
    began = time.monotonic()
    more_passes = bool(problem.same_start) or any(n.kind for n in problem.nodes)
    share = FIRST_PASS_SHARE if more_passes else 1.0
    iterations_left = iterations
    first = _search(
        problem,
        share * time_limit - (time.monotonic() - began),
        _part(iterations_left, share),
        initial_routes,
        seed,
        patience,
    )
    if first is None:
        return None
    routes, starts, cost = first
    iterations_left = _rest(iterations_left, share)
    final = problem
    for done in range(1, MAX_PASSES if more_passes else 1):
        final = _pinned(problem, final, routes, starts)
        # the last pass, or the pass after which no pair is left to start together, takes the
        # rest; the others half of it
        last = done == MAX_PASSES - 1 or not _unsynchronised(final, routes, starts)
        share = 1.0 if last else 0.5
        again = _search(
            final,
            share * (time_limit - (time.monotonic() - began)),
            _part(iterations_left, share),
            [[k for k in route if _keeps(final.nodes[k], starts[k])] for route in routes],
            seed,
            patience,
        )
        iterations_left = _rest(iterations_left, share)
        if again is not None and (
            not keep_served
            or _unsynchronised(final, routes, starts)
            or _left_out(problem, again[1]) <= _left_out(problem, starts)
        ):
            routes, starts, cost = again
        if last or time.monotonic() - began >= time_limit or iterations_left == 0:
            break
    dropped_pairs = _unsynchronised(final, routes, starts)
    routes = [[k for k in route if k not in dropped_pairs] for route in routes]
    starts = {k: t for k, t in starts.items() if k not in dropped_pairs}
    dropped = [k for k in range(len(problem.nodes)) if k not in starts]
    return RoutingSolution(routes, starts, dropped, cost)


__all__ = ["Node", "RoutingProblem", "RoutingSolution", "solve_routing"]
