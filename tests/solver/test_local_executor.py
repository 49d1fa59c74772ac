"""Local processes, the one way hemplan runs jobs in parallel: a fresh process per job when
timing and memory must be the job's own, and jobs abandoned (their processes killed) on a stop
request when they cannot poll it; no child outlives an interrupted command."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance, load_schedule
from hemplan.solver.executors import (
    STOP_POLL_S,
    InlineExecutor,
    LocalExecutor,
    interrupt_on_stop,
    make_executor,
)
from tests.paths import REPO

TEAM = REPO / "instances" / "team-14d.json"
ALLOCATE_MB = 300


def _pid(job: int, report: Callable[[Any], None], should_stop: Callable[[], bool]) -> int:
    return os.getpid()


def _peak_mb(
    allocate: bool, report: Callable[[Any], None], should_stop: Callable[[], bool]
) -> float:
    """This process's peak memory, after touching ALLOCATE_MB when asked."""
    if allocate:
        block = bytearray(ALLOCATE_MB * 1024 * 1024)
        block[::4096] = b"x" * len(block[::4096])  # touch every page
        del block
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sleeper(
    seconds: float, report: Callable[[Any], None], should_stop: Callable[[], bool]
) -> float:
    """Reports its process id, then sleeps without ever asking whether to stop (like a routing
    search)."""
    report(os.getpid())
    time.sleep(seconds)
    return seconds


def _alive(pid: int) -> bool:
    """Whether a process with this id still exists (a zombie counts: it was not reaped)."""
    return bool(
        subprocess.run(
            ["ps", "-p", str(pid), "-o", "pid="], capture_output=True, text=True
        ).stdout.strip()
    )


def test_fresh_mode_runs_every_job_in_a_new_process() -> None:
    with LocalExecutor(1, fresh=True) as fresh:
        first, second = fresh.map(_pid, [1, 2])
    assert first != second and os.getpid() not in (first, second)
    with LocalExecutor(1) as kept:  # the default keeps its worker: the test above can tell
        assert len(set(kept.map(_pid, [1, 2]))) == 1
    with make_executor(
        "local", workers=1, fresh=True
    ) as chosen:  # one worker, yet not in this process
        assert isinstance(chosen, LocalExecutor) and os.getpid() not in chosen.map(_pid, [1])


def test_fresh_mode_gives_each_job_its_own_peak_memory() -> None:
    ballast = bytearray(ALLOCATE_MB * 1024 * 1024)  # this process's memory, not the jobs'
    ballast[::4096] = b"x" * len(ballast[::4096])
    with LocalExecutor(1, fresh=True) as fresh:
        big, small = fresh.map(_peak_mb, [True, False])
    del ballast
    assert (
        small < ALLOCATE_MB
    )  # a process spawned from here would count this process's peak as its own
    assert big >= small + ALLOCATE_MB / 2  # nor does the second job inherit the first one's peak


def test_abandon_kills_a_job_that_cannot_stop_and_keeps_finished_results() -> None:
    pids: list[int] = []

    def on_event(pid: Any) -> None:
        pids.append(pid)
        if len(pids) == 2:  # the 120-s sleeper has started (not the first, quick job): stop now
            executor.request_stop()

    began = time.monotonic()
    with LocalExecutor(1, abandon=True) as executor:
        results = executor.map(_sleeper, [0.0, 120.0, 120.0], on_event)
        assert results[1:] == [None, None]  # the running job abandoned, the last never started
        assert results[0] == 0.0  # finished before the stop: kept
        assert len(pids) == 2 and not any(_alive(pid) for pid in pids)  # gone already, not at close
        assert executor.map(_sleeper, [120.0]) == [None]  # stopped for good
    assert time.monotonic() - began < 30  # not the 120 s of the sleeper


def test_a_ctrl_c_while_waiting_abandons_the_jobs_of_two_workers() -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    pids: list[int] = []

    def on_event(pid: Any) -> None:
        pids.append(pid)
        if len(pids) == 2:  # both jobs run: a real SIGINT to this process, as a Ctrl-C would be
            os.kill(os.getpid(), signal.SIGINT)

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        began = time.monotonic()
        with make_executor("local", workers=2, abandon=True) as executor:
            assert executor.map(_sleeper, [120.0, 120.0, 120.0], on_event) == [None, None, None]
            assert executor.stopped
        assert time.monotonic() - began < 30
    finally:
        signal.signal(signal.SIGINT, previous)
    assert len(pids) == 2 and not any(_alive(pid) for pid in pids)


def test_without_abandon_a_stop_request_waits_for_the_jobs() -> None:
    with LocalExecutor(2) as executor:
        executor.request_stop()
        assert executor.map(_sleeper, [0.2, 0.2]) == [0.2, 0.2]  # tasks that ignore it still finish
    inline = InlineExecutor()
    inline.request_stop()
    assert inline.map(_sleeper, [0.2]) == [None]


def test_dask_refuses_the_local_modes() -> None:
    with pytest.raises(ValueError, match="local executor"):
        make_executor("dask", workers=1, abandon=True)


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (a fresh job is a child of the fork server, not of the command)."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
    children: dict[int, list[int]] = {}
    for child, parent in (map(int, line.split()) for line in out.splitlines() if line.strip()):
        children.setdefault(parent, []).append(child)
    found, todo = [], list(children.get(pid, []))
    while todo:
        found.append(todo.pop())
        todo += children.get(found[-1], [])
    return found


