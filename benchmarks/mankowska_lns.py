"""Large neighbourhood search with the Mankowska CP-SAT model (`mankowska_model`).

With one worker CP-SAT runs no neighbourhood search of its own, and the whole model of a
50-patient instance improves slowly, so the budget is spent as in the product's solver: the
whole model first (it proves the 10-patient instances optimal in well under a second), then
short runs of the model restricted around the best solution (`mankowska_model.build` with
kept and freed slots, without presolve: measured on C9, its dual-reduction loop alone took
over a second of each 1-s step before the search met the hint): either one to three staff
members' routes re-planned among themselves, or a cluster of related patients (close in
space and window) or the patients of one stretch of the day re-inserted anywhere; every
other service keeps its staff member and its place in that member's order.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from benchmarks.mankowska_model import Built, add_hint, build, run
from benchmarks.mankowska_source import Slot, Solution, Source

FIRST = 0.05  # share of the budget the whole model gets before the neighbourhoods,
FIRST_MIN = 1.0  # but at least this many seconds (when the budget allows)
STEP = 1.0  # seconds per neighbourhood run
STEP_WORK = 0.05  # deterministic units per run under a work limit (measured: ~1 s on B1)


@dataclass
class Result:
    """The best grid solution, "OPTIMAL" when the whole model proved it (else "FEASIBLE"),
    its grid objective and how many neighbourhoods were tried."""

    solution: Solution
    status: str
    objective: float
    steps: int


def search(grid: Source, start: Solution, time_limit: float, workers: int = 1, seed: int = 0,
           work_limit: float | None = None) -> Result:
    """Improve the feasible grid solution `start` within `time_limit` seconds and, if given,
    `work_limit` units of CP-SAT's deterministic time, handed out in allowances of
    `STEP_WORK` per neighbourhood (so a fixed number of steps): then, with one worker, the
    result depends only on the seed as long as the wall limit does not cut in first."""
    began = time.monotonic()
    whole = build(grid)
    add_hint(whole, start)
    if work_limit is None:
        first = run(whole, min(time_limit, max(FIRST_MIN, FIRST * time_limit)), workers, seed)
    else:
        first = run(whole, time_limit, workers, seed, FIRST * work_limit)
    best = Result(first.solution or start, first.status, first.objective, 0)
    if first.status == "OPTIMAL":
        return best
    best.status = "FEASIBLE"
    rng = random.Random(seed)
    size = 1.0  # neighbourhood scale: grows while steps finish, shrinks while they time out
    spent = 0.0 if work_limit is None else FIRST * work_limit
    while time_limit - (time.monotonic() - began) > 0.05:
        work = None if work_limit is None else min(STEP_WORK, work_limit - spent)
        if work is not None and work <= 0:
            break
        freed = rng.choice(NEIGHBOURHOODS)(grid, best.solution, rng, size)
        built = _neighbourhood(grid, best.solution, freed, best.objective)
        add_hint(built, best.solution)
        left = time_limit - (time.monotonic() - began)  # after building, so the limit holds
        out = run(built, left if work else min(STEP, left), workers, seed + best.steps + 1, work, presolve=False)
        spent += work or 0.0  # the allowance, not the work done: a fixed number of steps
        best.steps += 1
        size = min(4.0, size * 1.1) if out.status == "OPTIMAL" else max(0.5, size / 1.1)
        if out.solution is not None and out.objective <= best.objective:  # ties move on
            best.solution, best.objective = out.solution, out.objective
    return best


def _neighbourhood(grid: Source, sol: Solution, freed: dict[Slot, set[int]], bound: float) -> Built:
    """The model where each freed slot may go to the staff members given for it (its current
    one among them) and every other slot stays with its staff member, in its order; no
    solution worse than `bound` (the objective of `sol`)."""
    kept = [[s for s in route if s not in freed] for route in sol.routes]
    free = [[s for s, staff in freed.items() if k in staff] for k in range(grid.staff)]
    return build(grid, kept, free, bound)


def _staff_routes(grid: Source, sol: Solution, rng: random.Random, size: float) -> dict[Slot, set[int]]:
    """Every slot of one to about 2·size staff members, re-planned among them: a random one
    and others qualified for some of its services (so that services can change hands)."""
    count = min(grid.staff, rng.randint(1, max(1, round(2 * size))))
    first = rng.randrange(grid.staff)
    services = {s for _, s in sol.routes[first]}
    others = [k for k in range(grid.staff) if k != first]
    rng.shuffle(others)
    others.sort(key=lambda k: not grid.qualified[k] & services)  # stable: sharers first
    chosen = {first, *others[: count - 1]}
    return {s: {k for k in chosen if s[1] in grid.qualified[k]} for k in chosen for s in sol.routes[k]}


def _related(grid: Source, sol: Solution, rng: random.Random, size: float) -> dict[Slot, set[int]]:
    """The services of a seed patient (half the time one of the five latest) and of the patients
    nearest to it in space plus window start, each open to every qualified staff member."""
    patients = list(range(1, grid.end))
    if rng.random() < 0.5:
        latest = sorted(patients, key=lambda i: (grid.late[i] - max(sol.starts[(i, s)] for s in grid.required[i]), i))
        seed = rng.choice(latest[:5])
    else:
        seed = rng.choice(patients)
    near = sorted(patients, key=lambda i: grid.dist[seed][i] + abs(grid.early[seed] - grid.early[i]))
    chosen = set(near[: max(3, rng.randint(round(3 * size), round(7 * size)))])
    return {(i, s): {k for k in range(grid.staff) if s in grid.qualified[k]}
            for i in chosen for s in grid.required[i]}


def _same_time(grid: Source, sol: Solution, rng: random.Random, size: float) -> dict[Slot, set[int]]:
    """The patients of a run of consecutive starts (across all routes), each open to every
    qualified staff member: who serves what around one moment of the day."""
    by_start = sorted(range(1, grid.end), key=lambda i: (min(sol.starts[(i, s)] for s in grid.required[i]), i))
    count = max(3, rng.randint(round(3 * size), round(7 * size)))
    first = rng.randrange(max(1, len(by_start) - count + 1))
    return {(i, s): {k for k in range(grid.staff) if s in grid.qualified[k]}
            for i in by_start[first:first + count] for s in grid.required[i]}


NEIGHBOURHOODS = [_staff_routes, _related, _same_time]
