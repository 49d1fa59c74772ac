"""Progress of a day-by-day baseline, in the events the continuity solver sends.

The district is one row ("district"): after each batch of days, the plan so far scored like
a team's (visits missed so far, distinct carers, travel), so the live display of `solve` and
`compare` shows a baseline moving through the horizon.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from hemplan.solver.method import Progress
from hemplan.solver.problem import Problem
from hemplan.solver.score import score
from hemplan.solver.solution import Solution


def day_progress(
    problem: Problem, started: float, on_progress: Callable[[Progress], None]
) -> Callable[[Solution, int], None]:
    """An `on_batch` callback for `plan_by_day` that reports the solution so far."""
    first = [True]

    def report(plan: Solution, days_done: int) -> None:
        missed = [
            v
            for v in problem.instance.visits
            if v.id not in plan.assignments and v.days[-1] < days_done
        ]
        so_far = replace(  # visits of days still to come are not unserved yet
            score(problem, plan, bounds={}),
            unassigned_mandatory=sum(v.priority == "mandatory" for v in missed),
            unassigned_deferrable=sum(v.priority == "deferrable" for v in missed),
        )
        on_progress(Progress(time.monotonic() - started, "district", so_far, 0, first[0]))
        first[0] = False

    return report
