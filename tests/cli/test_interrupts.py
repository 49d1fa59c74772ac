"""Signals and kills of real hemplan processes: a signal at any moment gives 130 or 143 without a
traceback, compare and bench stop as a whole and mark what was cut short, and no worker
outlives its command, even one killed with SIGKILL."""

from __future__ import annotations

import csv
import json
import signal
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance, load_schedule
from tests.cli.processes import (
    Watched,
    catches,
    descendants,
    kill_all,
    still_running,
    temporaries,
)
from tests.paths import INSTANCES

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="POSIX signals, Linux /proc")

TINY = INSTANCES / "tiny.json"
TEAM = INSTANCES / "team-14d.json"


def _verified(instance_file: Path, schedule_file: Path, status: str) -> None:
    schedule = load_schedule(schedule_file)
    assert schedule.solver is not None and schedule.solver.status == status
    assert schedule.assignments
    evaluation = evaluate(load_instance(instance_file), schedule, schedule.allow_borrowing)
    assert evaluation.violations == []


def _clean(text: str) -> None:
    assert "Traceback" not in text and "Aborted" not in text, text[-3000:]


@pytest.mark.parametrize(
    "command",
    [
        ["solve", str(TINY), "-o", "{out}/s.json"],
        ["compare", str(TINY), "-o", "{out}/cmp"],
        ["bench", "bundled", "--instances", "tiny", "-o", "{out}/bench"],
        ["replan", str(TINY), "{out}/old.json", "-o", "{out}/new.json"],
    ],
    ids=lambda command: command[0],
)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_a_signal_while_the_command_starts_exits_at_once_with_the_shells_code(
    tmp_path: Path, command: list[str], signum: int
) -> None:
    """Signalled while it still imports the solver (about half a second in): 130 or 143, one
    line, nothing written; not click's "Aborted!" with exit 1, not a SIGTERM death."""
    watched = Watched(*(part.format(out=tmp_path) for part in command))
    with watched:
        deadline = time.monotonic() + 30
        while not catches(watched.pid, signal.SIGTERM):  # Python itself never catches SIGTERM
            assert watched.process.poll() is None and time.monotonic() < deadline, watched.stderr
            time.sleep(0.002)
        code = watched.interrupt(signum)
    assert code == 128 + signum, watched.stderr
    _clean(watched.stderr)
    assert (
        f"interrupted by {signal.Signals(signum).name}: stopped before any work" in watched.stderr
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written, nothing left


def test_ctrl_c_stops_compare_as_a_whole_and_marks_the_interrupted_method(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    watched = Watched(
        "compare",
        str(TEAM),
        "-o",
        str(out),
        "--methods",
        "continuity,central-greedy",
        "--time-limit",
        "40",
        "--workers",
        "1",
        "--progress",
        "lines",
        "--json",
    )
    with watched:
        watched.wait_for("continuity first plan")
        began = time.monotonic()
        code = watched.interrupt(signal.SIGINT)
    assert code == 130, watched.stderr
    assert time.monotonic() - began < 15  # not the 40 s of the method, nor the next method's run
    _clean(watched.stderr)
    assert "interrupted: continuity stopped early" in watched.stderr
    assert "central-greedy not run" in watched.stderr
    summary = json.loads(watched.stdout)
    assert [(r["method"], r["status"]) for r in summary["rows"]] == [
        ("continuity (interrupted)", "interrupted")
    ]
    assert summary["interrupted"] is True and summary["price_of_continuity"] == []
    with open(out / "compare.csv", newline="") as handle:
        assert [r["method"] for r in csv.DictReader(handle)] == ["continuity (interrupted)"]
    table = (out / "compare.md").read_text()
    assert "| continuity (interrupted) |" in table and "- interrupted: " in table
    _verified(TEAM, out / "continuity.json", "INTERRUPTED")  # its best plan, verified
    assert not (out / "central-greedy.json").exists()
    assert temporaries(out) == []


def test_sigterm_stops_compare_and_its_forked_workers(tmp_path: Path) -> None:
    """central-travel routes two days at once in two forked workers: SIGTERM ends them too."""
    out = tmp_path / "cmp"
    watched = Watched(
        "compare",
        str(TEAM),
        "-o",
        str(out),
        "--methods",
        "central-travel,central-greedy",
        "--time-limit",
        "24",
        "--workers",
        "2",
        "--progress",
        "lines",
    )
    workers: list[int] = []
    try:
        watched.wait_for("central-travel first plan")
        workers = descendants(watched.pid)
        code = watched.interrupt(signal.SIGTERM)
    finally:
        watched.kill()
        left = still_running(workers, grace=5)
        kill_all(workers)
    assert len(workers) >= 2
    assert code == 143, watched.stderr
    assert left == []
    _clean(watched.stderr)
    with open(out / "compare.csv", newline="") as handle:
        assert [r["method"] for r in csv.DictReader(handle)] == ["central-travel (interrupted)"]
    _verified(TEAM, out / "central-travel.json", "INTERRUPTED")
    assert "| central-travel (interrupted) |" in watched.stdout
    assert not (out / "central-greedy.json").exists()


def test_an_interrupted_bench_writes_the_rows_done_and_marks_the_job_it_killed(
    tmp_path: Path,
) -> None:
    out = tmp_path / "bench"
    watched = Watched(
        "bench",
        "bundled",
        "--instances",
        "tiny,team-14d",
        "--time-limit",
        "60",
        "-o",
        str(out),
        "--progress",
        "lines",
        "--json",
    )
    with watched:
        watched.wait_for("tiny continuity seed 0 done")
        time.sleep(1.5)  # team-14d's job is running
        code = watched.interrupt(signal.SIGINT)
    assert code == 130, watched.stderr
    _clean(watched.stderr)
    assert "interrupted: 1 of 2 job(s) done; team-14d continuity seed 0 killed" in watched.stderr
    rows = json.loads(watched.stdout)
    assert [(r["instance"], r["ok"]) for r in rows] == [
        ("tiny", "yes"),
        ("team-14d", "interrupted"),
    ]
    assert rows[1]["travel_min"] is None and rows[1]["wall_s"] is None
    with open(out / "bench.csv", newline="") as handle:
        assert [(r["instance"], r["ok"]) for r in csv.DictReader(handle)] == [
            ("tiny", "yes"),
            ("team-14d", "interrupted"),
        ]
    assert "| team-14d | continuity | 0 |" in (out / "bench.md").read_text()
    assert temporaries(out) == []


@pytest.fixture(scope="module")
def two_teams(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small instance of two teams: solve runs them in two forked workers."""
    path = tmp_path_factory.mktemp("two") / "two.json"
    made = CliRunner().invoke(
        main,
        [
            "generate",
            "--teams",
            "2",
            "--clients-per-team",
            "12",
            "--staff-per-team",
            "5",
            "--days",
            "7",
            "--seed",
            "3",
            "-o",
            str(path),
        ],
    )
    assert made.exit_code == 0, made.output
    return path


def test_workers_die_with_a_solve_killed_by_sigkill(tmp_path: Path, two_teams: Path) -> None:
    watched = Watched(
        "solve",
        str(two_teams),
        "-o",
        str(tmp_path / "s.json"),
        "--workers",
        "2",
        "--time-limit",
        "60",
        "--progress",
        "lines",
    )
    workers: list[int] = []
    try:
        watched.wait_for("first plan")
        workers = descendants(watched.pid)
        watched.process.kill()  # SIGKILL: the command runs no code of its own any more
        watched.finish(timeout=10)
        left = still_running(workers, grace=5)
    finally:
        watched.kill()
        kill_all(workers)
    assert len(workers) == 2
    assert left == []


def test_a_bench_job_dies_with_a_bench_killed_by_sigkill(tmp_path: Path) -> None:
    """A bench job is forked by a fork server, which outlived a killed bench with the job."""
    watched = Watched(
        "bench", "bundled", "--instances", "team-14d", "--time-limit", "60", "-o", str(tmp_path)
    )
    below: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(descendants(watched.pid)) < 3:  # the fork server, the job, the resource tracker
            assert watched.process.poll() is None and time.monotonic() < deadline, watched.stderr
            time.sleep(0.1)
        time.sleep(1)  # the job is solving
        below = descendants(watched.pid)
        watched.process.kill()
        watched.finish(timeout=10)
        left = still_running(below, grace=5)
    finally:
        watched.kill()
        kill_all(below)
    assert left == []


def test_ctrl_c_stops_bound_at_once_and_prints_the_teams_done(tmp_path: Path) -> None:
    """The teams' relaxations run in worker processes (even one at a time), so a Ctrl-C ends
    the command within seconds, not when CP-SAT's solve of the team ends, and no worker
    survives it."""
    district = INSTANCES / "district-14d.json"
    watched = Watched("bound", str(district), "--workers", "2", "--time-limit", "600")
    with watched:
        deadline = time.monotonic() + 60
        while not descendants(watched.pid):  # the workers have started: the teams are running
            assert watched.process.poll() is None and time.monotonic() < deadline, watched.stderr
            time.sleep(0.05)
        workers = descendants(watched.pid)
        time.sleep(1.0)
        began = time.monotonic()
        code = watched.interrupt(signal.SIGINT)
    assert code == 130, watched.stderr
    assert time.monotonic() - began < 10  # T02 and T03 alone take over 10 s to bound
    _clean(watched.stderr)
    assert "stopped: the teams not listed were not bounded" in watched.stderr
    assert watched.stdout.splitlines()[0].split()[:2] == ["days", "team"]
    assert still_running(workers) == []
