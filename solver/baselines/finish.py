"""The last step of a day-by-day baseline: its solution as a verified SolveResult.

Central methods ignore team boundaries, so their schedules say `allow_borrowing` and are
judged with it (teams-travel keeps the teams and is judged without); every other hard
constraint is checked as always (`solver.method.finish`).
"""

from __future__ import annotations

from hemplan.models.contract.schedule import SolverInfo
from hemplan.solver.method import SolveOptions, SolveResult, finish
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Solution


def verified_result(
    problem: Problem,
    plan: Solution,
    method: str,
    options: SolveOptions,
    started: float,
    settings: dict[str, str | int | float | bool],
    interrupted: bool = False,
) -> SolveResult:
    """The evaluator-checked schedule of `plan` (borrowing as the problem allows it), its
    objective the evaluator's unserved visits and travel; raises SolverBug on any violation."""
    info = SolverInfo(
        method=method,
        status="INTERRUPTED" if interrupted else "FEASIBLE",
        seed=options.seed,
        workers=options.workers,
        options={
            "time_limit": options.time_limit,
            "allow_borrowing": problem.allow_borrowing,
            **settings,
        },
    )
    schedule, evaluation = finish(problem, plan, info, started)
    m = evaluation.metrics
    info.objective = {
        "unassigned_mandatory": float(m.unassigned_mandatory),
        "unassigned_deferrable": float(m.unassigned_deferrable),
        "travel": float(m.travel_minutes),
    }
    return SolveResult(
        schedule, evaluation, first_solution_s=info.wall_time_s, interrupted=interrupted
    )
