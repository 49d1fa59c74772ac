"""Routes: per carer-day a circuit over the office, the visits staying on the route (fixed
starts) and the candidate freed visits, with each start pushed along the chosen arcs.

Arcs are pruned by time before any literal exists: the fixed visits keep their order (only
consecutive fixed visits are linked), a freed visit is linked to a fixed one only if it fits
in the gap next to it, and no arc leaves a node too late to reach the next in time. A freed
visit's self-loop means "not on this route"; the office's self-loop means "the carer stays
at the office" (only when no visit is fixed on the route)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from hemplan.solver.continuity.model.breaks import add_break, keep_break_in_gap
from hemplan.solver.continuity.model.times import RouteTimes, Start, route_times
from hemplan.solver.continuity.model.variables import Candidate, RouteVars
from hemplan.solver.problem import Problem


def add_route(
    model: cp_model.CpModel,
    problem: Problem,
    carer_id: str,
    day: int,
    fixed: list[str],
    candidates: list[str],
    serves: dict[Candidate, cp_model.IntVar],
    start: dict[str, Start],
) -> RouteVars:
    """Circuit, break and timing of one carer-day: `fixed` visits stay on it (in start
    order), `candidates` may join it."""
    nodes = fixed + candidates
    times = route_times(problem, carer_id, day, nodes, len(fixed), start)
    route = RouteVars(carer_id, day, nodes, model.new_bool_var(f"active[{carer_id},{day}]"))
    add_circuit(model, route, times, serves)
    add_break(model, route, times)
    add_timing(model, route, times, start)
    return route


def add_circuit(
    model: cp_model.CpModel,
    route: RouteVars,
    times: RouteTimes,
    serves: dict[Candidate, cp_model.IntVar],
) -> None:
    """One circuit through the office and the nodes on the route; a route with a fixed visit
    is active, a candidate on it makes it active."""
    if times.fixed:
        model.add(route.active == 1)
    arcs: list[tuple[int, int, cp_model.LiteralT]] = []
    if not times.fixed:
        arcs.append((0, 0, route.active.Not()))
    for k, v_id in enumerate(route.nodes, start=1):
        if not times.is_fixed(k):
            lit = serves[(v_id, route.carer, route.day)]
            arcs.append((k, k, lit.Not()))
            model.add_implication(lit, route.active)
    n = len(route.nodes) + 1
    for i in range(n):
        for j in range(n):
            if i != j and times.possible(i, j):
                lit = model.new_bool_var(f"arc[{route.label(i, j)}]")
                arcs.append((i, j, lit))
                route.arcs[(i, j)] = lit
                route.legs[(i, j)] = times.leg(i, j)
    model.add_circuit(arcs)


def add_timing(
    model: cp_model.CpModel, route: RouteVars, times: RouteTimes, start: dict[str, Start]
) -> None:
    """Along a chosen arc i -> j, j starts after i ends plus the travel, plus the break when
    it is taken on that arc; an arc between two fixed times that cannot hold that is ruled out."""
    rule = times.shift.break_
    pause = rule.minutes if rule else 0
    for (i, j), lit in route.arcs.items():
        departs = times.shift.start if i == 0 else start[route.nodes[i - 1]] + times.dur[i]
        arrives = times.shift.end if j == 0 else start[route.nodes[j - 1]]
        on_break = route.on_break.get((i, j))
        timing = arrives >= departs + times.leg(i, j) + (
            pause * on_break if on_break is not None else 0
        )
        if isinstance(timing, bool):  # both ends fixed: the arc is allowed or not
            if not timing:
                model.add(lit == 0)
        else:
            model.add(timing).only_enforce_if(lit)
        keep_break_in_gap(model, route, (i, j), departs, arrives, pause)
