"""Independent check of a Mankowska solution against the source rules, and its exact cost.

A result of `benchmarks.mankowska` counts only when this accepts it: it shares nothing with
the CP-SAT model but the parsed data, walks every route with the real distances and recomputes
cost = (travel + total tardiness + maximum tardiness) / 3 from scratch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmarks.mankowska_source import Slot, Solution, Source

EPS = 1e-6  # starts are printed decimals; distances are real


@dataclass
class Check:
    """Violations found (empty: feasible) and the exact objective parts."""

    problems: list[str] = field(default_factory=list)
    travel: float = 0.0
    tardiness: float = 0.0
    max_tardiness: float = 0.0
    last_return: float = 0.0  # when the last staff member is back at the depot (no rule in
    # the source's objective or in Kummer et al.'s evaluator; reported against its window end)

    @property
    def feasible(self) -> bool:
        return not self.problems

    @property
    def cost(self) -> float:
        return (self.travel + self.tardiness + self.max_tardiness) / 3


def check(src: Source, sol: Solution) -> Check:
    """Every required service done once by a qualified staff member, routes from the depot
    back to the depot, starts not before e_i and after the previous service plus travel,
    double services by two staff within their gap rule."""
    out = Check()
    if len(sol.routes) != src.staff:
        out.problems.append(f"{len(sol.routes)} routes for {src.staff} staff")
    done_by: dict[Slot, int] = {}
    for k, route in enumerate(sol.routes):
        _walk(src, sol, k, route, done_by, out)
    for slot in src.slots():
        if slot not in done_by:
            out.problems.append(f"patient {slot[0]} service {slot[1]}: not done")
    for i in src.doubles():
        first, second = ((i, s) for s in src.required[i])
        if first not in done_by or second not in done_by:
            continue
        if done_by[first] == done_by[second]:
            out.problems.append(f"patient {i}: both services by staff {done_by[first]}")
        gap = sol.starts[second] - sol.starts[first]
        if not src.mind[i] - EPS <= gap <= src.maxd[i] + EPS:
            out.problems.append(f"patient {i}: gap {gap:g} outside [{src.mind[i]:g}, {src.maxd[i]:g}]")
    return out


def _walk(src: Source, sol: Solution, k: int, route: list[Slot], done_by: dict[Slot, int], out: Check) -> None:
    """One staff member's route: qualification, timing, travel and tardiness."""
    here, free_at = 0, src.early[0]
    for slot in route:
        node, service = slot
        if not 0 < node < src.end or service not in src.required[node]:
            out.problems.append(f"staff {k}: patient {node} does not need service {service}")
            continue
        if slot in done_by:
            out.problems.append(f"patient {node} service {service}: done twice")
        done_by[slot] = k
        if service not in src.qualified[k]:
            out.problems.append(f"staff {k}: not qualified for service {service} (patient {node})")
        start = sol.starts.get(slot)
        if start is None:
            out.problems.append(f"patient {node} service {service}: no start time")
            continue
        if start < src.early[node] - EPS:
            out.problems.append(f"patient {node} service {service}: starts {start:g} before {src.early[node]:g}")
        arrival = free_at + src.dist[here][node]
        if start < arrival - EPS:
            out.problems.append(f"patient {node} service {service}: starts {start:g}, staff {k} arrives {arrival:g}")
        out.travel += src.dist[here][node]
        late = max(0.0, start - src.late[node])
        out.tardiness += late
        out.max_tardiness = max(out.max_tardiness, late)
        here, free_at = node, start + src.proc[node][k][service]
    out.travel += src.dist[here][src.end]
    if route:
        out.last_return = max(out.last_return, free_at + src.dist[here][src.end])
