"""Scale: peak memory, wall time and model size per team of `hemplan solve` on large instances.

    python -m hemplan.benchmarks.scale [--time-limit 120] [--workers 2] [INSTANCE ...]
    python -m hemplan.benchmarks.scale --table [--methods continuity,central-travel]
        [--ladder teams,one-team] [--time-limit 60] [--cap-mb 8192] [--workers 2]

Default instances: `instances/city-14d.json` (500 clients) and a generated 80-team,
2,000-client, 28-day instance (`metro-28d`, written to the system's temporary folder, see
`GENERATE`). Each solve runs in a fresh process under `/usr/bin/time -v` (peak RSS of the
parent; each worker process is a fork with its own RSS, at most `workers` of them). The model
size is measured in this process on the largest team: eligible carers per visit (eligibility
pruning) and CP-SAT variables per LNS neighbourhood (arc pruning keeps them bounded by the
neighbourhood, not the team or the horizon).

`--table` measures what size runs in the time limit and what fits in memory, per method: it
solves ladders of instances of growing size (`LADDERS`: more teams of 25 clients and 10 carers
over 14 days, or one ever larger team), each in a fresh process tree whose memory is sampled
four times a second (the proportional set size summed over the solve and its workers, so the
pages forked workers share count once) and which is killed over `--cap-mb`. Instances beyond
the generator's 100 teams are copies of a generated one with renamed ids (`replicate`). Each
row also gives `solver.budget`'s estimate for the run, and the budget check is off for the
runs (`HEMPLAN_MEMORY_BUDGET=off`) so that what is measured is the solve itself.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hemplan.solver.continuity.search as search
from hemplan.models.contract.instance import Instance
from hemplan.models.io.load import load_instance
from hemplan.models.io.write import to_json
from hemplan.solver import budget
from hemplan.solver.continuity.construct import construct
from hemplan.solver.continuity.decompose import team_instances
from hemplan.solver.continuity.search import Budget, SearchSettings, improve
from hemplan.solver.method import SolveOptions, memory_plan
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


TEAM = ["--clients-per-team", "25", "--staff-per-team", "10", "--days", "14", "--seed", "1"]


@dataclass(frozen=True)
class Rung:
    """One instance of a ladder: `teams` generated teams, or `copies` copies of the generated
    `teams`-team instance (`one_team`: all in its one team)."""

    label: str
    teams: int
    copies: int = 1
    one_team: bool = False


LADDERS = {
    "teams": [
        Rung("1 team", 1),
        Rung("5 teams", 5),
        Rung("20 teams", 20),
        Rung("50 teams", 50),
        Rung("100 teams", 100),
        Rung("200 teams", 100, 2),
        Rung("400 teams", 100, 4),
    ],
    "one-team": [
        Rung("one team x4", 1, 4, True),
        Rung("one team x16", 1, 16, True),
        Rung("one team x40", 1, 40, True),
        Rung("one team x100", 1, 100, True),
        Rung("one team x400", 1, 400, True),
    ],
}
BORROWING = {"central-greedy", "central-travel"}  # methods that plan the district as one pool


def generated(teams: int, folder: Path) -> Path:
    """`hemplan generate --teams N` with 25 clients and 10 carers a team over 14 days (made once
    in `folder`)."""
    path = folder / f"hemplan-scale-{teams}t.json"
    if not path.exists():
        subprocess.run(
            [sys.executable, "-m", "hemplan.cli.main", "generate", "--teams", str(teams), *TEAM]
            + ["--name", f"scale-{teams}t", "-o", str(path)],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
    return path


def replicate(instance: Instance, copies: int, one_team: bool) -> dict[str, Any]:
    """`copies` copies of `instance` as one instance document, every id suffixed `-R<copy>`.

    Without `one_team` each copy keeps its own teams (more teams of the same size); with it every
    copy joins the first copy's teams and its homes are shifted by up to 2 km, so one team grows
    (the homes do not pile up on one spot)."""
    data = json.loads(to_json(instance))
    out: dict[str, Any] = {k: v for k, v in data.items() if k not in ("patterns",)}
    out["name"] = f"{instance.name}-x{copies}{'-one-team' if one_team else ''}"
    for key in ("teams", "staff", "clients", "visits"):
        out[key] = []
    for r in range(copies):
        sfx = f"-R{r}"

        def team(t: str) -> str:
            return t if one_team else t + sfx  # noqa: B023  (used within the iteration)

        if r == 0 or not one_team:
            out["teams"] += [{**t, "id": team(t["id"])} for t in data["teams"]]
        out["staff"] += [{**s, "id": s["id"] + sfx, "team": team(s["team"])} for s in data["staff"]]
        for c in data["clients"]:
            where = dict(c["location"])
            if one_team:
                where["lat"] += 0.002 * (r % 10)
                where["lon"] += 0.004 * (r // 10 % 10)
            contact = c.get("contact_carer")
            out["clients"].append(
                {
                    **c,
                    "id": c["id"] + sfx,
                    "team": team(c["team"]),
                    "location": where,
                    "preferred_carers": [x + sfx for x in c["preferred_carers"]],
                    "excluded_carers": [x + sfx for x in c["excluded_carers"]],
                    "contact_carer": contact + sfx if contact else None,
                }
            )
        out["visits"] += [
            {
                **v,
                "id": v["id"] + sfx,
                "client": v["client"] + sfx,
                "locked_carers": [x + sfx for x in v.get("locked_carers") or []],
            }
            for v in data["visits"]
        ]
    return out


def rung_instance(rung: Rung, folder: Path) -> Path:
    """The instance file of a rung (made once in `folder`)."""
    base = generated(rung.teams, folder)
    if rung.copies == 1:
        return base
    path = folder / f"{base.stem}-x{rung.copies}{'-one' if rung.one_team else ''}.json"
    if not path.exists():
        doc = replicate(load_instance(base), rung.copies, rung.one_team)
        path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _tree(pid: int) -> list[int]:
    """`pid` and every process below it."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(x) for x in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


