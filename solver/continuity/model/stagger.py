"""Start gaps: a freed visit whose two carers start apart (`Visit.gap`).

The visit's `start` is the first role's; `second` = start + `gap[v]`, the gap within [min,
max]. Each candidate carer takes one role (`role[v,c,k]`, only a role whose skills it
holds) when it serves the visit, each role is taken once when the visit is served, and the
carer's route sees its own start (`own_start[v,c]`): the first role's start or the second's.
This replaces the roles family for such a visit, as the roles are given out here."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from hemplan.models.contract.instance import Visit
from hemplan.solver.continuity.model.variables import Candidate, VisitVars
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Placement


@dataclass(frozen=True)
class StaggerVars:
    """A staggered visit's gap, second start, and per candidate carer its own start and
    roles."""

    gap: cp_model.IntVar
    second: cp_model.IntVar
    own: dict[str, cp_model.IntVar]
    role: dict[tuple[str, int], cp_model.IntVar]


def add_stagger(
    model: cp_model.CpModel,
    problem: Problem,
    visit: Visit,
    variables: VisitVars,
    serves: dict[Candidate, cp_model.IntVar],
) -> StaggerVars:
    """The gap, the roles and each candidate carer's own start of staggered `visit`."""
    low, high = visit.start_gap
    windows = visit.allowed_starts
    first, last = windows[0][0], windows[-1][1] + high
    v = visit.id
    gap = model.new_int_var(low, high, f"gap[{v}]")
    second = model.new_int_var(first + low, last, f"second_start[{v}]")
    model.add(second == variables.start + gap)
    carers = sorted({c for (visit_id, c, _) in serves if visit_id == v})
    own: dict[str, cp_model.IntVar] = {}
    role: dict[tuple[str, int], cp_model.IntVar] = {}
    for c in carers:
        serving = sum(lit for (visit_id, cc, _), lit in serves.items() if visit_id == v and cc == c)
        held = set(problem.carer(c).skills)
        takes = []
        for k, needed in enumerate(visit.slot_skills):
            lit = model.new_bool_var(f"role[{v},{c},{k}]")
            if not needed <= held:
                model.add(lit == 0)
            role[(c, k)] = lit
            takes.append(lit)
        model.add(sum(takes) == serving)
        start = model.new_int_var(first, last, f"own_start[{v},{c}]")
        model.add(start == variables.start).only_enforce_if(takes[0])
        model.add(start == second).only_enforce_if(takes[1])
        own[c] = start
    for k in range(len(visit.slot_skills)):
        model.add(sum(role[(c, k)] for c in carers) == variables.served)
    return StaggerVars(gap, second, own, role)


def hint_stagger(model: cp_model.CpModel, stagger: StaggerVars, placed: Placement | None) -> None:
    """Hint the gap and the carers' own starts as the plan has them now."""
    if placed is None:
        return
    starts = [placed.start_of(c) for c in placed.carers]
    model.add_hint(stagger.gap, max(starts) - min(starts))
    for c in placed.carers:
        if c in stagger.own:
            model.add_hint(stagger.own[c], placed.start_of(c))
