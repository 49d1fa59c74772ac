"""Mankowska et al. (2014) HHCRSP solved as published, compared with the best-known costs.

Run: `python -m benchmarks.mankowska [--time-limit 60] [--workers 1] [--seed 0] [--work-limit U]
[--folder DIR] [NAME ...]` (default: every A, B and C instance in the folder). Each instance is read in its
source form (tardiness allowed, double services synchronised by two different staff), started
from a greedy solution and improved with the CP-SAT model `benchmarks.mankowska_model`, whole
and then by neighbourhoods (`benchmarks.mankowska_lns`); the result counts only when
`benchmarks.mankowska_check` accepts it, and its cost = (travel + total tardiness + maximum
tardiness) / 3 is the checker's, recomputed from the real distances.
"""

from __future__ import annotations

import argparse
import csv
import re
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.mankowska_check import Check, check
from benchmarks.mankowska_greedy import greedy
from benchmarks.mankowska_lns import search
from benchmarks.mankowska_model import SCALE
from benchmarks.mankowska_source import read_source

FOLDER = Path("/work/shared/instances-public/mankowska2014-hhcrsp")
FAMILIES = "ABC"
GREEDY_TRIES = 200  # perturbed greedy orders for the start: about a second on 50 patients
PUBLISHED = ["mankowska2014_best", "lasfargeas2019_best", "kummer2019_best", "brkga_mp_ipr_best",
             "cplex_2h_warmstart_final_tableA1", "gecco2020_tools_bks_csv_bks"]


@dataclass
class Run:
    """One instance solved and checked."""

    check: Check
    status: str  # OPTIMAL: the whole model proved it on the grid
    steps: int  # neighbourhoods tried
    wall: float


def run_instance(path: Path, time_limit: float, workers: int = 1, seed: int = 0, work_limit: float | None = None) -> Run:
    """Greedy start, CP-SAT search within `time_limit`, then the independent check of the
    best solution found, in source units."""
    began = time.monotonic()
    src = read_source(path)
    grid = src.scaled(SCALE)
    start = greedy(grid, GREEDY_TRIES, seed)
    left = max(0.01, time_limit - (time.monotonic() - began))
    result = search(grid, start, left, workers, seed, work_limit)
    return Run(check(src, result.solution.rescaled(SCALE)), result.status, result.steps, time.monotonic() - began)


def best_known(row: dict[str, str]) -> tuple[float, str]:
    """The proven optimum (LB+) where there is one, else the best published cost and its column."""
    if row["LB_plus_is_proven_optimal"] == "1":
        return float(row["LB_plus"]), "optimal (LB+)"
    value, column = min((float(row[c]), c) for c in PUBLISHED if row.get(c))
    return value, column


def default_names(folder: Path) -> list[str]:
    """Every instance of families A-C present, in natural order (A1, A2, ..., A10, B1, ...)."""
    names = [p.name.split("__")[0] for p in folder.glob("*__*.txt")]
    picked = [n for n in names if n[0] in FAMILIES]
    return sorted(picked, key=lambda n: (n[0], int(re.sub(r"\D", "", n) or 0)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work-limit", type=float, default=None,
                        help="CP-SAT deterministic units per instance: repeatable with one worker")
    parser.add_argument("--folder", type=Path, default=FOLDER)
    args = parser.parse_args(argv)
    table = args.folder / "reference_results.csv"
    if not table.is_file():
        parser.error(f"{table}: not found (--folder is the Mankowska folder of the public sets)")
    with open(table, newline="") as handle:
        reference = {row["instance"]: row for row in csv.DictReader(handle)}
    names = args.names or default_names(args.folder)
    unknown = [n for n in names if n not in reference or not any(args.folder.glob(f"{n}__*.txt"))]
    if unknown:
        parser.error(f"not in {args.folder} (file and reference row): {', '.join(unknown)}")
    print("| instance | best known | from | cost | gap | checker | travel | tardiness | max tardiness | last return | CP-SAT | LNS steps | wall s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    gaps: dict[str, list[float]] = {}
    for name in names:
        path = next(args.folder.glob(f"{name}__*.txt"))
        r = run_instance(path, args.time_limit, args.workers, args.seed, args.work_limit)
        bks, origin = best_known(reference[name])
        c = r.check
        gap = c.cost / bks - 1
        if c.feasible:
            gaps.setdefault(name[0], []).append(gap)
        verdict = "feasible" if c.feasible else "REJECTED: " + "; ".join(c.problems[:3])
        print(f"| {name} | {bks:.1f} | {origin} | {c.cost:.2f} | {gap:+.2%} | {verdict} | {c.travel:.2f} "
              f"| {c.tardiness:.2f} | {c.max_tardiness:.2f} | {c.last_return:.0f} | {r.status} | {r.steps} | {r.wall:.1f} |", flush=True)
    for family, values in sorted(gaps.items()):
        within = sum(g <= 0.02 for g in values)
        print(f"\n{family}: mean gap {sum(values) / len(values):+.2%}, {within}/{len(values)} within 2 %, "
              f"{args.time_limit:g} s each, {args.workers} worker(s)")


if __name__ == "__main__":
    main()
