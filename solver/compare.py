"""Run every planning method on one instance with the same options, and time each.

Only the running lives here; the table is built from the evaluator's figures in
`cli/compare_table.py`, so a method's own view of its result never enters the comparison.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from models.instance import Instance
from solver.methods import METHODS
from solver.solve import SolveOptions, SolveResult


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
) -> list[MethodRun]:
    """Each method (all by default, in registry order) with the same budget, seed and workers."""
    runs = []
    for name in methods or list(METHODS):
        began = time.monotonic()
        result = METHODS[name](instance, options, lambda event: None)
        run = MethodRun(name, result, round(time.monotonic() - began, 2))
        on_done(run)
        runs.append(run)
    return runs
