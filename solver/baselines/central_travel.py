"""central-travel: what a central planner with a routing tool does, day by day.

Each day the whole district is one pool: every carer with a shift that day is a vehicle
(from and back to their team's office, within the shift, with their own travel mode and
break), every visit on offer a node (start window, duration, the carers allowed by skills,
exclusions and locks); a double-staffed visit is two nodes that start together on two
carers. Dropping a visit costs far more than any detour (a mandatory visit on its last day
most, then deferrable ones, then visits that can still go on a later day), so the router
serves what it can and then travels least. It starts from central-greedy's day plan and
improves it by guided local search (`routing_core`).

Reproducibility: the search of a day ends at its share of the time limit, so a run depends
on the machine's speed. With `work_limit` the search of a day also ends after
`work_limit x SOLUTIONS_PER_WORK` improving solutions; when that comes before the time
limit, the same work limit gives the same schedule on any machine. The seed and the worker
count have no effect (the search is sequential and makes no random choices).
"""

from __future__ import annotations

import time
from typing import Callable

from models.instance import Instance
from models.travel import TravelTimes, travel_times
from solver.baselines.central_greedy import greedy_day
from solver.baselines.day_problem import DayPlan, DayProblem, plan_by_day
from solver.baselines.finish import verified_result
from solver.baselines.routing_core import Node, RoutingProblem, Vehicle, solve_routing
from solver.plan import Placement
from solver.solve import Progress, SolveOptions, SolveResult

METHOD = "central-travel"
SOLUTIONS_PER_WORK = 100  # improving solutions per day for each unit of --work-limit
LOCKED, MANDATORY, DEFERRABLE, LATER = 10_000_000, 1_000_000, 100_000, 10_000


def _penalty(visit_priority: str, locked: bool, last_chance: bool) -> int:
    if locked:
        return LOCKED
    if not last_chance:
        return LATER if visit_priority == "mandatory" else LATER // 10
    return MANDATORY if visit_priority == "mandatory" else DEFERRABLE


def _routing_problem(travel: TravelTimes, problem: DayProblem) -> tuple[RoutingProblem, list[tuple[str, int]]]:
    """The day as a routing problem, and for each node its visit and which carer slot it fills."""
    vehicle_of = {c.id: v for v, c in enumerate(problem.carers)}
    vehicles = []
    for carer in problem.carers:
        shift = carer.shift_by_day[problem.day]
        rule = shift.break_
        vehicles.append(Vehicle(
            matrix=travel.mode_index(carer.travel_mode), depot=travel.office_index[carer.team],
            start=shift.start, end=shift.end,
            break_=(rule.earliest, rule.latest, rule.minutes) if rule is not None else None,
        ))
    nodes: list[Node] = []
    slots: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for dv in problem.visits:
        visit = dv.visit
        locked = bool(visit.locked_carers or visit.locked_start is not None)
        penalty = _penalty(visit.priority, locked, dv.last_chance)
        allowed = tuple(vehicle_of[c] for c in dv.carers)
        for slot in range(visit.staff_needed):
            if slot < len(visit.locked_carers):  # a partly locked double: slot 0 is the locked carer
                vehicles_here = (vehicle_of[visit.locked_carers[slot]],)
            else:
                vehicles_here = allowed
            nodes.append(Node(travel.client_index[visit.client], dv.earliest, dv.latest, visit.duration,
                              vehicles_here, penalty))
            slots.append((visit.id, slot))
        if visit.staff_needed == 2:
            pairs.append((len(nodes) - 2, len(nodes) - 1))
    matrices = [travel.minutes[m].tolist() for m in range(travel.minutes.shape[0])]
    return RoutingProblem(matrices, nodes, vehicles, pairs), slots


def _initial_routes(problem: DayProblem, start: DayPlan, slots: list[tuple[str, int]]) -> list[list[int]]:
    """The greedy plan as node sequences per vehicle (a locked carer in its own slot)."""
    node_of = {slot: k for k, slot in enumerate(slots)}
    vehicle_of = {c.id: v for v, c in enumerate(problem.carers)}
    visits = {dv.visit.id: dv.visit for dv in problem.visits}
    routes: list[list[tuple[int, int]]] = [[] for _ in problem.carers]
    for visit_id, placement in start.assignments.items():
        locked = visits[visit_id].locked_carers
        carers = list(locked) + [c for c in placement.carers if c not in locked]
        for slot, carer in enumerate(carers):
            routes[vehicle_of[carer]].append((placement.start, node_of[(visit_id, slot)]))
    return [[node for _, node in sorted(route)] for route in routes]


def route_day(instance: Instance, travel: TravelTimes, problem: DayProblem, seconds: float,
              solutions: int | None) -> DayPlan:
    """The day's plan from the router, started from the greedy plan, within `seconds` in all."""
    began = time.monotonic()
    start = greedy_day(instance, travel, problem)
    if not problem.visits:
        return start
    routing, slots = _routing_problem(travel, problem)
    left = seconds - (time.monotonic() - began)
    solution = solve_routing(routing, left, solutions, _initial_routes(problem, start, slots))
    if solution is None:
        return start
    carers: dict[str, dict[int, str]] = {}
    starts: dict[str, int] = {}
    for v, route in enumerate(solution.routes):
        for node in route:
            visit_id, slot = slots[node]
            carers.setdefault(visit_id, {})[slot] = problem.carers[v].id
            starts[visit_id] = solution.starts[node]
    assignments = {
        visit_id: Placement(problem.day, starts[visit_id], tuple(by_slot[s] for s in sorted(by_slot)))
        for visit_id, by_slot in carers.items()
    }
    breaks = {problem.carers[v].id: b for v, b in solution.breaks.items() if solution.routes[v]}
    return DayPlan(assignments, breaks)


def central_travel(
    instance: Instance,
    options: SolveOptions,
    on_progress: Callable[[Progress], None] = lambda event: None,
) -> SolveResult:
    """Plan `instance` day by day, district-wide, minimising unserved visits then travel."""
    started = time.monotonic()
    travel = travel_times(instance)
    seconds = max(0.0, options.time_limit * 0.9 - 0.5 - len(instance.visits) / 4000)
    per_day = None if options.work_limit is None else int(options.work_limit * SOLUTIONS_PER_WORK)

    def plan_day(problem: DayProblem, share: float) -> DayPlan:
        return route_day(instance, travel, problem, share, per_day)

    plan = plan_by_day(instance, travel, plan_day, seconds, METHOD)
    settings: dict[str, str | int | float | bool] = {} if per_day is None else {"solutions_per_day": per_day}
    return verified_result(instance, travel, plan, METHOD, options, started, settings)
