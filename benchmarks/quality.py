"""Quality and speed of `hemplan solve` on the bundled instances: the figures of RESULTS.md.

Run: `python -m hemplan.benchmarks.quality [--time-limit 60] [--workers 2] [NAME ...]`. Each
instance is solved in a fresh process (so peak memory is its own), the schedule is verified by the
evaluator, and one Markdown row per instance is printed: time to the first complete plan
(every team constructed) and to the first verified schedule (that plan checked by the
evaluator), distinct carers per client per 14 days (mean / p90 / max), the lower bound and
the ratio, travel, unassigned visits, wall time, peak memory, and the share of CPU time the
virtual machine's host took away during the run (`hemplan.benchmarks.host`: wall-clock figures are
only comparable at low steal). With `--team-bound S`, also the team bound (`hemplan bound`, S
seconds per instance, after the solve) summed over the teams and periods, and the ratio of the
distinct pairs to it.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from hemplan.benchmarks.host import StealMeter
from hemplan.models.evaluator import evaluate
from hemplan.models.evaluator.metrics import periods
from hemplan.models.io.load import load_instance
from hemplan.solver.method import SolveOptions
from hemplan.solver.methods import solve
from hemplan.solver.team_bound import team_bounds

INSTANCES = Path(__file__).resolve().parent.parent / "instances"
DEFAULT = ["team-14d", "district-14d", "district-28d", "city-14d"]


def measure(
    name: str, time_limit: float, workers: int, seed: int, method: str, bound_seconds: float
) -> dict[str, float | str]:
    """Solve one bundled instance and return its figures (run in a child process)."""
    instance = load_instance(INSTANCES / f"{name}.json")
    steal = StealMeter()
    began = time.monotonic()
    result = solve(
        instance,
        SolveOptions(time_limit=time_limit, workers=workers, seed=seed),
        method=method,
    )
    wall = time.monotonic() - began
    verify_began = time.monotonic()
    evaluation = evaluate(instance, result.schedule)
    verify = time.monotonic() - verify_began
    assert not evaluation.violations, evaluation.violations[:5]
    m = evaluation.metrics
    per14 = m.distinct_carers_14d
    bound14 = [
        b
        for c in evaluation.clients.values()
        for b, d in zip(c.lower_bound_per_period, c.distinct_per_period)
        if d
    ]
    mean_bound14 = sum(bound14) / len(bound14) if bound14 else 0.0
    peak_mb = (
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024
    )
    team_bound, pairs = 0, 0
    if bound_seconds > 0:
        spans = periods(instance.horizon.days)
        for span in spans:
            found = team_bounds(
                instance,
                result.schedule.allow_borrowing,
                days=span,
                time_limit=bound_seconds / len(spans),
                workers=workers,
                seed=seed,
            )
            team_bound += sum(b.bound for b in found if b is not None)
        pairs = sum(sum(c.distinct_per_period) for c in evaluation.clients.values())
    return {
        "instance": name,
        "visits": m.visits,
        "first_plan_s": round(result.first_solution_s, 1),
        "first_verified_s": round(result.first_solution_s + verify, 1),
        "mean14": per14.mean if per14 else 0.0,
        "p90_14": per14.p90 if per14 else 0.0,
        "max14": per14.max if per14 else 0.0,
        "bound14": round(mean_bound14, 3),
        "ratio": round(per14.mean / mean_bound14, 3) if per14 and mean_bound14 else 0.0,
        "distinct_total": m.distinct_carers_total,
        "bound_total": m.lower_bound_total,
        "team_bound": team_bound or "",
        "team_ratio": round(pairs / team_bound, 3) if team_bound else "",
        "travel": m.travel_minutes,
        "unassigned": m.unassigned_mandatory + m.unassigned_deferrable,
        "wall_s": round(wall, 1),
        "peak_mb": round(peak_mb),
        "steal": "n/a" if (stolen := steal.share()) is None else stolen,
    }


COLUMNS = [
    ("instance", "instance"),
    ("visits", "visits"),
    ("first_plan_s", "first plan s"),
    ("first_verified_s", "first verified s"),
    ("mean14", "mean carers/14d"),
    ("p90_14", "p90"),
    ("max14", "max"),
    ("bound14", "bound/14d"),
    ("ratio", "ratio"),
    ("team_bound", "team bound"),
    ("team_ratio", "ratio to it"),
    ("travel", "travel min"),
    ("unassigned", "unassigned"),
    ("wall_s", "wall s"),
    ("peak_mb", "peak MB"),
    ("steal", "host steal %"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=DEFAULT)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--method",
        choices=["continuity", "teams-travel"],
        default="continuity",
        help="teams-travel: the travel-only yardstick on the same teams",
    )
    parser.add_argument(
        "--team-bound",
        type=float,
        default=0.0,
        help="seconds for the team bound of each instance after its solve (0: none)",
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(
            json.dumps(
                measure(
                    args.one, args.time_limit, args.workers, args.seed, args.method, args.team_bound
                )
            )
        )
        return
    print("| " + " | ".join(title for _, title in COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for name in args.names:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "hemplan.benchmarks.quality",
                "--one",
                name,
                "--time-limit",
                str(args.time_limit),
                "--workers",
                str(args.workers),
                "--seed",
                str(args.seed),
                "--method",
                args.method,
                "--team-bound",
                str(args.team_bound),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        print("| " + " | ".join(str(row[key]) for key, _ in COLUMNS) + " |", flush=True)


if __name__ == "__main__":
    main()
