"""One benchmark job of `hemplan bench`: build the case's instance, plan it with one method,
verify it with the evaluator, and return one row of figures.

Each job runs in its own fresh process (`run_local`), so wall time and peak memory are its
own; `run_local` is the one place a distributed executor would replace. Figures come from
the evaluator, and for a public set the set's own objective is recomputed exactly from the
source data (see `hemplan.models.io.convert.common`).
"""

from __future__ import annotations

import multiprocessing
import resource
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from hemplan.models.io.convert import SETS
from hemplan.models.io.convert.common import Converted, exact_route_cost, write_converted
from hemplan.models.io.convert.mankowska import sync_kept
from hemplan.models.evaluator import evaluate
from hemplan.models.generator import generate_instance
from hemplan.models.contract.instance import Instance
from hemplan.models.io.load import load_instance
from hemplan.models.io.patterns import expand_patterns
from hemplan.benchmarks.suites import Case
from hemplan.solver.methods import METHODS
from hemplan.solver.method import SolveOptions

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


def source_objective(case: Case, instance: Instance, converted: Converted, result_schedule) -> tuple[float, str]:
    """The set's own objective of the schedule, exactly from the source, and a note."""
    distance, starts = exact_route_cost(result_schedule, instance, converted)
    if case.kind == "mankowska":
        kept, total = sync_kept(Path(case.source), starts)  # tardiness is 0: windows are hard here
        return distance / 3, f"travel+tardiness (1/3 each); double services synchronised {kept}/{total}"
    if case.kind == "hosseini":
        served = {v.client for v in instance.visits} - {instance.visit_by_id[u.visit].client
                                                         for u in result_schedule.unassigned}
        return float(len(served)), "accepted patients (every visit served)"
    if case.kind == "uhhc":
        return distance, "travel only (the reference is the weighted UHHC objective)"
    return distance, "distance, exact Euclidean"


def run_job(job: Job) -> Row:
    """Plan one case with one method and return its row (called in a fresh process)."""
    with tempfile.TemporaryDirectory(prefix="hemplan-bench-") as folder:
        instance, converted = build(job.case, Path(folder))
        began = time.monotonic()
        result = METHODS[job.method].solve(instance, job.options, lambda event: None)
        wall = time.monotonic() - began
        # checked again here, under the borrowing rule the method planned by (central methods borrow)
        evaluation = evaluate(instance, result.schedule, allow_borrowing=result.schedule.allow_borrowing)
        m = evaluation.metrics
        row: Row = {
            "instance": job.case.name, "method": job.method, "seed": job.options.seed,
            "teams": len(instance.teams), "visits": m.visits,
            "ok": "yes" if not evaluation.violations else f"NO ({len(evaluation.violations)})",
            "unassigned": m.unassigned_mandatory + m.unassigned_deferrable,
            "carers_mean": m.distinct_carers_horizon.mean if m.distinct_carers_horizon else None,
            "carers_max": m.distinct_carers_horizon.max if m.distinct_carers_horizon else None,
            "one_carer_share": _one_carer_share(evaluation),
            "lower_bound": m.lower_bound_total, "distinct_total": m.distinct_carers_total,
            "gap": m.gap_to_lower_bound, "travel_min": m.travel_minutes,
            "objective": None, "reference": job.case.reference, "ref_gap": None, "objective_note": "",
            "wall_s": round(wall, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
        if converted is not None:
            value, note = source_objective(job.case, instance, converted, result.schedule)
            row["objective"], row["objective_note"] = round(value, 3), note
            # a partial plan is not comparable, except by the count of patients it accepts
            if job.case.reference and (row["unassigned"] == 0 or job.case.kind == "hosseini"):
                row["ref_gap"] = value / job.case.reference - 1
        return row


def _one_carer_share(evaluation) -> float | None:
    """Share of served clients who met exactly one carer over the horizon."""
    served = [c for c in evaluation.clients.values() if c.assigned_visits]
    return sum(c.distinct == 1 for c in served) / len(served) if served else None


def run_local(jobs: list[Job], on_done: Callable[[Row], None] = lambda row: None) -> list[Row]:
    """Every job in its own fresh process, one after another (clean timing and memory)."""
    rows = []
    context = multiprocessing.get_context("spawn")
    for job in jobs:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            row = pool.submit(run_job, job).result()
        on_done(row)
        rows.append(row)
    return rows
