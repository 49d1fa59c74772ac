"""How strong central-travel's router is: Solomon's 100-customer VRPTW instances.

Run: `python -m hemplan.benchmarks.solomon --public DIR [--time-limit 30] [--all] [NAME ...]`.
Each instance (LKH-3 CVRPTW format, see the folder's README) is routed by
`hemplan.solver.baselines.router`, the router central-travel runs each day, with its fixed
fleet, capacity, time windows and service times, distances scaled by 100 and rounded up to
integers (so a route on time in the search is on time in exact time); every customer must be
served (the fleets are the fewest vehicles known).
The routes found are then checked again in
exact Euclidean time ("late") and their exact distance is compared with the best-known
distance for that fleet size; the summary's mean gaps count feasible instances only.
"""

from __future__ import annotations

import argparse
import csv
import math
import time
from itertools import pairwise
from pathlib import Path

from hemplan.models.io.convert.solomon import read_solomon
from hemplan.solver.baselines.router import solve_routing
from hemplan.solver.baselines.routing_problem import Node, RoutingProblem, Vehicle

SET = "solomon-vrptw-100"  # the set's folder among the public sets
DEFAULT = ["C101", "C201", "R101", "R201", "RC101", "RC201"]
SCALE = 100


def late_customers(
    routes: list[list[int]],
    dist: list[list[float]],
    service: float,
    windows: list[tuple[int, int]],
    demands: list[int],
    capacity: int,
) -> int:
    """Customers (places) served after their window in exact Euclidean time, plus the
    customers of routes over capacity or back after the depot closes: the search works on
    distances rounded up to 1/100, so this only confirms it independently."""
    late = 0
    for route in routes:
        clock, here = 0.0, 0
        for place in route:
            clock = max(windows[place][0], clock + dist[here][place])
            late += clock > windows[place][1] + 1e-9
            clock, here = clock + service, place
        over = (
            sum(demands[p] for p in route) > capacity
            or clock + dist[here][0] > windows[0][1] + 1e-9
        )
        late += len(route) if route and over else 0
    return late


def route_instance(
    path: Path, time_limit: float, iterations: int | None = None
) -> tuple[float, int, int, float]:
    """Exact distance of the routes found, customers not served (all of them when the router
    found no solution serving every one), customers late in exact time (see
    `late_customers`), and wall seconds. The search ends at `time_limit` or after `iterations`
    iterations of the router, whichever comes first."""
    header, coords, demands, windows = read_solomon(path)
    dist = [[math.dist(a, b) for b in coords] for a in coords]
    scaled = [[math.ceil(d * SCALE) for d in row] for row in dist]
    vehicles = header["VEHICLES"]
    service = header["SERVICE_TIME"] * SCALE
    horizon = windows[0][1] * SCALE
    nodes = [
        Node(
            place=k,
            earliest=windows[k][0] * SCALE,
            latest=windows[k][1] * SCALE,
            service=service,
            vehicles=tuple(range(vehicles)),
            penalty=None,  # must be served
            demand=demands[k],
        )
        for k in range(1, len(coords))
    ]
    fleet = [Vehicle(matrix=0, depot=0, start=0, end=horizon) for _ in range(vehicles)]
    problem = RoutingProblem([scaled], nodes, fleet, capacity=header["CAPACITY"], horizon=horizon)
    began = time.monotonic()
    solution = solve_routing(problem, time_limit, iterations)
    wall = time.monotonic() - began
    if solution is None:
        return math.inf, len(nodes), 0, wall
    routes = [[nodes[k].place for k in route] for route in solution.routes]
    total = sum(
        sum(dist[a][b] for a, b in pairwise([0, *places, 0])) for places in routes if places
    )
    late = late_customers(
        routes, dist, header["SERVICE_TIME"], windows, demands, header["CAPACITY"]
    )
    return total, len(solution.dropped), late, wall


def summary(gaps: dict[str, float], infeasible: list[str], seconds: float) -> list[str]:
    """Mean gap over the feasible instances, in all and per class (C1 .. RC2), and which
    were infeasible: a gap with customers left out or late is not a distance for the fleet."""
    lines = [
        f"mean gap {sum(gaps.values()) / len(gaps):+.2%} over {len(gaps)} feasible instances, "
        f"{seconds:g} s each"
        if gaps
        else "no feasible instance"
    ]
    for kind in sorted({name[:-2] for name in gaps}):
        values = [gap for name, gap in gaps.items() if name[:-2] == kind]
        lines.append(f"{kind}: {sum(values) / len(values):+.2%} over {len(values)}")
    lines.append(f"infeasible: {len(infeasible)} ({', '.join(infeasible) or 'none'})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"instances (default {' '.join(DEFAULT)})")
    parser.add_argument("--all", action="store_true", help="every instance of the set")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument(
        "--public",
        type=Path,
        required=True,
        help="folder of the public sets (see instances/README.md)",
    )
    args = parser.parse_args()
    folder = args.public / SET
    if not (folder / "reference_results.csv").is_file():
        parser.error(f"{folder}: no Solomon set here (reference_results.csv missing)")
    with open(folder / "reference_results.csv", newline="") as handle:
        reference = {row["instance"]: row for row in csv.DictReader(handle)}
    print(
        "| instance | vehicles | best known | central-travel router | gap | not served | late "
        "| wall s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    gaps: dict[str, float] = {}
    infeasible: list[str] = []
    names = sorted(reference) if args.all else args.names or DEFAULT
    for name in names:
        row = reference[name]
        distance, dropped, late, wall = route_instance(folder / row["file"], args.time_limit)
        bks = float(row["bks_distance"])
        gap = f"{distance / bks - 1:+.2%}"
        if dropped or late:
            infeasible.append(name)
            gap = f"({gap})"
        else:
            gaps[name] = distance / bks - 1
        print(
            f"| {name} | {row['vehicles_in_file']} | {bks:.2f} | {distance:.2f} | {gap} "
            f"| {dropped} | {late} "
            f"| {wall:.1f} |",
            flush=True,
        )
    print()
    print("\n".join(summary(gaps, infeasible, args.time_limit)))


if __name__ == "__main__":
    main()
