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

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from hemplan.solver.baselines.routing_problem import RoutingProblem, RoutingSolution


class _Model:
    """The OR-Tools model of a problem; node k is routing node k, depots follow the nodes."""

    def __init__(self, problem: RoutingProblem):
        self.problem = problem
        depots = sorted({v.depot for v in problem.vehicles})
        self.depot_node = {place: len(problem.nodes) + i for i, place in enumerate(depots)}
        places = [n.place for n in problem.nodes] + depots
        service = [n.service for n in problem.nodes] + [0] * len(depots)
        starts = [self.depot_node[v.depot] for v in problem.vehicles]
        self.manager = pywrapcp.RoutingIndexManager(
            len(places), len(problem.vehicles), starts, starts
        )
        self.routing = pywrapcp.RoutingModel(self.manager)
        routing, manager = self.routing, self.manager

        cost_cb, time_cb = {}, {}
        for m in sorted({v.matrix for v in problem.vehicles}):
            travel = problem.matrices[m]
            arcs = [[int(travel[a][b]) for b in places] for a in places]
            cost_cb[m] = routing.RegisterTransitMatrix(arcs)
            time_cb[m] = routing.RegisterTransitMatrix(
                [[arc + service[i] for arc in row] for i, row in enumerate(arcs)]
            )
        for v, vehicle in enumerate(problem.vehicles):
            routing.SetArcCostEvaluatorOfVehicle(cost_cb[vehicle.matrix], v)
        routing.AddDimensionWithVehicleTransits(
            [time_cb[v.matrix] for v in problem.vehicles],
            problem.horizon,
            problem.horizon,
            False,
            "time",
        )
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
            solver.Add(
                solver.AllDifferentExcept([routing.VehicleVar(ia), routing.VehicleVar(ib)], -1)
            )
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
) -> RoutingSolution | None:
    """Route `problem` by guided local search within `time_limit` seconds (model building
    included); None when no first solution was found.

    With `initial_routes` (per vehicle, node indices in order, e.g. a greedy plan) the search
    starts there; otherwise from parallel cheapest insertion.
    """
    began = time.monotonic()
    model = _Model(problem)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    if solution_limit is not None:
        params.solution_limit = max(1, solution_limit)
    params.time_limit.FromMilliseconds(max(10, int(time_limit * 1000)))
    routing = model.routing
    routing.CloseModelWithParameters(params)
    start = (
        routing.ReadAssignmentFromRoutes(initial_routes, True)
        if initial_routes is not None
        else None
    )
    left = time_limit - (time.monotonic() - began)  # building the model counts against the limit
    params.time_limit.FromMilliseconds(max(10, int(left * 1000)))
    if start is not None:
        assignment = routing.SolveFromAssignmentWithParameters(start, params)
    else:
        assignment = routing.SolveWithParameters(params)
    return None if assignment is None else model.solution(assignment)
