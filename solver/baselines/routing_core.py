"""A vehicle-routing core on OR-Tools' routing library: time windows, paired starts, capacity.

The central-travel baseline routes one day of a whole district with it, and
`benchmarks/solomon.py` measures it on Solomon's VRPTW instances, so it knows nothing of
carers or visits: places, travel matrices, nodes to serve and vehicles. Travel from a node
includes its service time (the time dimension's transit), the arc cost is the travel alone.
Dropping a node costs its penalty, so the search serves what it can and travels least.

The search is guided local search from a given or a cheapest-insertion start. It stops at
the wall-clock limit or after `solution_limit` solutions, whichever comes first; only the
second is reproducible. A double-staffed pair the start leaves out is rarely added later:
the local search moves one node at a time, which the pair constraint rejects, so a start
that serves pairs (central-greedy's) matters.
"""

from __future__ import annotations

import time
from dataclasses import replace

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from solver.baselines import route_minimisation
from solver.baselines.routing_problem import RoutingProblem, RoutingSolution

ROUNDS_SHARE = 0.25  # of the time limit, at most, for reweighing rounds
# The ejection search returns once every node is served, so its deadline only binds on a fleet
# still leaving nodes out; routes that leave a customer out are no answer for a fixed fleet,
# so it may search until then, and the rest polishes distance (Solomon's 14 tightest fleets at
# 60 s: R111 served at 0.95, left out at 0.8; R104 and R211 out at both).
EJECTION_SHARE = 0.95


class _Model:
    """The OR-Tools model of a problem; node k is routing node k, depots follow the nodes."""

    def __init__(self, problem: RoutingProblem):
        self.problem = problem
        depots = sorted({v.depot for v in problem.vehicles})
        self.depot_node = {place: len(problem.nodes) + i for i, place in enumerate(depots)}
        places = [n.place for n in problem.nodes] + depots
        service = [n.service for n in problem.nodes] + [0] * len(depots)
        starts = [self.depot_node[v.depot] for v in problem.vehicles]
        self.manager = pywrapcp.RoutingIndexManager(len(places), len(problem.vehicles), starts, starts)
        self.routing = pywrapcp.RoutingModel(self.manager)
        routing, manager = self.routing, self.manager

        cost_cb, time_cb = {}, {}
        for m in sorted({v.matrix for v in problem.vehicles}):
            travel = problem.matrices[m]
            arcs = [[int(travel[a][b]) for b in places] for a in places]
            cost_cb[m] = routing.RegisterTransitMatrix(arcs)
            time_cb[m] = routing.RegisterTransitMatrix(
                [[arc + service[i] for arc in row] for i, row in enumerate(arcs)])
        for v, vehicle in enumerate(problem.vehicles):
            routing.SetArcCostEvaluatorOfVehicle(cost_cb[vehicle.matrix], v)
        routing.AddDimensionWithVehicleTransits(
            [time_cb[v.matrix] for v in problem.vehicles], problem.horizon, problem.horizon, False, "time")
        self.time = routing.GetDimensionOrDie("time")
        if problem.capacity is not None:
            demand = [n.demand for n in problem.nodes] + [0] * len(depots)
            cb = routing.RegisterUnaryTransitVector(demand)
            routing.AddDimension(cb, 0, problem.capacity, True, "load")

        for k, node in enumerate(problem.nodes):
            index = manager.NodeToIndex(k)
            self.time.CumulVar(index).SetRange(node.earliest, node.latest)
            if len(node.vehicles) < len(problem.vehicles):  # -1: the node is dropped
                routing.VehicleVar(index).SetValues([-1, *node.vehicles])
            if node.penalty is not None:
                routing.AddDisjunction([index], node.penalty)
        solver = routing.solver()
        for a, b in problem.same_start:
            ia, ib = manager.NodeToIndex(a), manager.NodeToIndex(b)
            solver.Add(self.time.CumulVar(ia) == self.time.CumulVar(ib))
            solver.Add(routing.ActiveVar(ia) == routing.ActiveVar(ib))
            solver.Add(solver.AllDifferentExcept([routing.VehicleVar(ia), routing.VehicleVar(ib)], -1))
        for v, vehicle in enumerate(problem.vehicles):
            self.time.CumulVar(routing.Start(v)).SetRange(vehicle.start, vehicle.end)
            self.time.CumulVar(routing.End(v)).SetRange(vehicle.start, vehicle.end)
            routing.AddVariableMinimizedByFinalizer(self.time.CumulVar(routing.End(v)))

    def solution(self, assignment: pywrapcp.Assignment) -> RoutingSolution:
        routing, manager = self.routing, self.manager
        routes, starts = [], {}
        for v in range(len(self.problem.vehicles)):
            route: list[int] = []
            index = assignment.Value(routing.NextVar(routing.Start(v)))
            while not routing.IsEnd(index):
                node = manager.IndexToNode(index)
                route.append(node)
                starts[node] = assignment.Min(self.time.CumulVar(index))
                index = assignment.Value(routing.NextVar(index))
            routes.append(route)
        dropped = [k for k in range(len(self.problem.nodes)) if k not in starts]
        return RoutingSolution(routes, starts, dropped, assignment.ObjectiveValue())


