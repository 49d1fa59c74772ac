"""Tardiness: with soft windows, the minutes a freed visit starts after its window's latest.

The start's domain already reaches `lateness.max` further (`model.assignment.add_visit`); here
each freed visit with soft windows gets `tardiness[v]` >= its start less the latest start of
the window it falls in, which the objective prices, so a late start is taken only when it buys
more than it costs. Every carer of the visit starts then (freed visits have no start gap), so
each late minute counts once per carer, as `solver.score` counts it. Hard windows add nothing."""

from __future__ import annotations

from ortools.sat.python import cp_model

from hemplan.solver.continuity.model.variables import VisitVars
from hemplan.solver.problem import Problem


def add_tardiness(
    model: cp_model.CpModel, problem: Problem, free_ids: list[str], visits: dict[str, VisitVars]
) -> list[cp_model.LinearExpr]:
    """Per freed visit with soft windows, its late minutes times its carers (served only)."""
    terms: list[cp_model.LinearExpr] = []
    for v_id in free_ids:
        visit = problem.visit(v_id)
        if visit.lateness is None:
            continue
        start, served = visits[v_id].start, visits[v_id].served
        late = model.new_int_var(0, visit.late_allowance, f"tardiness[{v_id}]")
        windows = visit.start_windows
        if len(windows) == 1:
            model.add(late >= start - windows[0][1]).only_enforce_if(served)
        else:  # the window the start counts against: one it falls in, with its lateness
            picks = []
            for k, (earliest, latest) in enumerate(windows):
                pick = model.new_bool_var(f"late_window[{v_id},{k}]")
                model.add(start >= earliest).only_enforce_if(pick)
                model.add(start <= latest + visit.late_allowance).only_enforce_if(pick)
                model.add(late >= start - latest).only_enforce_if([pick, served])
                picks.append(pick)
            model.add_exactly_one(picks)
        terms.append(visit.staff_needed * late)
    return terms
