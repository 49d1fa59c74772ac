"""Mankowska, Meisel & Bierwirth (2014): the set's objective reached by hemplan's own methods.

Run: `python -m hemplan.benchmarks.mankowska --public DIR [--method continuity]
[--weights workload=0] [--work-limit W | --time-limit S] [NAME ...]` (default: the first two
instances of each family). Each instance is converted without loss (double services as
two-role visits with their gap, tardiness as soft windows; `models/io/convert/mankowska.py`),
planned by the method, verified by the evaluator and scored by the set's objective,
(travel + total tardiness + largest tardiness) / 3, against the best known value of the set's
`reference_results.csv`: as planned (whole minutes, every leg rounded up), and with the same
routes timed in the set's own units (`routes_timed_in_source`). One row of markdown per
instance.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from hemplan.benchmarks.suites import _reference
from hemplan.models.evaluator import evaluate
from hemplan.models.io.convert.common import write_converted
from hemplan.models.io.convert.mankowska import convert, routes_timed_in_source
from hemplan.solver.method import SolveOptions
from hemplan.solver.methods import METHODS
from hemplan.solver.score import Weights

SET = "mankowska2014-hhcrsp"  # the set's folder among the public sets
DEFAULT = ["A1", "A2", "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "F1", "F2"]


def run(folder: Path, name: str, method: str, options: SolveOptions, best: float | None) -> str:
    """One instance planned and scored: its table row."""
    [source] = folder.glob(f"{name}__*.txt")
    converted = convert(source)
    with tempfile.TemporaryDirectory(prefix="hemplan-mankowska-") as out:
        instance = write_converted(converted, Path(out) / f"{name}.json")
        began = time.monotonic()
        schedule = METHODS[method].solve(instance, options).schedule
        wall = time.monotonic() - began
        result = evaluate(instance, schedule)
        value = converted.objective(schedule, instance).value
        timed = routes_timed_in_source(converted, schedule, instance).value
    left = result.metrics.unassigned_mandatory
    return (
        f"| {name} | {best if best is not None else '-'} | {value:.2f} | {_gap(value, best)} | "
        f"{timed:.2f} | {_gap(timed, best)} | {left} | {len(result.violations)} | {wall:.1f} |"
    )


def _gap(value: float, best: float | None) -> str:
    return f"{100 * (value / best - 1):+.2f} %" if best else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=DEFAULT)
    parser.add_argument("--public", type=Path, required=True)
    parser.add_argument("--method", default="continuity", choices=sorted(METHODS))
    parser.add_argument("--weights", default="workload=0", help="NAME=N,... as hemplan solve")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--work-limit", type=float, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    chosen = dict(pair.split("=") for pair in args.weights.split(",") if pair)
    weights = replace(Weights(), **{k: int(v) for k, v in chosen.items()})
    options = SolveOptions(
        time_limit=args.time_limit,
        work_limit=args.work_limit,
        workers=1,
        seed=args.seed,
        weights=weights,
    )
    folder = args.public / SET
    best = _reference(folder, "best_known")
    print(
        "| instance | best known | hemplan | gap | routes timed in source units | gap "
        "| unassigned | violations | wall s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name in args.names:
        print(run(folder, name, args.method, options, best.get(name)), flush=True)


if __name__ == "__main__":
    main()
