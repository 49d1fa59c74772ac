"""Locks that cannot be kept are the planner's mistake, reported before any solving.

The solver keeps every lock exactly and never leaves a locked visit out, so a lock no carer
could honour on its own (the locked carer has no shift with room for it, lacks a skill, is
excluded, or nobody can start at the locked start) would otherwise surface only as a
violation after the search. Saying which visit and which field is wrong is kinder.
"""

from __future__ import annotations

from hemplan.models.contract.clock import format_clock
from hemplan.models.contract.instance import Visit
from hemplan.models.contract.problems import InputProblem
from hemplan.solver.eligibility import carer_rules_out
from hemplan.solver.problem import Problem


def lock_problems(problem: Problem, source: str) -> list[InputProblem]:
    """One input problem per locked visit whose lock no eligible carer and shift could keep."""
    found = []
    for visit in problem.instance.visits:
        if visit.locked_carers or visit.locked_start is not None:
            found += _visit_problems(problem, source, visit)
    return found


def _visit_problems(problem: Problem, source: str, visit: Visit) -> list[InputProblem]:
    instance, allow_borrowing = problem.instance, problem.allow_borrowing
    where = f"visits[{visit.id}]"
    at = f" at {format_clock(visit.locked_start)}" if visit.locked_start is not None else ""
    found = []
    for carer_id in visit.locked_carers:
        carer = instance.staff_by_id[carer_id]
        why = carer_rules_out(instance, carer, visit, allow_borrowing)
        if why is None and not problem.fitting_days(carer_id, visit):
            why = f"no shift on day(s) {_days(visit)} leaves room for it{at}"
        if why is not None:
            found.append(
                InputProblem(
                    source,
                    f"{where}.locked_carers",
                    f"locked carer {carer_id} cannot do this visit: {why}",
                )
            )
    if found:
        return found
    team = instance.client_by_id[visit.client].team
    able = [
        c
        for c in instance.staff
        if (allow_borrowing or c.team == team)
        and carer_rules_out(instance, c, visit, allow_borrowing) is None
        and problem.fitting_days(c.id, visit)
    ]
    if len(able) < visit.staff_needed:
        field = "locked_start" if visit.locked_start is not None else "locked_carers"
        return [
            InputProblem(
                source,
                f"{where}.{field}",
                f"needs {visit.staff_needed} carer(s){at} on day(s) {_days(visit)}, "
                f"only {len(able)} could serve it",
            )
        ]
    return []


def _days(visit: Visit) -> str:
    return str(visit.day) if len(visit.days) == 1 else f"{visit.days[0]}-{visit.days[-1]}"
