"""How strong central-travel's routing core is: Solomon's 100-customer VRPTW instances.

Run: `python -m benchmarks.solomon [--time-limit 20] [--folder DIR] [NAME ...]`. Each
instance (LKH-3 CVRPTW format, see the folder's README) is routed by
`solver.baselines.routing_core` with its fixed fleet, capacity, time windows and service
times, distances scaled by 100 and rounded to integers; the distance of the routes found is
then recomputed exactly and compared with the best-known distance for that fleet size.
"""

from __future__ import annotations

import argparse
import csv
import math
import time
from itertools import pairwise
from pathlib import Path

from models.convert.solomon import read_solomon
from solver.baselines.routing_core import Node, RoutingProblem, Vehicle, solve_routing

FOLDER = Path("/work/shared/instances-public/solomon-vrptw-100")
DEFAULT = ["C101", "C201", "R101", "R201", "RC101", "RC201"]
SCALE = 100
MUST_SERVE = 10**9  # a customer left out costs more than any route (the fleet is fixed and tight)


def route_instance(path: Path, time_limit: float) -> tuple[float, int, float]:
    """Exact distance of the routes found, customers not served, and wall seconds."""
    header, coords, demands, windows = read_solomon(path)
    dist = [[math.dist(a, b) for b in coords] for a in coords]
    scaled = [[round(d * SCALE) for d in row] for row in dist]
    vehicles = header["VEHICLES"]
    service = header["SERVICE_TIME"] * SCALE
    horizon = windows[0][1] * SCALE
    nodes = [
        Node(place=k, earliest=windows[k][0] * SCALE, latest=windows[k][1] * SCALE, service=service,
             vehicles=tuple(range(vehicles)), penalty=MUST_SERVE, demand=demands[k])
        for k in range(1, len(coords))
    ]
    fleet = [Vehicle(matrix=0, depot=0, start=0, end=horizon) for _ in range(vehicles)]
    problem = RoutingProblem([scaled], nodes, fleet, capacity=header["CAPACITY"], horizon=horizon)
    began = time.monotonic()
    solution = solve_routing(problem, time_limit)
    wall = time.monotonic() - began
    if solution is None:
        return math.inf, len(nodes), wall
    total = 0.0
    for route in solution.routes:
        places = [0] + [nodes[k].place for k in route] + [0]
        total += sum(dist[a][b] for a, b in pairwise(places)) if route else 0.0
    return total, len(solution.dropped), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=DEFAULT)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--folder", type=Path, default=FOLDER)
    args = parser.parse_args()
    with open(args.folder / "reference_results.csv", newline="") as handle:
        reference = {row["instance"]: row for row in csv.DictReader(handle)}
    print("| instance | vehicles | best known | central-travel core | gap | not served | wall s |")
    print("|---|---|---|---|---|---|---|")
    gaps = []
    for name in args.names:
        row = reference[name]
        distance, dropped, wall = route_instance(args.folder / row["file"], args.time_limit)
        bks = float(row["bks_distance"])
        gap = distance / bks - 1
        gaps.append(gap)
        print(f"| {name} | {row['vehicles_in_file']} | {bks:.2f} | {distance:.2f} | {gap:+.2%} | {dropped} | {wall:.1f} |")
    if gaps:
        print(f"\nmean gap {sum(gaps) / len(gaps):+.2%} over {len(gaps)} instances, {args.time_limit:g} s each")


if __name__ == "__main__":
    main()
