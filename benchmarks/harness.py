"""One benchmark job of `hemplan bench`: build the case's instance, plan it with one method,
verify it with the evaluator, and return one row of figures.

Each job runs in a fresh process of its own (`run_jobs`, through `hemplan.solver.executors`),
so wall time and peak memory are its own. Figures come from the evaluator, and for a public
set the set's own objective is recomputed exactly from the source data by the set's
converter (`Converted.objective`, see `hemplan.models.io.convert.common`).
"""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hemplan.benchmarks.suites import Case
from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator import Evaluation, evaluate
from hemplan.models.generator import generate_instance
from hemplan.models.io.convert import SETS
from hemplan.models.io.convert.common import Converted, write_converted
from hemplan.models.io.load import load_instance
from hemplan.models.io.patterns import expand_patterns
from hemplan.solver.executors import make_executor
from hemplan.solver.method import SolveOptions
from hemplan.solver.methods import METHODS

Row = dict[str, str | int | float | None]


@dataclass(frozen=True)
class Job:
    """A case, a method and the options it runs with (one repeat = one seed)."""

    case: Case
    method: str
    options: SolveOptions


def build(case: Case, folder: Path) -> tuple[Instance, Converted | None]:
    """The case's instance (converted into `folder` for a public set)."""
    if case.kind == "file":
        return load_instance(case.source), None
    if case.kind == "generated":
        teams, clients, staff, days = (int(part) for part in case.source.split("x"))
        generated = generate_instance(teams, clients, staff, days, seed=1, name=case.name)
        return expand_patterns(generated), None  # as `load_instance` would after `hemplan generate`
    converted = SETS[case.kind](Path(case.source))
    return write_converted(converted, folder / f"{converted.name}.json"), converted


def run_job(job: Job) -> Row:
    """Plan one case with one method and return its row (called in a fresh process)."""
    with tempfile.TemporaryDirectory(prefix="hemplan-bench-") as folder:
        instance, converted = build(job.case, Path(folder))
        began = time.monotonic()
        result = METHODS[job.method].solve(instance, job.options, lambda event: None)
        wall = time.monotonic() - began
        # checked again here, under the borrowing rule the method planned by
        # (central methods borrow)
        evaluation = evaluate(
            instance, result.schedule, allow_borrowing=result.schedule.allow_borrowing
        )
        m = evaluation.metrics
        row: Row = {
            "instance": job.case.name,
            "method": job.method,
            "seed": job.options.seed,
            "teams": len(instance.teams),
            "visits": m.visits,
            "ok": "yes" if not evaluation.violations else f"NO ({len(evaluation.violations)})",
            "unassigned": m.unassigned_mandatory + m.unassigned_deferrable,
            "carers_mean": m.distinct_carers_horizon.mean if m.distinct_carers_horizon else None,
            "carers_max": m.distinct_carers_horizon.max if m.distinct_carers_horizon else None,
            "one_carer_share": _one_carer_share(evaluation),
            "lower_bound": m.lower_bound_total,
            "distinct_total": m.distinct_carers_total,
            "gap": m.gap_to_lower_bound,
            "travel_min": m.travel_minutes,
            "objective": None,
            "reference": job.case.reference,
            "ref_gap": None,
            "objective_note": "",
            "wall_s": round(wall, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
        if converted is not None:
            objective = converted.objective(result.schedule, instance)
            row["objective"], row["objective_note"] = round(objective.value, 3), objective.note
            # a partial plan is not comparable, unless the set's objective counts what it leaves out
            if job.case.reference and (row["unassigned"] == 0 or objective.counts_partial):
                row["ref_gap"] = objective.value / job.case.reference - 1
        return row


def _one_carer_share(evaluation: Evaluation) -> float | None:
    """Share of served clients who met exactly one carer over the horizon."""
    served = [c for c in evaluation.clients.values() if c.assigned_visits]
    return sum(c.distinct == 1 for c in served) / len(served) if served else None


def _bench_task(job: Job, report: Callable[[Any], None], should_stop: Callable[[], bool]) -> Row:
    """Executor task: one job's row, also reported at once so that progress shows every row as it
    comes."""
    row = run_job(job)
    report(row)
    return row


def run_jobs(
    jobs: list[Job], on_done: Callable[[Row], None] = lambda row: None
) -> list[Row | None]:
    """Every job in a fresh process of its own, one after another (clean timing and memory).

    A Ctrl-C or SIGTERM (made a KeyboardInterrupt by the caller) kills the running job at once:
    its row and those of the jobs not started are None."""
    with make_executor("local", workers=1, fresh=True, abandon=True) as executor:
        return executor.map(_bench_task, jobs, on_event=on_done)