def _interrupt(
    command: list[str], ready: Callable[[str, int], bool], timeout: float = 120
) -> tuple[int, str, list[int]]:
    """Run a hemplan command, SIGINT it once `ready(stderr so far, its pid)`, and return its exit
    code, its stderr and the processes below it just before the signal."""
    process = subprocess.Popen(
        [sys.executable, "-m", "hemplan.cli.main", *command],
        cwd=REPO,
        text=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stderr or []), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + timeout
        while not ready("".join(lines), process.pid):
            assert time.monotonic() < deadline and process.poll() is None, "".join(lines)[-2000:]
            time.sleep(0.2)
        children = _descendants(process.pid)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
        reader.join(timeout=10)
    finally:
        if process.poll() is None:  # the test failed: leave nothing running behind it
            process.kill()
            process.wait()
    return process.returncode, "".join(lines), children


def _gone(pids: list[int], grace: float = 10) -> bool:
    deadline = time.monotonic() + grace
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return not any(_alive(pid) for pid in pids)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_an_interrupted_central_travel_keeps_the_days_before_and_leaves_no_child(
    tmp_path: Path,
) -> None:
    out = tmp_path / "s.json"
    began = time.monotonic()
    code, stderr, children = _interrupt(
        [
            "solve",
            str(TEAM),
            "-o",
            str(out),
            "--method",
            "central-travel",
            "--time-limit",
            "24",
            "--workers",
            "2",
            "--progress",
            "lines",
        ],
        lambda seen, pid: "first plan" in seen,
    )
    assert code == 130, stderr
    assert len(children) == 2  # two days were being routed at once
    assert _gone(children, grace=0.5)  # killed and reaped by the time the command returned
    assert time.monotonic() - began < 16  # not waited for: each had most of its share of 24 s left
    schedule = load_schedule(out)
    assert schedule.solver is not None and schedule.solver.status == "INTERRUPTED"
    assert schedule.assignments  # the days planned before the signal
    assert evaluate(load_instance(TEAM), schedule, allow_borrowing=True).violations == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_an_interrupted_bench_kills_its_job_and_leaves_no_child(tmp_path: Path) -> None:
    started: list[float] = []

    def job_running(seen: str, pid: int) -> bool:
        """A few seconds after the job's process appeared: it is solving (with 120 s to go)."""
        if not started and len(_descendants(pid)) >= 3:  # the fork server, the job, the tracker
            started.append(time.monotonic())
        return bool(started) and time.monotonic() - started[0] > 2

    began = time.monotonic()
    code, stderr, children = _interrupt(
        [
            "bench",
            "bundled",
            "--instances",
            "team-14d",
            "--time-limit",
            "120",
            "-o",
            str(tmp_path / "b"),
            "--progress",
            "lines",
        ],
        job_running,
    )
    assert code == 130, stderr
    assert "interrupted: 0 of 1 job(s) done" in stderr and "Traceback" not in stderr
    assert len(children) >= 3 and _gone(children)
    assert time.monotonic() - began < 60
    assert not (tmp_path / "b" / "bench.md").exists()


# --- no worker outlives its owner, whatever kills it ---------------------------------------------

_OWNER = """
import sys
from hemplan.solver.executors import LocalExecutor
from tests.solver.test_local_executor import _sleeper

fresh = sys.argv[1] == "fresh"
with LocalExecutor(1 if fresh else 2, fresh=fresh) as executor:
    executor.map(_sleeper, [120.0, 120.0], lambda pid: print(pid, flush=True))
"""


def _running(pid: int) -> bool:
    """Whether the process exists and is not a zombie (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return False


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
@pytest.mark.parametrize("mode", ["fork", "fresh"])
def test_workers_die_when_their_owner_is_killed_with_sigkill(mode: str) -> None:
    """A kept pool's workers are the owner's children; a fresh job is a child of the fork
    server, which used to outlive the owner together with the job (each kept the other alive)."""
    owner = subprocess.Popen(
        [sys.executable, "-c", _OWNER, mode], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    below: list[int] = []
    try:
        assert owner.stdout is not None
        jobs = [int(owner.stdout.readline()) for _ in range(1 if mode == "fresh" else 2)]
        below = _descendants(owner.pid)
        assert set(jobs) <= set(below)
        owner.kill()
        owner.wait()
        deadline = time.monotonic() + 5
        while any(_running(pid) for pid in below) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [pid for pid in below if _running(pid)]
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
        for pid in below:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
    assert left == []


def test_a_stop_raised_in_the_task_thread_arrives_once_and_never_after_the_block() -> None:
    stop = threading.Event()
    seen: list[str] = []

    def task() -> None:
        try:
            with interrupt_on_stop(stop.is_set):
                stop.set()
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    time.sleep(0.01)
                seen.append("not stopped")
        except KeyboardInterrupt:
            seen.append("stopped")
        time.sleep(3 * STOP_POLL_S)  # nothing more arrives after the block
        with interrupt_on_stop(lambda: True):
            pass  # ended before the watcher looked: nothing arrives either
        time.sleep(3 * STOP_POLL_S)
        seen.append("after")

    thread = threading.Thread(target=task)
    began = time.monotonic()
    thread.start()
    thread.join(timeout=40)
    assert seen == ["stopped", "after"]
    assert time.monotonic() - began < 10
