"""Run every planning method on one instance with the same options, and time each.

Only the running lives here; the table is built from the evaluator's figures in
`cli/compare_table.py`, so a method's own view of its result never enters the comparison.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from hemplan.models.contract.instance import Instance
from hemplan.solver.executors import make_executor
from hemplan.solver.method import Progress, SolveOptions, SolveResult
from hemplan.solver.methods import METHODS


@dataclass
class MethodRun:
    """One method's verified result and its wall time (including verification)."""

    method: str
    result: SolveResult
    wall_s: float


def run_methods(
    instance: Instance,
    options: SolveOptions,
    methods: list[str] | None = None,
    on_done: Callable[[MethodRun], None] = lambda run: None,
    on_progress: Callable[[str, Progress], None] = lambda method, event: None,
) -> list[MethodRun]:
    """Each method (all by default, in registry order) with the same budget, seed and workers.

    Locally the methods run one after another (each uses `workers` processes); with
    `options.executor == "dask"` or a scheduler each method run is one task on the cluster, all
    at once, each still with `workers` processes of its own (see `hemplan.solver.executors`).
    `on_progress` hears each method's progress events with the method's name."""
    names = methods or list(METHODS)
    if options.executor == "local" and options.scheduler is None:
        runs = []
        for name in names:
            run = _run_method(
                (instance, options, name), lambda tagged: on_progress(*tagged), lambda: False
            )
            on_done(run)
            runs.append(run)
        return runs
    inside = replace(options, executor="local", scheduler=None)
    with make_executor(options.executor, options.scheduler, len(names)) as executor:
        runs = executor.map(
            _run_method,
            [(instance, inside, name) for name in names],
            on_event=lambda tagged: on_progress(*tagged),
        )
    for run in runs:
        on_done(run)
    return runs


def _run_method(
    job: tuple[Instance, SolveOptions, str],
    report: Callable[[Any], None],
    should_stop: Callable[[], bool],
) -> MethodRun:
    """Executor task: one method's verified run and its wall time; events tagged with the method."""
    instance, options, name = job
    began = time.monotonic()
    result = METHODS[name].solve(instance, options, lambda event: report((name, event)))
    return MethodRun(name, result, round(time.monotonic() - began, 2))
