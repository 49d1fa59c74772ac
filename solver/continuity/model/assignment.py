"""Assignment and presence: which carer may serve a freed visit on which day, the visit's
start and whether it is served, and locks on carers.

A candidate literal exists only for a carer allowed for the visit (eligible, and in this step
among the carers the search offers it) on a day whose shift has room for it on its own
(`fitting_days`); everything else is ruled out before the model is built."""

from __future__ import annotations

from ortools.sat.python import cp_model

from hemplan.models.contract.instance import Visit
from hemplan.models.evaluator.eligibility import allowed_windows
from hemplan.solver.continuity.model.variables import Candidate, VisitVars
from hemplan.solver.problem import Problem


def add_candidates(
    model: cp_model.CpModel, problem: Problem, allowed: dict[str, list[str]], free_ids: list[str]
) -> dict[Candidate, cp_model.IntVar]:
    """`serves[v,c,d]`: carer c serves freed visit v on day d."""
    serves: dict[Candidate, cp_model.IntVar] = {}
    for v_id in free_ids:
        visit = problem.visit(v_id)
        for c_id in allowed.get(v_id, []):
            for day in problem.fitting_days(c_id, visit):
                serves[(v_id, c_id, day)] = model.new_bool_var(f"serves[{v_id},{c_id},{day}]")
    return serves


def add_visit(model: cp_model.CpModel, visit: Visit) -> VisitVars:
    """`start[v]` inside a window (exactly the locked start, if any) and `served[v]`: with
    several windows the variable's domain is their union, so no start between them exists."""
    windows = allowed_windows(visit)
    name = f"start[{visit.id}]"
    start = (
        model.new_int_var(windows[0][0], windows[0][1], name)
        if len(windows) == 1
        else model.new_int_var_from_domain(
            cp_model.Domain.from_intervals([list(w) for w in windows]), name
        )
    )
    return VisitVars(start, model.new_bool_var(f"served[{visit.id}]"))


def add_locked_carers(
    model: cp_model.CpModel,
    visit: Visit,
    variables: VisitVars,
    serves: dict[Candidate, cp_model.IntVar],
) -> None:
    """A locked carer serves the visit whenever it is served (a lock is hard)."""
    for c_id in visit.locked_carers:
        model.add(
            sum(lit for (v, c, _), lit in serves.items() if v == visit.id and c == c_id)
            == variables.served
        )
