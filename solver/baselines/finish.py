"""Turn a baseline's plan into a verified SolveResult, exactly as `solve` does for its own.

Central methods ignore team boundaries, so their schedules say `allow_borrowing` and are
judged with it; every other hard constraint is checked as always, and a violation is a bug.
"""

from __future__ import annotations

import time

from models.evaluator import evaluate
from models.instance import Instance
from models.schedule import SolverInfo
from models.travel import TravelTimes
from models.version import hemplan_version
from solver.plan import Plan
from solver.solve import SolveOptions, SolverBug, SolveResult


def verified_result(
    instance: Instance,
    travel: TravelTimes,
    plan: Plan,
    method: str,
    options: SolveOptions,
    started: float,
    settings: dict[str, str | int | float | bool],
    interrupted: bool = False,
) -> SolveResult:
    """The evaluator-checked schedule of `plan`; raises SolverBug on any violation."""
    info = SolverInfo(
        method=method,
        status="INTERRUPTED" if interrupted else "FEASIBLE",
        seed=options.seed,
        workers=options.workers,
        version=hemplan_version(),
        options={"time_limit": options.time_limit, "allow_borrowing": True} | settings,
    )
    schedule = plan.to_schedule(instance, travel, solver=info, allow_borrowing=True)
    evaluation = evaluate(instance, schedule, travel, allow_borrowing=True)
    if evaluation.violations:
        listed = "\n".join(str(v) for v in evaluation.violations[:20])
        raise SolverBug(f"{method} produced {len(evaluation.violations)} violation(s):\n{listed}")
    m = evaluation.metrics
    info.objective = {
        "unassigned_mandatory": float(m.unassigned_mandatory),
        "unassigned_deferrable": float(m.unassigned_deferrable),
        "travel": float(m.travel_minutes),
    }
    info.wall_time_s = round(time.monotonic() - started, 3)
    schedule.metrics = m
    return SolveResult(schedule, evaluation, first_solution_s=info.wall_time_s, interrupted=interrupted)
