"""What a routing problem and its solution hold: places, travel matrices, nodes to serve and
vehicles; routes, starts and the nodes left out, as the router (`router`) takes and returns
them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Node:
    """A stop to serve: place, start window, service minutes, allowed vehicles, drop penalty."""

    place: int
    earliest: int
    latest: int
    service: int
    vehicles: tuple[int, ...]
    penalty: int | None  # None: the node must be served
    demand: int = 0
    kind: str = ""  # a pause (a break): each vehicle of this kind serves at most one such node


@dataclass(frozen=True)
class Vehicle:
    """A route: travel matrix, depot place, earliest departure and latest return, and the kinds
    of pause node it may serve (one of each)."""

    matrix: int
    depot: int
    start: int
    end: int
    kinds: tuple[str, ...] = ()


@dataclass
class RoutingProblem:
    """`matrices[m][a][b]`: travel from place a to b with matrix m (one per travel mode).

    `same_start` pairs of nodes must both be served or both dropped, by different vehicles
    starting at the same minute (a double-staffed visit). `capacity` bounds the summed
    demand of a route (Solomon's instances; None: no capacity). `surcharge[v][k]`, when
    given, is added to the cost of vehicle v serving node k (not to its time): a price on who
    serves what (`continuity.familiar`).
    """

    matrices: np.ndarray | list[list[list[int]]]
    nodes: list[Node]
    vehicles: list[Vehicle]
    same_start: list[tuple[int, int]] = field(default_factory=list)
    capacity: int | None = None
    horizon: int = DAY_MINUTES
    surcharge: list[list[int]] | None = None


@dataclass
class RoutingSolution:
    """Per vehicle its nodes in order, each served node's start, the dropped nodes, the cost."""

    routes: list[list[int]]
    starts: dict[int, int]
    dropped: list[int]
    cost: int
