"""The travel budget in a step (`--max-travel-increase`): the team's travel over its budget.

A step re-plans only the routes its freed visits may join; every other route keeps the visits
that stay on it, in start order. So the team's travel after the step is the travel of those
routes, known before solving (`outside_travel`), plus the modelled routes' arcs; the minutes
over the budget are one variable that the objective's heads price (`Weights.over_budget`),
the level `solver.score.Score.over_budget` compares whole plans by."""

from __future__ import annotations

from ortools.sat.python import cp_model

from hemplan.solver.continuity.model.variables import RouteVars
from hemplan.solver.problem import Problem
from hemplan.solver.score import route_travel
from hemplan.solver.solution import Placement, RouteKey


def outside_travel(
    problem: Problem, current: dict[str, Placement], free: set[str], modelled: set[RouteKey]
) -> int:
    """Travel minutes of the routes a step does not model, with the visits that stay on them
    (a freed visit leaves its route; it may only join modelled ones)."""
    staying: dict[RouteKey, list[str]] = {}
    for v_id, p in sorted(current.items(), key=lambda item: (item[1].start, item[0])):
        if v_id in free:
            continue
        for carer in p.carers:
            if (carer, p.day) not in modelled:
                staying.setdefault((carer, p.day), []).append(v_id)
    for (carer, _), ids in staying.items():
        ids.sort(key=lambda v: (current[v].start_of(carer), v))  # a staggered partner's own start
    return sum(route_travel(problem, carer, ids) for (carer, _), ids in staying.items())


def add_travel_over_budget(
    model: cp_model.CpModel,
    routes: list[RouteVars],
    travel: cp_model.LinearExprT,
    outside: int,
    budget: int,
) -> cp_model.IntVar:
    """The minutes by which `outside` plus the modelled routes' `travel` exceed `budget`, at
    least 0 (minimised, it is exactly that)."""
    most = outside + sum(max(r.legs.values(), default=0) * (len(r.nodes) + 1) for r in routes)
    over = model.new_int_var(0, max(0, most - budget), "travel_over_budget")
    model.add(over >= outside + travel - budget)
    return over
