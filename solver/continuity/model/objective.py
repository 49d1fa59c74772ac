"""The objective levels of a step, following `solver.score` through its weights.

Heads (an order, kept by weights far apart): unserved mandatory, then deferrable visits, with a
travel budget the team's travel minutes over it (`model.travel_budget`), new (client, carer)
pairs, visits not done by a preferred carer, and with a stable week visits not done by the
carers of the week before. Minutes (a trade, by the user's exchange rates): travel on the
touched routes, arrival-time deviation of the touched recurring visits, workload deviation of
the carers who may take a freed visit and, with soft windows, the freed visits' late minutes
and, when weighted, the plan's largest lateness (`model.tardiness`)."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from hemplan.solver.continuity.model.continuity import NewPair
from hemplan.solver.continuity.model.tardiness import Lateness, add_tardiness, add_worst_lateness
from hemplan.solver.continuity.model.travel_budget import add_travel_over_budget
from hemplan.solver.continuity.model.variables import Candidate, RouteVars, VisitVars
from hemplan.solver.continuity.model.weeks import add_week_repeats
from hemplan.solver.problem import Problem
from hemplan.solver.score import Weights, late_starts
from hemplan.solver.solution import Placement


@dataclass(frozen=True)
class Levels:
    """The two stages of a step's objective (see `solve.lexicographic`)."""

    heads: cp_model.LinearExpr | int
    minutes: cp_model.LinearExpr | int


def objective_levels(
    model: cp_model.CpModel,
    problem: Problem,
    current: dict[str, Placement],
    free_ids: list[str],
    visits: dict[str, VisitVars],
    serves: dict[Candidate, cp_model.IntVar],
    routes: list[RouteVars],
    new_pairs: list[NewPair],
    start: dict[str, cp_model.IntVar | int],
    weights: Weights,
    outside_travel: int = 0,
    second_starts: dict[str, cp_model.IntVar] | None = None,
) -> Levels:
    """Heads and minutes of the step, weighted. `outside_travel`: with a travel budget, the
    travel of the routes the step does not model (`model.travel_budget.outside_travel`);
    `second_starts`: the second role's start of each freed visit whose carers start apart."""
    instance = problem.instance
    not_preferred = _not_preferred(problem, serves)
    unserved_m = [
        visits[v].served.Not() for v in free_ids if instance.visit_by_id[v].priority == "mandatory"
    ]
    unserved_d = [
        visits[v].served.Not() for v in free_ids if instance.visit_by_id[v].priority == "deferrable"
    ]
    travel = sum(
        minutes * lit
        for r in routes
        for (i, j), lit in r.arcs.items()
        if (minutes := r.legs[(i, j)])
    )
    served = {v: visits[v].served for v in free_ids}
    arrival = (
        add_arrival_deviations(model, problem, current, free_ids, start, served)
        if weights.arrival
        else []
    )
    workload = (
        add_workload_deviations(model, problem, current, set(free_ids), serves)
        if weights.workload
        else []
    )
    late = (
        add_tardiness(model, problem, free_ids, visits, second_starts or {})
        if weights.tardiness or weights.max_tardiness
        else Lateness()
    )
    worst = (
        add_worst_lateness(model, late, _fixed_worst(problem, current, set(free_ids)))
        if weights.max_tardiness
        else 0
    )
    repeats = (
        add_week_repeats(model, problem, current, set(free_ids), serves) if weights.week else []
    )
    heads = (
        weights.unserved_mandatory * sum(unserved_m)
        + weights.unserved_deferrable * sum(unserved_d)
        + weights.new_pair * sum(n.pair for n in new_pairs if not n.known)
        + weights.new_pair * weights.known_share // 100 * sum(n.pair for n in new_pairs if n.known)
        + weights.not_preferred * sum(not_preferred)
        + weights.week * (len(repeats) - sum(repeats))
    )
    if problem.travel_budget is not None:  # without one, the model is as it always was
        over = add_travel_over_budget(model, routes, travel, outside_travel, problem.travel_budget)
        heads += weights.over_budget * over
    return Levels(
        heads,
        weights.travel * travel
        + weights.arrival * sum(arrival)
        + weights.workload * sum(workload)
        + weights.tardiness * sum(late.terms)
        + weights.max_tardiness * worst,
    )


def _fixed_worst(problem: Problem, current: dict[str, Placement], freed: set[str]) -> int:
    """The largest lateness of a carer's start at the visits the step keeps where they are."""
    kept = {v_id: p for v_id, p in current.items() if v_id not in freed}
    return max(late_starts(problem, kept), default=0)


def _not_preferred(
    problem: Problem, serves: dict[Candidate, cp_model.IntVar]
) -> list[cp_model.IntVar]:
    """Candidates that give a client with preferred carers someone else."""
    found = []
    for (v_id, c_id, _), lit in serves.items():
        preferred = problem.instance.client_by_id[problem.visit(v_id).client].preferred_carers
        if preferred and c_id not in preferred:
            found.append(lit)
    return found


def add_arrival_deviations(
    model: cp_model.CpModel,
    problem: Problem,
    current: dict[str, Placement],
    free_ids: list[str],
    start: dict[str, cp_model.IntVar | int],
    served: dict[str, cp_model.IntVar],
) -> list[cp_model.IntVar]:
    """Per recurring visit touched by the step, a common target time and each served member's
    distance from it: minimising their sum puts the target at the members' median, so the sum
    is exactly the series' deviation in `solver.score`."""
    freed = set(free_ids)
    deviations: list[cp_model.IntVar] = []
    for members in problem.series.values():
        if freed.isdisjoint(members) or len(members) < 2:
            continue
        window = problem.visit(members[0]).window
        target = model.new_int_var(window.earliest, window.latest, f"arrival_target[{members[0]}]")
        for v_id in members:
            if v_id not in freed and v_id not in current:
                continue  # unserved and staying so
            deviation = model.new_int_var(0, 24 * 60, f"arrival_deviation[{v_id}]")
            above = model.add(deviation >= start[v_id] - target)
            below = model.add(deviation >= target - start[v_id])
            if v_id in freed:  # a freed visit left unserved has no start to keep
                above.only_enforce_if(served[v_id])
                below.only_enforce_if(served[v_id])
            deviations.append(deviation)
    return deviations


def add_workload_deviations(
    model: cp_model.CpModel,
    problem: Problem,
    current: dict[str, Placement],
    free: set[str],
    serves: dict[Candidate, cp_model.IntVar],
) -> list[cp_model.IntVar]:
    """Per carer who may take a freed visit, the distance of their visit minutes from their
    share."""
    instance = problem.instance
    targets = problem.workload_targets
    fixed = {c: 0 for c in targets}
    for v_id, p in current.items():
        if v_id not in free:
            for c_id in p.carers:
                fixed[c_id] += instance.visit_by_id[v_id].duration
    added: dict[str, list[cp_model.LinearExprT]] = {}
    for (v_id, c_id, _), lit in serves.items():
        added.setdefault(c_id, []).append(instance.visit_by_id[v_id].duration * lit)
    deviations = []
    for c_id, terms in sorted(added.items()):
        load = fixed[c_id] + sum(terms)
        deviation = model.new_int_var(
            0, max(targets[c_id], 24 * 60 * instance.horizon.days), f"workload_deviation[{c_id}]"
        )
        model.add(deviation >= load - targets[c_id])
        model.add(deviation >= targets[c_id] - load)
        deviations.append(deviation)
    return deviations
