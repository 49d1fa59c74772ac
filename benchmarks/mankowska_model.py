"""CP-SAT model of Mankowska et al.'s HHCRSP, solved on an integer time grid.

A reference adapter for the published problem, benchmark-side only (not the product's
instance model). One `AddCircuit` per staff member over the depot and the (patient, service)
slots it may take, a self-loop meaning "not mine"; an arc i -> j pushes j's start by i's
processing time plus travel. Each slot is taken by exactly one staff member, the two slots of
a double service by two different ones, with their start gap in [min, max]. Tardiness per
slot and its maximum enter the objective travel + total tardiness + maximum tardiness.

The same model serves as a neighbourhood (`mankowska_lns`): slots *kept* on a staff member
stay there in their order (only consecutive kept slots are linked, freed ones may go between),
and only the freed slots choose their staff member. Times and distances are scaled by `SCALE`
and travel rounded up (`Source.scaled`), so every grid solution is feasible with the real
distances; the caller re-checks and recomputes the cost exactly (`mankowska_check`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

from ortools.sat.python import cp_model

from benchmarks.mankowska_source import Slot, Solution, Source

SCALE = 100  # grid steps per source time unit


@dataclass
class Built:
    """The model and its variables; `mine[k]` lists staff k's candidate slots, slot
    `mine[k][a - 1]` being index a of its circuit (0 is the depot)."""

    grid: Source
    model: cp_model.CpModel
    mine: list[list[Slot]]
    start: dict[Slot, cp_model.IntVar]
    late: dict[Slot, cp_model.IntVar]
    worst: cp_model.IntVar
    takes: dict[tuple[int, Slot], cp_model.IntVar]
    arcs: dict[tuple[int, int, int], cp_model.IntVar]  # (staff, from, to), (k, 0, 0) = idle


@dataclass
class Outcome:
    """What one CP-SAT run gave: a solution on the grid (None if none) and its objective
    (grid units of travel + tardiness + maximum tardiness)."""

    solution: Solution | None
    status: str
    objective: float


def build(grid: Source, kept: list[list[Slot]] | None = None, free: list[list[Slot]] | None = None,
          bound: float | None = None) -> Built:
    """The problem on the grid (`Source.scaled`): by default every slot free for every
    qualified staff member; else staff k keeps `kept[k]` in that order and may take `free[k]`.
    `bound`, an incumbent's objective, caps each tardiness at half of it (a slot's tardiness
    counts in the total and in the maximum): no better solution is cut off, and the start
    domains shrink from the whole horizon to what an improvement can use."""
    model = cp_model.CpModel()
    slots = grid.slots()
    kept = kept or [[] for _ in range(grid.staff)]
    if free is None:
        free = [[s for s in slots if s[1] in grid.qualified[k]] for k in range(grid.staff)]
    horizon = _horizon(grid)
    cap = horizon if bound is None or math.isinf(bound) else min(horizon, int(bound) // 2)
    start = {s: model.new_int_var(int(grid.early[s[0]]), min(horizon, int(grid.late[s[0]]) + cap), f"t{s}")
             for s in slots}
    late = {s: model.new_int_var(0, cap, f"late{s}") for s in slots}
    worst = model.new_int_var(0, cap, "worst")
    for (i, s), t in start.items():
        model.add(late[(i, s)] >= t - int(grid.late[i]))
        model.add(worst >= late[(i, s)])
    built = Built(grid, model, [], start, late, worst, {}, {})
    travel = []
    for k in range(grid.staff):
        patients = {i for i, _ in kept[k]}
        built.mine.append(kept[k] + [s for s in free[k] if s[0] not in patients])
        travel += _circuit(built, k, len(kept[k]))
    for slot in slots:
        holders = [built.takes[(k, slot)] for k in range(grid.staff) if (k, slot) in built.takes]
        if holders:
            model.add_exactly_one(holders)
    for i in grid.doubles():
        first, second = ((i, s) for s in grid.required[i])
        for k in range(grid.staff):
            if (k, first) in built.takes and (k, second) in built.takes:
                model.add_at_most_one(built.takes[(k, first)], built.takes[(k, second)])
        model.add(start[second] - start[first] >= int(grid.mind[i]))
        model.add(start[second] - start[first] <= int(grid.maxd[i]))
    model.minimize(sum(travel) + sum(late.values()) + worst)
    return built


def run(built: Built, time_limit: float, workers: int = 1, seed: int = 0, work: float | None = None,
        presolve: bool = True) -> Outcome:
    """Solve the model within `time_limit` seconds and, if given, `work` deterministic units
    (which make a one-worker run repeatable whatever the machine's load); `presolve=False`
    for neighbourhoods, whose presolve costs more than their search (see `mankowska_lns`)."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    if work is not None:
        solver.parameters.max_deterministic_time = max(0.001, work)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.max_presolve_iterations = 1  # measured: full presolve of a 50-patient
    solver.parameters.cp_model_probing_level = 0  # model eats the whole budget before the
    solver.parameters.symmetry_level = 0  # search starts from the hint
    solver.parameters.cp_model_presolve = presolve
    status = solver.solve(built.model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Outcome(None, name, float("inf"))
    found = Solution([_order(solver, k, built) for k in range(built.grid.staff)],
                     {s: solver.value(t) for s, t in built.start.items()})
    return Outcome(found, name, solver.objective_value)


def _horizon(grid: Source) -> int:
    """A start no solution worth having exceeds: the latest window end plus every service
    and its longest leg done one after the other."""
    legs = sum(max(max(p[s] for p in grid.proc[i]) + max(grid.dist[i]) for s in grid.required[i])
               for i in range(1, grid.end))
    return int(max(grid.late[1:grid.end]) + legs)


def _circuit(built: Built, k: int, kept: int) -> list:
    """Staff k's route over the depot (index 0), its first `kept` slots in order (1..kept) and
    its candidates (kept+1..); returns the travel terms."""
    model, grid, mine, start = built.model, built.grid, built.mine[k], built.start
    node = [0] + [i for i, _ in mine]
    chain = list(range(1, kept + 1))
    after = dict(zip([0] + chain, chain + [0])) if kept else {}
    triples = []
    if not kept:
        built.arcs[(k, 0, 0)] = model.new_bool_var(f"idle{k}")
        triples.append((0, 0, built.arcs[(k, 0, 0)]))
    for a, slot in enumerate(mine[kept:], start=kept + 1):
        built.takes[(k, slot)] = model.new_bool_var(f"x{k}{slot}")
        triples.append((a, a, built.takes[(k, slot)].Not()))
    terms = []
    for a in range(len(node)):
        for b in range(len(node)):
            if a == b or (a and b and node[a] == node[b]):
                continue  # both services of one patient are never by the same staff
            if a <= kept and b <= kept and after.get(a) != b:
                continue  # kept slots keep their order; freed ones may go between
            lit = model.new_bool_var(f"arc{k},{a},{b}")
            triples.append((a, b, lit))
            built.arcs[(k, a, b)] = lit
            terms.append(int(grid.dist[node[a]][node[b] if b else grid.end]) * lit)
            if b:
                ready = int(grid.early[0]) if a == 0 else start[mine[a - 1]] + int(grid.proc[node[a]][k][mine[a - 1][1]])
                model.add(start[mine[b - 1]] >= ready + int(grid.dist[node[a]][node[b]])).only_enforce_if(lit)
    model.add_circuit(triples)
    return terms


def _order(solver: cp_model.CpSolver, k: int, built: Built) -> list[Slot]:
    """The slots of staff k's circuit in visiting order."""
    succ = {a: b for (kk, a, b), lit in built.arcs.items() if kk == k and solver.value(lit)}
    order, a = [], succ.get(0, 0)
    while a:
        order.append(built.mine[k][a - 1])
        a = succ[a]
    return order


def used_arcs(built: Built, sol: Solution) -> set[tuple[int, int, int]]:
    """The circuit arcs (staff, from, to) that a grid solution's routes take."""
    used: set[tuple[int, int, int]] = set()
    for k, route in enumerate(sol.routes):
        index = [0] + [built.mine[k].index(s) + 1 for s in route] + [0]
        used.update((k, a, b) for a, b in pairwise(index))
    return used


def add_hint(built: Built, sol: Solution) -> None:
    """Every arc, assignment, start and tardiness of a grid solution (one the model admits)
    as the hint, so CP-SAT starts from a complete solution."""
    model = built.model
    used = used_arcs(built, sol)
    for key, lit in built.arcs.items():
        model.add_hint(lit, key in used)
    for (k, slot), lit in built.takes.items():
        model.add_hint(lit, slot in sol.routes[k])
    lates = {s: max(0, int(t) - int(built.grid.late[s[0]])) for s, t in sol.starts.items()}
    for s, t in sol.starts.items():
        model.add_hint(built.start[s], int(t))
        model.add_hint(built.late[s], lates[s])
    model.add_hint(built.worst, max(lates.values(), default=0))
