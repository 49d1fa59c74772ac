"""Wall time of `hemplan replan` after a sick call: the issue asks for under 10 s on district-14d.

Run: `python -m hemplan.benchmarks.replan [--instance district-14d] [--schedule FILE] [--days 3-5]
[--time-limit 8] [--workers 2] [--repeat 3]`. Without `--schedule` the instance is first solved
with `hemplan solve --time-limit 30` (not timed). The absent carer is the one with the most
visits on the absence days (the worst single sick call). Each replan runs the command in a fresh
process, as a planner would, so the wall time includes Python start-up and imports; the new
schedule is checked with `hemplan evaluate`. One Markdown row per run is printed: wall time,
visits kept and re-planned, changes, unassigned mandatory visits and mean distinct carers per
client (horizon) before -> after.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from hemplan.models.io.load import load_schedule

REPO = Path(__file__).resolve().parent.parent


def hemplan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hemplan.cli.main", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def worst_carer(schedule_file: Path, days: range) -> str:
    """The carer with the most visits on `days`."""
    count = Counter(
        c for a in load_schedule(schedule_file).assignments if a.day in days for c in a.carers
    )
    return min(count, key=lambda c: (-count[c], c))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", default="district-14d")
    parser.add_argument("--schedule", type=Path)
    parser.add_argument("--days", default="3-5")
    parser.add_argument("--time-limit", default="8")
    parser.add_argument("--workers", default="2")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    instance = REPO / "instances" / f"{args.instance}.json"
    work = Path(tempfile.mkdtemp(prefix="replan-bench-"))
    schedule = args.schedule or work / "old.json"
    if args.schedule is None:
        solved = hemplan(
            "solve", str(instance), "-o", str(schedule), "--time-limit", "30", "--quiet"
        )
        assert solved.returncode == 0, solved.stderr
    first, _, last = args.days.partition("-")
    carer = worst_carer(schedule, range(int(first), int(last or first) + 1))
    print(
        f"{args.instance}: {carer} absent on days {args.days}, --time-limit {args.time_limit}, "
        f"--workers {args.workers}"
    )
    print(
        "| run | wall s | kept | re-planned | changes | unassigned mandatory before -> after "
        "| distinct carers/client (horizon) before -> after |"
    )
    print("|---|---|---|---|---|---|---|")
    for run in range(1, args.repeat + 1):
        out = work / f"new{run}.json"
        began = time.monotonic()
        done = hemplan(
            "replan",
            str(instance),
            str(schedule),
            "--absent",
            carer,
            "--days",
            args.days,
            "-o",
            str(out),
            "--time-limit",
            args.time_limit,
            "--workers",
            args.workers,
            "--json",
        )
        wall = time.monotonic() - began
        assert done.returncode == 0, done.stderr
        checked = hemplan("evaluate", str(instance), str(out), "--json")
        assert checked.returncode == 0, checked.stdout[-2000:]
        report = json.loads(done.stdout)
        after = json.loads(checked.stdout)["metrics"]
        before = json.loads(hemplan("evaluate", str(instance), str(schedule), "--json").stdout)[
            "metrics"
        ]
        means = report["distinct_carers_mean"]
        print(
            f"| {run} | {wall:.1f} | {report['kept']} | {report['replanned']} "
            f"| {len(report['changes'])} | "
            f"{before['unassigned_mandatory']} -> {after['unassigned_mandatory']} | "
            f"{means['before']['horizon']:.3f} -> {means['after']['horizon']:.3f} |"
        )


if __name__ == "__main__":
    main()
