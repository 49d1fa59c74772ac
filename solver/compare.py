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
from hemplan.solver.executors import interrupt_on_stop, make_executor
from hemplan.solver.method import Progress, SolveOptions, SolveResult
from hemplan.solver.methods import METHODS


@dataclass
class MethodRun:
    """One method's verified result and its wall time (including verification)."""

    method: str
    result: SolveResult
    wall_s: float

    @property
    def interrupted(self) -> bool:
        """Stopped by a Ctrl-C or a stop request before its budget was spent: the result is
        the best plan it had, verified, and not comparable with a full run."""
        return self.result.interrupted


def run_methods(
    instance: Instance,
    options: SolveOptions,
    methods: list[str] | None = None,
    on_done: Callable[[MethodRun], None] = lambda run: None,
    on_progress: Callable[[str, Progress], None] = lambda method, event: None,
    stopped: Callable[[], bool] = lambda: False,
) -> list[MethodRun]:
    """Each method (all by default, in registry order) with the same budget, seed and workers.

    Locally the methods run one after another (each uses `workers` processes); with
    `options.executor == "dask"` or a scheduler each method run is one task on the cluster, all
    at once, each still with `workers` processes of its own (see `hemplan.solver.executors`).
    `on_progress` hears each method's progress events with the method's name.

    A Ctrl-C (KeyboardInterrupt in this thread) stops the comparison as a whole, as does
    `stopped()` (checked after each method): the running methods stop at their next step and
    keep their best plan (`MethodRun.interrupted`), the others are not run. Returned: the runs
    that have a verified result, finished or interrupted, in the order of `methods`."""
    names = methods or list(METHODS)
    runs: list[MethodRun] = []
    if options.executor == "local" and options.scheduler is None:
        try:
            for name in names:
                run = _run_method(
                    (instance, options, name), lambda tagged: on_progress(*tagged), lambda: False
                )
                if run is None:  # stopped before the method had a verified plan
                    break
                runs.append(run)
                on_done(run)
                if run.interrupted or stopped():
                    break
        except KeyboardInterrupt:  # between methods, or in `on_done`: what is done is kept
            pass
        return runs
    inside = replace(options, executor="local", scheduler=None)
    try:
        with make_executor(options.executor, options.scheduler, len(names)) as executor:
            results = executor.map(
                _run_method,
                [(instance, inside, name) for name in names],
                on_event=lambda tagged: on_progress(*tagged),
            )
    except KeyboardInterrupt:  # while the cluster started or closed: no method ran
        return runs
    for run in results:
        if run is not None:
            runs.append(run)
            on_done(run)
    return runs


def _run_method(
    job: tuple[Instance, SolveOptions, str],
    report: Callable[[Any], None],
    should_stop: Callable[[], bool],
) -> MethodRun | None:
    """Executor task: one method's verified run and its wall time; events tagged with the method.

    A stop request reaches the method as a Ctrl-C would (`interrupt_on_stop`: a method polls no
    stop request of its own); None when it came before the method had a verified plan."""
    instance, options, name = job
    began = time.monotonic()
    result: SolveResult | None = None
    try:
        with interrupt_on_stop(should_stop):
            result = METHODS[name].solve(instance, options, lambda event: report((name, event)))
    except KeyboardInterrupt:
        if result is None:
            return None
    return MethodRun(name, result, round(time.monotonic() - began, 2))
