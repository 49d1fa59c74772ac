"""Staffing: a served visit has exactly as many carers as it needs, all on one of its days.

A double-staffed visit has one start variable shared by both its carers, so two carers
serving it start together by construction; this family makes sure there are two."""

from __future__ import annotations

from ortools.sat.python import cp_model

from hemplan.models.contract.instance import Visit
from hemplan.solver.continuity.model.variables import Candidate, VisitVars


def add_staffing(
    model: cp_model.CpModel,
    visit: Visit,
    variables: VisitVars,
    serves: dict[Candidate, cp_model.IntVar],
) -> None:
    """`on[v,d]`: the visit is done on day d, by exactly `staff_needed` carers; it is served
    on one day or not at all."""
    for day in visit.days:
        lits = [lit for (v, _, d), lit in serves.items() if v == visit.id and d == day]
        if not lits:
            continue
        on_day = model.new_bool_var(f"on[{visit.id},{day}]")
        model.add(sum(lits) == visit.staff_needed * on_day)
        variables.on_day[day] = on_day
    model.add(sum(variables.on_day.values()) == variables.served)
