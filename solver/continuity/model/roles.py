"""Roles: a served visit with roles has, on its day, a carer holding each role's skills.

Every candidate carer holds the skills of some role (eligibility), and staffing gives the visit
exactly as many carers as it has roles; so one carer per role suffices for the carers to share
the roles out (two roles: each is taken, and the two carers are distinct). A visit without
roles adds nothing."""

from __future__ import annotations

from ortools.sat.python import cp_model

from hemplan.models.contract.instance import Visit
from hemplan.solver.continuity.model.variables import Candidate, VisitVars
from hemplan.solver.problem import Problem


def add_roles(
    model: cp_model.CpModel,
    problem: Problem,
    visit: Visit,
    variables: VisitVars,
    serves: dict[Candidate, cp_model.IntVar],
) -> None:
    """On each day the visit is done (`on[v,d]`), at least one carer holding each role's
    skills serves it."""
    if visit.roles is None:
        return
    for day, on_day in variables.on_day.items():
        here = [(c, lit) for (v, c, d), lit in serves.items() if v == visit.id and d == day]
        add_day_roles(model, problem, visit, here, on_day)


def add_day_roles(
    model: cp_model.CpModel,
    problem: Problem,
    visit: Visit,
    here: list[tuple[str, cp_model.IntVar]],
    on_day: cp_model.IntVar,
) -> None:
    """When the visit is done on a day (`on_day`), of the carers that may serve it then
    (`here`: carer and literal), one holding each role's skills does. Also the free-starts
    step's (`continuity.free_starts`)."""
    if visit.roles is None:
        return
    for needed in visit.slot_skills:
        able = [lit for c, lit in here if needed <= set(problem.carer(c).skills)]
        model.add(sum(able) >= on_day)
