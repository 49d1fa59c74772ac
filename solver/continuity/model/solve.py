"""Solving a step: the objective's heads first, then its minutes with the heads held.

With one weighted objective a step spends most of its budget trading travel and arrival
minutes inside the neighbourhood. Alone, the heads (unserved visits, new pairs, preferred
carers) are often proved optimal in a fraction of it, and they are where the carer counts
move. The second stage starts from the first's solution with `polish_share` of the work the
first left (with a deterministic limit), or the time left, so a step whose heads are settled
ends early and the next one comes sooner."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from hemplan.solver.continuity.model.objective import Levels

SEED_RANGE = 2**32  # CP-SAT takes a signed 32-bit seed


def cp_sat_seed(seed: int) -> int:
    """CP-SAT's `random_seed` is a 32-bit integer; hemplan's seed is any whole number. The seed
    is wrapped into [-2**31, 2**31) (two's complement): a 32-bit seed passes unchanged, any
    other always maps to the same one, so a seed keeps giving the same schedule."""
    return (seed + SEED_RANGE // 2) % SEED_RANGE - SEED_RANGE // 2


@dataclass
class Solved:
    """The solver holding the step's solution, its status and the work both stages spent."""

    solver: cp_model.CpSolver
    status: str
    work: float


def lexicographic(
    model: cp_model.CpModel,
    levels: Levels,
    time_limit: float,
    seed: int,
    workers: int,
    deterministic_limit: float | None,
    polish_share: float,
) -> Solved | None:
    """Minimise the heads, then heads plus minutes with the heads held at what the first stage
    found; None when the first stage finds no solution."""
    began = time.monotonic()
    first = cp_solver(time_limit, seed, workers, deterministic_limit)
    model.minimize(levels.heads)
    status = first.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    work, first_status = first.deterministic_time, first.status_name(status)
    left = time_limit - (time.monotonic() - began)
    budget = None if deterministic_limit is None else polish_share * (deterministic_limit - work)
    if (budget is not None and budget <= 0) or left <= 0:
        return Solved(first, first_status, work)
    model.add(levels.heads <= round(first.objective_value))
    model.clear_hints()
    for index in range(len(model.proto.variables)):
        variable = model.get_int_var_from_proto_index(index)
        model.add_hint(variable, first.value(variable))
    model.minimize(levels.heads + levels.minutes)
    second = cp_solver(left, seed, workers, budget)
    status = second.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solved(first, first_status, work)
    return Solved(second, second.status_name(status), work + second.deterministic_time)


def cp_solver(
    time_limit: float, seed: int, workers: int, deterministic_limit: float | None
) -> cp_model.CpSolver:
    """A CP-SAT solver set for a small neighbourhood searched from its hint."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = cp_sat_seed(seed)
    solver.parameters.catch_sigint_signal = False  # Ctrl-C is handled by the search loop
    solver.parameters.max_presolve_iterations = (
        1  # small budgets: search from the hint, not presolve
    )
    solver.parameters.cp_model_probing_level = 0  # measured: more LNS steps pay more than probing
    solver.parameters.symmetry_level = 0
    if deterministic_limit is not None:
        solver.parameters.max_deterministic_time = deterministic_limit
    return solver
