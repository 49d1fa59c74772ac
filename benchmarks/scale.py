"""Scale: peak memory, wall time and model size per team of `hemplan solve` on large instances.

    python -m hemplan.benchmarks.scale [--time-limit 120] [--workers 2] [INSTANCE ...]

Default instances: `instances/city-14d.json` (500 clients) and a generated 80-team,
2,000-client, 28-day instance (`metro-28d`, written to the system's temporary folder, see
`GENERATE`). Each solve runs in a fresh process under `/usr/bin/time -v` (peak RSS of the
parent; each worker process is a fork with its own RSS, at most `workers` of them). The model
size is measured in this process on the largest team: eligible carers per visit (eligibility
pruning) and CP-SAT variables per LNS neighbourhood (arc pruning keeps them bounded by the
neighbourhood, not the team or the horizon).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import hemplan.solver.continuity.search as search
from hemplan.models.io.load import load_instance
from hemplan.solver.continuity.construct import construct
from hemplan.solver.continuity.decompose import team_instances
from hemplan.solver.continuity.search import Budget, SearchSettings, improve
from hemplan.solver.problem import Problem

REPO = Path(__file__).resolve().parent.parent
GENERATE = [
    "generate",
    "--teams",
    "80",
    "--clients-per-team",
    "25",
    "--staff-per-team",
    "10",
    "--days",
    "28",
    "--seed",
    "1",
    "--name",
    "metro-28d",
]


def metro_instance() -> Path:
    """The generated 2,000-client instance (made once, kept in the temporary folder)."""
    path = Path(tempfile.gettempdir()) / "hemplan-metro-28d.json"
    if not path.exists():
        subprocess.run(
            [sys.executable, "-m", "hemplan.cli.main", *GENERATE, "-o", str(path)],
            cwd=REPO,
            check=True,
        )
    return path


def timed_solve(instance: Path, time_limit: float, workers: int) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and the summary line of one `hemplan solve` in a fresh
    process."""
    out = Path(tempfile.gettempdir()) / f"hemplan-scale-{instance.stem}.schedule.json"
    began = time.monotonic()
    done = subprocess.run(
        [
            "/usr/bin/time",
            "-v",
            sys.executable,
            "-m",
            "hemplan.cli.main",
            "solve",
            str(instance),
            "-o",
            str(out),
            "--time-limit",
            str(time_limit),
            "--workers",
            str(workers),
            "--quiet",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.monotonic() - began
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    rss_kb = int(found.group(1)) if found else 0
    return wall, rss_kb / 1024, done.stdout.strip().splitlines()[-1]


def model_size(instance: Path, steps_work: float = 2.0) -> str:
    """Eligibility and neighbourhood model size on the team with the most visits."""
    team = max(team_instances(load_instance(instance)), key=lambda part: len(part.visits))
    problem = Problem.build(team)
    per_visit = [len(problem.eligible[v.id]) for v in team.visits]
    plan = construct(problem, 0)
    sizes: list[int] = []
    original = search.solve_neighbourhood

    def recording(*args, **kwargs):  # benchmark-only wrapper: count each model's variables
        result = original(*args, **kwargs)
        if result is not None:
            sizes.append(result.variables)
        return result

    search.solve_neighbourhood = recording
    try:
        improve(problem, plan, Budget(steps_work, time.monotonic() + 60), 0, SearchSettings())
    finally:
        search.solve_neighbourhood = original
    return (
        f"largest team {team.teams[0].id}: {len(team.visits)} visits, {len(team.staff)} carers; "
        f"eligible carers per visit mean {sum(per_visit) / len(per_visit):.1f}, "
        f"max {max(per_visit)}; CP-SAT variables per "
        f"neighbourhood mean {sum(sizes) / max(1, len(sizes)):.0f}, max {max(sizes, default=0)} "
        f"({len(sizes)} neighbourhoods)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instances", nargs="*", type=Path)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    for path in args.instances or [REPO / "instances" / "city-14d.json", metro_instance()]:
        wall, rss, summary = timed_solve(path, args.time_limit, args.workers)
        print(
            f"{path.stem}: --time-limit {args.time_limit:g}, {args.workers} workers: "
            f"wall {wall:.1f} s, "
            f"peak RSS {rss:.0f} MB (parent); {summary}"
        )
        print(f"  {model_size(path)}")


if __name__ == "__main__":
    main()
