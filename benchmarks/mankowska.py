"""Mankowska, Meisel & Bierwirth (2014): the set's objective reached by hemplan's own methods.

Run: `python -m hemplan.benchmarks.mankowska --public DIR [--method continuity]
[--weights workload=0] [--work-limit W | --time-limit S] [--seed N | --seeds N,M,...]
[NAME ...]` (default: the first two instances of each family). Each instance is converted
without loss (double services as two-role visits with their gap, tardiness as soft windows;
`models/io/convert/mankowska.py`), planned by the method, verified by the evaluator and scored
by the set's objective, (travel + total tardiness + largest tardiness) / 3, against the best
known value of the set's
`reference_results.csv`: as planned (whole minutes, every leg rounded up), and with the same
routes timed in the set's own units (`routes_timed_in_source`). One row of markdown per
instance; with several seeds, the routes timed in source units at each seed and their mean
gap (a time-limited search depends on its seed and on the machine's speed far more than on a
change of a few per cent, so one run per instance does not tell changes apart).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass, replace
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


@dataclass(frozen=True)
class Outcome:
    """One instance planned once: the set's objective as planned (whole minutes) and with the
    routes timed in source units, mandatory visits left out, violations, wall seconds."""

    value: float
    timed: float
    left: int
    violations: int
    wall: float


def solve_one(folder: Path, name: str, method: str, options: SolveOptions) -> Outcome:
    """One instance converted, planned, verified and scored."""
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
    return Outcome(value, timed, result.metrics.unassigned_mandatory, len(result.violations), wall)


def row(name: str, best: float | None, o: Outcome) -> str:
    """The table row of one run."""
    return (
        f"| {name} | {best if best is not None else '-'} | {o.value:.2f} | {_gap(o.value, best)} | "
        f"{o.timed:.2f} | {_gap(o.timed, best)} | {o.left} | {o.violations} | {o.wall:.1f} |"
    )


def seeds_row(name: str, best: float | None, outcomes: list[Outcome]) -> str:
    """The table row of one instance over several seeds: the routes timed in source units at
    each (with the visits left out) and the mean gap, which a partial plan makes meaningless."""
    cells = [
        f"{o.timed:.2f} ({_gap(o.timed, best)}{f', {o.left} out' if o.left else ''})"
        for o in outcomes
    ]
    if any(o.left or o.violations for o in outcomes):
        mean = "(partial plans)"
    elif best:
        mean = f"{sum(100 * (o.timed / best - 1) for o in outcomes) / len(outcomes):+.2f} %"
    else:
        mean = "-"
    return f"| {name} | {best if best is not None else '-'} | {' | '.join(cells)} | {mean} |"


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
    parser.add_argument("--seeds", default=None, help="N,M,...: each instance at each seed")
    parser.add_argument(
        "--workers", type=int, default=1, help="processes, as hemplan solve (default 1)"
    )
    args = parser.parse_args()
    seeds = [int(n) for n in args.seeds.split(",")] if args.seeds else [args.seed]
    chosen = dict(pair.split("=") for pair in args.weights.split(",") if pair)
    weights = replace(Weights(), **{k: int(v) for k, v in chosen.items()})
    options = SolveOptions(
        time_limit=args.time_limit,
        work_limit=args.work_limit,
        workers=args.workers,
        seed=seeds[0],
        weights=weights,
    )
    folder = args.public / SET
    best = _reference(folder, "best_known")
    if len(seeds) == 1:
        print(
            "| instance | best known | hemplan | gap | routes timed in source units | gap "
            "| unassigned | violations | wall s |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
    else:
        print(f"| instance | best known | {' | '.join(f'S = {n}' for n in seeds)} | mean gap |")
        print("|---|---|" + "---|" * (len(seeds) + 1))
    for name in args.names:
        outcomes = [solve_one(folder, name, args.method, replace(options, seed=n)) for n in seeds]
        if len(seeds) == 1:
            print(row(name, best.get(name), outcomes[0]), flush=True)
        else:
            print(seeds_row(name, best.get(name), outcomes), flush=True)


if __name__ == "__main__":
    main()
