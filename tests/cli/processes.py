"""Helpers for tests that signal or kill real `hemplan` processes: start one with its stderr
read as it comes, find the processes below it, and tell whether they still run (Linux /proc;
a zombie counts as ended: it runs nothing, and whoever adopted it may reap it later)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path


def hemplan(*args: str) -> list[str]:
    """The command line of `hemplan ARGS` run by this Python."""
    return [sys.executable, "-m", "hemplan.cli.main", *args]


class Watched:
    """A hemplan process whose stderr lines are collected as they come."""

    def __init__(self, *args: str, cwd: Path | None = None, new_session: bool = False) -> None:
        self.process = subprocess.Popen(
            hemplan(*args),
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=new_session,
        )
        self.lines: list[str] = []
        self.stdout = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._out = threading.Thread(target=self._read_stdout, daemon=True)
        self._out.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        self.stdout = self.process.stdout.read()

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 60) -> None:
        """Until a line of stderr holds `text`; fails if the process ends first."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert self.process.poll() is None, f"ended before {text!r}:\n{self.stderr[-3000:]}"
            assert time.monotonic() < deadline, (
                f"no {text!r} in {timeout} s:\n{self.stderr[-3000:]}"
            )
            time.sleep(0.05)

    def finish(self, timeout: float = 60) -> int:
        """Wait for the exit (killing the process if it does not come) and the output."""
        try:
            self.process.wait(timeout=timeout)
        finally:
            self.kill()
        self._reader.join(timeout=10)
        self._out.join(timeout=10)
        return self.process.returncode

    def interrupt(self, signum: int, timeout: float = 30) -> int:
        """Send `signum` and wait for the exit (`finish`)."""
        self.process.send_signal(signum)
        return self.finish(timeout=timeout)

    def __enter__(self) -> Watched:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()

    def kill(self) -> None:
        """Leave nothing running behind a test that failed (also on leaving a `with` block)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _parents() -> dict[int, int]:
    """Every process's parent, from /proc."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    return parents


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children, ...)."""
    children: dict[int, list[int]] = {}
    for child, parent in _parents().items():
        children.setdefault(parent, []).append(child)
    found, todo = [], list(children.get(pid, []))
    while todo:
        found.append(todo.pop())
        todo += children.get(found[-1], [])
    return found


def running(pid: int) -> bool:
    """Whether the process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")


def still_running(pids: list[int], grace: float = 5) -> list[int]:
    """The processes of `pids` that still run after up to `grace` seconds."""
    deadline = time.monotonic() + grace
    while any(running(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if running(p)]


def kill_all(pids: list[int]) -> None:
    """SIGKILL whatever of `pids` still runs (cleaning up after a failed test)."""
    for pid in pids:
        if running(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def catches(pid: int, signum: int) -> bool:
    """Whether the process has a handler of its own for `signum` (/proc/PID/status SigCgt)."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) >> (signum - 1) & 1)
    except OSError:
        pass
    return False


def temporaries(folder: Path) -> list[str]:
    """Hidden temporary files of the atomic writer left in `folder`."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and ".tmp" in p.name)