def _pss_kb(pid: int) -> int:
    """Proportional set size of a process in kB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


@dataclass
class Run:
    wall_s: float
    peak_mb: float  # the largest sum of PSS over the process tree
    returncode: int
    over_cap_s: float | None  # when the run was killed for passing the cap
    timed_out: bool  # killed for running past the timeout
    stdout: str
    stderr: str


def sampled_run(
    command: list[str], cap_mb: float, env: dict[str, str], timeout: float = float("inf")
) -> Run:
    """Run `command`, sampling its process tree's memory every 0.25 s; kill it over `cap_mb`
    or after `timeout` seconds."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        began = time.monotonic()
        proc = subprocess.Popen(
            command, cwd=REPO, stdout=out, stderr=err, env=env, start_new_session=True
        )
        peak, over, late = 0.0, None, False
        while proc.poll() is None:
            pss = sum(_pss_kb(pid) for pid in _tree(proc.pid)) / 1024
            peak = max(peak, pss)
            if over is None and not late:
                if pss > cap_mb:
                    over = time.monotonic() - began
                    os.killpg(proc.pid, signal.SIGKILL)
                elif time.monotonic() - began > timeout:
                    late = True
                    os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.25)
        wall = time.monotonic() - began
        out.seek(0)
        err.seek(0)
        return Run(wall, peak, proc.returncode, over, late, out.read(), err.read())


def estimate_mb(instance: Instance, method: str, workers: int, time_limit: float) -> float:
    """`solver.budget`'s estimate for the run, in MiB (what `admit` checks)."""
    options = SolveOptions(time_limit=time_limit, workers=workers)
    plan = memory_plan(instance, options, method in BORROWING, method)
    return budget.estimate(budget.Size.of(instance), plan).total / budget.MIB


def table_row(path: Path, label: str, method: str, args: argparse.Namespace) -> str:
    """One measured row of the size table."""
    instance = load_instance(path)
    size = budget.Size.of(instance)
    guess = estimate_mb(instance, method, args.workers, args.time_limit)
    out = Path(tempfile.gettempdir()) / f"hemplan-scale-{path.stem}-{method}.schedule.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "hemplan.cli.main", "solve", str(path), "-o", str(out)]
    command += ["--method", method, "--time-limit", f"{args.time_limit:g}"]
    command += ["--workers", str(args.workers), "--quiet"]
    timeout = args.timeout or 4 * args.time_limit + 60
    run = sampled_run(command, args.cap_mb, {**os.environ, budget.ENV: "off"}, timeout)
    if run.over_cap_s is not None:
        result = f"over {args.cap_mb:.0f} MB after {run.over_cap_s:.0f} s"
    elif run.timed_out:
        result = f"stopped after {timeout:.0f} s (time limit {args.time_limit:g} s)"
    elif run.returncode != 0:
        result = f"exit {run.returncode}: {(run.stderr.strip().splitlines() or [''])[-1][:80]}"
    else:
        schedule = json.loads(out.read_text(encoding="utf-8"))
        unassigned = len(schedule.get("unassigned", []))
        result = f"{schedule['solver']['status']}, {unassigned:,} unassigned"
    del instance
    return (
        f"| {label} | {method} | {size.teams:,} | {size.clients:,} | {size.staff:,} | "
        f"{size.visits:,} | {run.wall_s:.0f} | {run.peak_mb:,.0f} | {guess:,.0f} | {result} |"
    )


def size_table(args: argparse.Namespace) -> None:
    """Print the size table (markdown), a row as each run ends."""
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    print(
        f"time limit {args.time_limit:g} s, {args.workers} workers, cap {args.cap_mb:.0f} MB; "
        f"peak = largest PSS summed over the process tree"
    )
    print(
        "| instance | method | teams | clients | staff | visits | wall s | peak MB | "
        "estimate MB | result |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for ladder in args.ladder.split(","):
        for rung in LADDERS[ladder]:
            if args.max_visits and rung.teams * rung.copies * 25 * 14 * 2 > args.max_visits * 1.2:
                continue
            path = rung_instance(rung, folder)
            for method in args.methods.split(","):
                print(table_row(path, rung.label, method, args), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instances", nargs="*", type=Path)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--table", action="store_true", help="measure the size table")
    parser.add_argument("--methods", default="continuity,central-greedy,central-travel")
    parser.add_argument("--ladder", default="teams,one-team", help=f"of {', '.join(LADDERS)}")
    parser.add_argument("--cap-mb", type=float, default=8192.0)
    parser.add_argument(
        "--timeout",
        type=float,
        default=0.0,
        help="stop a run after this many s (0: 4 x limit + 60)",
    )
    parser.add_argument("--max-visits", type=int, default=0, help="skip larger rungs (0: none)")
    parser.add_argument(
        "--folder",
        default=str(Path(tempfile.gettempdir()) / "hemplan-scale"),
        help="where the ladder's instances are made (once)",
    )
    args = parser.parse_args()
    if args.table:
        size_table(args)
        return
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
