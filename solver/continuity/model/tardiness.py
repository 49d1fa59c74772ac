"""Tardiness: with soft windows, the minutes a freed visit starts after its window's latest.

The start's domain already reaches `lateness.max` further (`model.assignment.add_visit`); here
each freed visit with soft windows gets `tardiness[v]` >= its start less the latest start of
the window it falls in, which the objective prices, so a late start is taken only when it buys
more than it costs. Each late minute counts once per carer that starts late, as
`solver.score` counts it: every carer at the visit's start, or with a start gap the first
role's and the second role's starts. Hard windows add nothing.

With `Weights.max_tardiness`, the plan's largest lateness is priced too (`add_worst_lateness`):
one variable at least every freed start's lateness and the largest of the fixed visits'."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from hemplan.solver.continuity.model.variables import VisitVars
from hemplan.solver.problem import Problem


@dataclass
class Lateness:
    """The late minutes of the freed visits: per visit, its minutes times the carers they
    count for (`terms`), and each distinct late start (`starts`)."""

    terms: list[cp_model.LinearExpr] = field(default_factory=list)
    starts: list[cp_model.IntVar] = field(default_factory=list)


def add_tardiness(
    model: cp_model.CpModel,
    problem: Problem,
    free_ids: list[str],
    visits: dict[str, VisitVars],
    second_starts: dict[str, cp_model.IntVar] | None = None,
) -> Lateness:
    """Per freed visit with soft windows, its late minutes times its carers (served only); a
    visit whose carers start apart (`second_starts`) counts the first role's start once and
    the second role's start once, against the window the first start counts against."""
    second_starts = second_starts or {}
    found = Lateness()
    for v_id in free_ids:
        visit = problem.visit(v_id)
        if visit.lateness is None:
            continue
        served = visits[v_id].served
        second = second_starts.get(v_id)
        starts = [visits[v_id].start] if second is None else [visits[v_id].start, second]
        lates = [
            model.new_int_var(
                0, visit.late_allowance + visit.start_gap[1], f"tardiness[{v_id},{k}]"
            )
            for k in range(len(starts))
        ]
        windows = visit.start_windows
        if len(windows) == 1:
            for late, start in zip(lates, starts):
                model.add(late >= start - windows[0][1]).only_enforce_if(served)
        else:  # the window the start counts against: one it falls in, with its lateness
            picks = []
            for k, (earliest, latest) in enumerate(windows):
                pick = model.new_bool_var(f"late_window[{v_id},{k}]")
                model.add(starts[0] >= earliest).only_enforce_if(pick)
                model.add(starts[0] <= latest + visit.late_allowance).only_enforce_if(pick)
                for late, start in zip(lates, starts):
                    model.add(late >= start - latest).only_enforce_if([pick, served])
                picks.append(pick)
            model.add_exactly_one(picks)
        if second is None:
            found.terms.append(visit.staff_needed * lates[0])
        else:
            found.terms.append(lates[0] + lates[1])
        found.starts += lates
    return found


def add_worst_lateness(
    model: cp_model.CpModel, lateness: Lateness, fixed_worst: int
) -> cp_model.IntVar | int:
    """The plan's largest lateness: at least each freed start's and `fixed_worst`, the largest
    of the visits the step does not move (minimising it makes it the largest)."""
    if not lateness.starts:
        return fixed_worst
    top = max(int(list(v.proto.domain)[-1]) for v in lateness.starts)  # its largest value
    worst = model.new_int_var(fixed_worst, max(fixed_worst, top), "max_tardiness")
    for late in lateness.starts:
        model.add(worst >= late)
    return worst
