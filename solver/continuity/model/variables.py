"""The variables of a neighbourhood model, grouped by what they decide, named after what they
hold (`start[V7]`, `serves[V7,S2,3]`, `arc[S2,3:0>4]`), so that a model dump reads as the plan."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

Candidate = tuple[str, str, int]  # (freed visit, carer, day)


@dataclass
class VisitVars:
    """A freed visit: its start, whether it is served, and on which day (one literal per
    allowed day on which some carer could take it)."""

    start: cp_model.IntVar
    served: cp_model.IntVar
    on_day: dict[int, cp_model.IntVar] = field(default_factory=dict)


@dataclass
class RouteVars:
    """One carer-day: node 0 is the office, node k+1 is `nodes[k]` (the visits staying on the
    route first, then the candidate freed visits); `arcs[(i, j)]` means j follows i,
    `on_break[(i, j)]` that the break is taken on that arc."""

    carer: str
    day: int
    nodes: list[str]
    active: cp_model.IntVar
    arcs: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    legs: dict[tuple[int, int], int] = field(default_factory=dict)  # travel minutes of each arc
    on_break: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    break_start: cp_model.IntVar | None = None

    def label(self, i: int, j: int) -> str:
        return f"{self.carer},{self.day}:{i}>{j}"
