"""Large neighbourhood search with the Mankowska CP-SAT model (`mankowska_model`).

With one worker CP-SAT runs no neighbourhood search of its own, and the whole model of a
50-patient instance improves slowly, so the budget is spent as in the product's solver: the
whole model first (it proves the 10-patient instances optimal in well under a second), then
short runs of the model restricted around the best solution — either a few staff members'
routes re-planned among themselves, or a cluster of related services (close in space and
window) re-inserted anywhere while every other service keeps its staff member and its order.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from benchmarks.mankowska_model import Built, add_hint, build, run, used_arcs
from benchmarks.mankowska_source import Slot, Solution, Source

FIRST = 0.1  # share of the budget the whole model gets before the neighbourhoods
STEP = 1.0  # seconds per neighbourhood run


@dataclass
class Result:
    """The best grid solution, "OPTIMAL" when the whole model proved it (else "FEASIBLE"),
    its grid objective and how many neighbourhoods were tried."""

    solution: Solution
    status: str
    objective: float
    steps: int


def search(grid: Source, start: Solution, time_limit: float, workers: int = 1, seed: int = 0) -> Result:
    """Improve the feasible grid solution `start` within `time_limit` seconds."""
    began = time.monotonic()
    built = build(grid)
    model = built.model.clone()
    add_hint(built, model, start)
    first = run(built, model, FIRST * time_limit, workers, seed)
    best = Result(first.solution or start, first.status, first.objective, 0)
    if first.status == "OPTIMAL":
        return best
    best.status = "FEASIBLE"
    rng = random.Random(seed)
    while (left := time_limit - (time.monotonic() - began)) > 0.05:
        model = built.model.clone()
        if rng.random() < 0.5:
            _keep_other_staff(built, model, best.solution, rng)
        else:
            _free_related(built, model, best.solution, rng)
        add_hint(built, model, best.solution)
        out = run(built, model, min(STEP, left), workers, seed + best.steps + 1)
        best.steps += 1
        if out.solution is not None and out.objective < best.objective:
            best.solution, best.objective = out.solution, out.objective
    return best


def _keep_other_staff(built: Built, model: cp_model.CpModel, sol: Solution, rng: random.Random) -> None:
    """Re-plan the routes of two to four staff members among themselves; the others keep theirs."""
    staff = built.grid.staff
    chosen = set(rng.sample(range(staff), min(staff, rng.randint(2, 4))))
    for k, a, b in used_arcs(built, sol):
        if k not in chosen:
            model.add(built.arcs[(k, a, b)] == 1)


def _free_related(built: Built, model: cp_model.CpModel, sol: Solution, rng: random.Random) -> None:
    """Free a seed service and the ones nearest to it in space plus window start (both
    services of a double patient together); every other service keeps its staff member and
    its place in that member's order."""
    grid = built.grid
    slots = grid.slots()
    seed = rng.choice(slots)[0]
    near = sorted({i for i, _ in slots},
                  key=lambda i: grid.dist[seed][i] + abs(grid.early[seed] - grid.early[i]))
    freed = set(near[: rng.randint(5, 12)])
    for k, route in enumerate(sol.routes):
        kept: list[Slot] = [s for s in route if s[0] not in freed]
        for slot in kept:
            model.add(built.takes[(k, slot)] == 1)
        for u, v in zip(kept, kept[1:]):
            model.add(built.start[v] >= built.start[u] + int(grid.proc[u[0]][k][u[1]]))