def solve_routing(
    problem: RoutingProblem,
    time_limit: float,
    solution_limit: int | None = None,
    initial_routes: list[list[int]] | None = None,
    reweigh_seconds: float | None = None,
) -> RoutingSolution | None:
    """Route `problem` by guided local search within `time_limit` seconds (model building
    included); None when no first solution was found.

    With `initial_routes` (per vehicle, node indices in order, e.g. a greedy plan) the search
    starts there; otherwise from parallel cheapest insertion.

    `reweigh_seconds` is for a fixed fleet that should serve every node, such as Solomon's,
    whose fleets are the fewest vehicles known: one long search leaves a few nodes out there
    (RC101: 3 of 100 after 60 s), because distance, not the drop penalty, steers its moves.
    Instead, while nodes are dropped, the search runs in rounds of that many seconds, each
    from the last round's routes, and every node still dropped weighs one more base penalty
    (the ejection weights of Nagata and Bräysy's route minimisation): the nodes hardest to
    place get served and easier ones are left out in their place, which the next round can
    fit. Rounds take up to `ROUNDS_SHARE` of the time. If nodes are still dropped then, the
    ejection search of `route_minimisation` (where it applies) brings them in until
    `EJECTION_SHARE` of the time: the rounds' weights alone leave the last one or two out
    (RC101: 1 after 60 s), because OR-Tools moves one node at a time. The rest of the time
    searches with the true penalties from the routes that drop fewest. Rounds and ejections
    end at the wall clock, so this mode is not reproducible; the default (None) is the single
    search central-travel uses.
    """
    if reweigh_seconds is None:
        return _search(problem, time_limit, solution_limit, initial_routes)
    began = time.monotonic()
    weights = [1] * len(problem.nodes)
    best: RoutingSolution | None = None
    routes = initial_routes
    while time.monotonic() - began < ROUNDS_SHARE * time_limit - reweigh_seconds:
        weighted = replace(problem, nodes=[
            node if node.penalty is None else replace(node, penalty=node.penalty * w)
            for node, w in zip(problem.nodes, weights)])
        found = _search(weighted, reweigh_seconds, None, routes)
        if found is None:
            break
        found.cost -= sum((problem.nodes[k].penalty or 0) * (weights[k] - 1) for k in found.dropped)
        best = found if best is None else min(best, found, key=_rank)
        if not found.dropped:
            break
        for k in found.dropped:
            weights[k] += 1
        routes = found.routes
    if best is not None and best.dropped and route_minimisation.applies(problem):
        squeezed = route_minimisation.minimise_dropped(
            problem, best.routes, began + EJECTION_SHARE * time_limit)
        best = min(best, squeezed, key=_rank)
    left = time_limit - (time.monotonic() - began)
    final = _search(problem, left, solution_limit, best.routes if best else initial_routes)
    return min((s for s in (final, best) if s is not None), key=_rank, default=None)


def _rank(solution: RoutingSolution) -> tuple[int, int]:
    """Fewer dropped nodes first, then the lower cost (the true penalties, not the weights)."""
    return len(solution.dropped), solution.cost


def _search(
    problem: RoutingProblem,
    time_limit: float,
    solution_limit: int | None,
    initial_routes: list[list[int]] | None,
) -> RoutingSolution | None:
    """One guided local search within `time_limit` seconds, model building included."""
    began = time.monotonic()
    model = _Model(problem)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    if solution_limit is not None:
        params.solution_limit = max(1, solution_limit)
    params.time_limit.FromMilliseconds(max(10, int(time_limit * 1000)))
    routing = model.routing
    routing.CloseModelWithParameters(params)
    start = routing.ReadAssignmentFromRoutes(initial_routes, True) if initial_routes is not None else None
    left = time_limit - (time.monotonic() - began)  # building the model counts against the limit
    params.time_limit.FromMilliseconds(max(10, int(left * 1000)))
    if start is not None:
        assignment = routing.SolveFromAssignmentWithParameters(start, params)
    else:
        assignment = routing.SolveWithParameters(params)
    return None if assignment is None else model.solution(assignment)
