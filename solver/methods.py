"""Planning methods by name: the continuity solver and the baselines it is compared with.

Every method takes the instance, the options and a progress callback and returns an
evaluator-verified `SolveResult` whose `solver.method` is its name, so `hemplan solve
--method` and `hemplan compare` treat them alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from models.instance import Instance
from solver.baselines.central_greedy import central_greedy
from solver.baselines.central_travel import central_travel
from solver.solve import Progress, SolveOptions, SolveResult, solve

Method = Callable[[Instance, SolveOptions, Callable[[Progress], None]], SolveResult]


def continuity(instance: Instance, options: SolveOptions, on_progress: Callable[[Progress], None]) -> SolveResult:
    """Teams kept, fewest carers per client first, travel last (`solver.solve`)."""
    return solve(instance, replace(options, objective="continuity"), on_progress)


def teams_travel(instance: Instance, options: SolveOptions, on_progress: Callable[[Progress], None]) -> SolveResult:
    """Teams kept, travel-only objective: the effect of teams without the continuity objective."""
    return solve(instance, replace(options, objective="travel"), on_progress)


METHODS: dict[str, Method] = {
    "continuity": continuity,
    "central-travel": central_travel,
    "central-greedy": central_greedy,
    "teams-travel": teams_travel,
}
