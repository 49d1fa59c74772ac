"""Mankowska et al. (2014) HHCRSP as the paper states it, for the published-number benchmark.

A reference adapter for a published problem, kept benchmark-side: the product's instance
model cannot say tardiness or synchronised double services by carers of different skills
(see `models.convert.mankowska`), so `benchmarks.mankowska` solves the source problem
directly. This module holds the source data and a solution in source terms; the model
(`mankowska_model`), the hint (`mankowska_greedy`) and the checker (`mankowska_check`) share
them. Conventions follow Kummer et al.'s evaluator (GECCO 2020): a double-service patient's
"first" service is its lower-numbered one; min = max = 0 means a simultaneous start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from models.convert.common import keyword_blocks

Slot = tuple[int, int]  # (patient node, service index)


@dataclass(frozen=True)
class Source:
    """One instance; node 0 is the depot, node `nodes - 1` its copy where routes end."""

    name: str
    nodes: int
    staff: int
    required: list[list[int]]  # per node, its services in increasing order (depot rows empty)
    qualified: list[frozenset[int]]  # per staff member, the services it may do
    dist: list[list[float]]  # travel distance = travel time
    proc: list[list[list[float]]]  # proc[node][staff][service]
    early: list[float]
    late: list[float]
    mind: list[float]
    maxd: list[float]

    @property
    def end(self) -> int:
        return self.nodes - 1

    def slots(self) -> list[Slot]:
        """Every required service of every patient."""
        return [(i, s) for i in range(1, self.end) for s in self.required[i]]

    def doubles(self) -> list[int]:
        """Patients needing two services (synchronised)."""
        return [i for i in range(1, self.end) if len(self.required[i]) == 2]

    def simultaneous(self, node: int) -> bool:
        return self.mind[node] == 0 and self.maxd[node] == 0

    def scaled(self, scale: int) -> Source:
        """The same instance on an integer grid of 1/scale time units, travel rounded *up*,
        so that any timing feasible on the grid is feasible with the real distances."""
        def grid(v: float) -> int:
            return math.ceil(round(v * scale, 6))

        return Source(
            self.name, self.nodes, self.staff, self.required, self.qualified,
            [[grid(d) for d in row] for row in self.dist],
            [[[grid(p) for p in per_service] for per_service in per_staff] for per_staff in self.proc],
            [grid(v) for v in self.early], [grid(v) for v in self.late],
            [grid(v) for v in self.mind], [grid(v) for v in self.maxd],
        )


@dataclass
class Solution:
    """One route per staff member (the slots in visiting order; depot ends implicit) and the
    start time of every slot, in the time units of the `Source` it was made for."""

    routes: list[list[Slot]]
    starts: dict[Slot, float] = field(default_factory=dict)

    def rescaled(self, scale: float) -> Solution:
        return Solution([list(r) for r in self.routes], {k: v / scale for k, v in self.starts.items()})


def _flat(block: list[list[float]]) -> list[float]:
    return [v for row in block for v in row]


def read_source(path: Path) -> Source:
    """Parse an instance file of the folder's format (see its README)."""
    return parse_source(path.read_text(), path.name.split("__")[0])


def parse_source(text: str, name: str) -> Source:
    """The instance held in `text` (the same keyword blocks `models.convert.mankowska` reads)."""
    b = keyword_blocks(text)
    nodes, staff, services = int(b["nbNodes"][0][0]), int(b["nbVehi"][0][0]), int(b["nbServi"][0][0])
    required = [[] if i in (0, nodes - 1) else [s for s in range(services) if b["r"][i][s] >= 1]
                for i in range(nodes)]
    qualified = [frozenset(s for s in range(services) if row[s] >= 1) for row in b["a"]]
    proc = [[list(b["p"][i * staff + k]) for k in range(staff)] for i in range(nodes)]
    return Source(
        name, nodes, staff, required, qualified, [list(row) for row in b["d"]], proc,
        _flat(b["e"]), _flat(b["l"]), _flat(b["mind"]), _flat(b["maxd"]),
    )
