"""One step of the search: re-plan a set of freed visits with CP-SAT, everything else fixed.

The freed visits may go to any allowed carer on any allowed day; the model is built family by
family (`solver.continuity.model`, one module each) and solved heads first. The result holds
the freed visits' new placements and the breaks of the routes the step touched.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from hemplan.solver.continuity.model.assignment import add_candidates, add_locked_carers, add_visit
from hemplan.solver.continuity.model.continuity import add_new_pairs
from hemplan.solver.continuity.model.hint import add_hint
from hemplan.solver.continuity.model.objective import objective_levels
from hemplan.solver.continuity.model.roles import add_roles
from hemplan.solver.continuity.model.routes import add_route
from hemplan.solver.continuity.model.solve import lexicographic
from hemplan.solver.continuity.model.staffing import add_staffing
from hemplan.solver.continuity.model.stagger import StaggerVars, add_stagger, hint_stagger
from hemplan.solver.continuity.model.times import Start
from hemplan.solver.continuity.model.travel_budget import outside_travel
from hemplan.solver.continuity.model.variables import VisitVars
from hemplan.solver.problem import Problem
from hemplan.solver.score import Weights
from hemplan.solver.solution import Placement, Solution


@dataclass(frozen=True)
class StepLimits:
    """What one step may spend: `work` bounds CP-SAT in its deterministic time units, so that
    with one worker and a seed the step does the same work whatever the machine's load;
    `seconds` (wall) stays as a guard."""

    seconds: float
    work: float | None
    seed: int = 0
    workers: int = 1


@dataclass
class NeighbourhoodResult:
    """New placements of the freed visits (None: unserved) and the breaks of touched routes."""

    placements: dict[str, Placement | None]
    breaks: dict[tuple[str, int], int]
    status: str
    deterministic_time: float = 0.0
    variables: int = 0


def solve_neighbourhood(
    problem: Problem,
    solution: Solution,
    free: set[str],
    allowed: dict[str, list[str]],
    limits: StepLimits,
    weights: Weights = Weights(),
    polish_share: float = 1.0,
) -> NeighbourhoodResult | None:
    """Re-plan the `free` visits of `solution` around its fixed rest, each among its `allowed`
    carers; None if no solution was found. `polish_share`: of the work left once the
    objective's heads are solved, the share for its minutes (see `model.solve.lexicographic`).
    """
    current = solution.assignments
    model = cp_model.CpModel()
    free_ids = sorted(free)
    serves = add_candidates(model, problem, allowed, free_ids)
    visits: dict[str, VisitVars] = {}
    staggered: dict[str, StaggerVars] = {}  # a visit whose carers start apart: own starts
    for v_id in free_ids:
        visit = problem.visit(v_id)
        visits[v_id] = add_visit(model, visit)
        add_staffing(model, visit, visits[v_id], serves)
        add_locked_carers(model, visit, visits[v_id], serves)
        if visit.staggered:
            staggered[v_id] = add_stagger(model, problem, visit, visits[v_id], serves)
        else:
            add_roles(model, problem, visit, visits[v_id], serves)

    start: dict[str, Start] = {v_id: visits[v_id].start for v_id in free_ids}
    fixed_on: dict[tuple[str, int], list[str]] = {}
    for v_id, p in current.items():
        if v_id not in start:
            start[v_id] = p.start
            for c_id in p.carers:
                fixed_on.setdefault((c_id, p.day), []).append(v_id)
    routes = [
        add_route(
            model,
            problem,
            c,
            d,
            sorted(fixed_on.get((c, d), []), key=lambda v: current[v].start_of(c)),
            [v for v in free_ids if (v, c, d) in serves],
            serves,
            _own_starts(start, current, c, fixed_on.get((c, d), []), staggered),
        )
        for c, d in sorted({(c, d) for (_, c, d) in serves})
    ]
    new_pairs = add_new_pairs(model, problem, current, free, serves)
    outside = (
        0
        if problem.travel_budget is None
        else outside_travel(problem, current, free, {(r.carer, r.day) for r in routes})
    )
    levels = objective_levels(
        model,
        problem,
        current,
        free_ids,
        visits,
        serves,
        routes,
        new_pairs,
        start,
        weights,
        outside,
        {v: s.second for v, s in staggered.items()},
    )
    add_hint(model, problem, routes, current, solution.breaks, free_ids, serves, visits)
    for v_id, stagger in staggered.items():
        hint_stagger(model, stagger, current.get(v_id))
    solved = lexicographic(
        model,
        levels,
        limits.seconds,
        limits.seed,
        limits.workers,
        limits.work,
        polish_share,
    )
    if solved is None:
        return None
    value = solved.solver.value
    placements: dict[str, Placement | None] = {}
    for v_id in free_ids:
        if not value(visits[v_id].served):
            placements[v_id] = None
            continue
        chosen = [(c, d) for (v, c, d), lit in serves.items() if v == v_id and value(lit)]
        carers = tuple(sorted(c for c, _ in chosen))
        own = tuple(value(staggered[v_id].own[c]) for c in carers) if v_id in staggered else ()
        placements[v_id] = Placement(
            day=chosen[0][1],
            start=value(visits[v_id].start),
            carers=carers,
            starts=own if len(set(own)) > 1 else (),  # listed only when they differ
        )
    new_breaks = {
        (r.carer, r.day): value(r.break_start)
        for r in routes
        if r.break_start is not None and value(r.active)
    }
    return NeighbourhoodResult(
        placements, new_breaks, solved.status, solved.work, len(model.proto.variables)
    )


def _own_starts(
    start: dict[str, Start],
    current: dict[str, Placement],
    carer: str,
    fixed: list[str],
    staggered: dict[str, StaggerVars],
) -> dict[str, Start]:
    """The starts a carer's route sees: a visit whose carers start apart at this carer's own
    start, fixed or freed (the same dict when there is none, the common case)."""
    own: dict[str, Start] = {v: current[v].start_of(carer) for v in fixed if current[v].starts}
    own.update({v: s.own[carer] for v, s in staggered.items() if carer in s.own})
    return {**start, **own} if own else start
