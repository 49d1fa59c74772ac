"""SIGINT and SIGTERM: stop the work, keep what is done, exit 130 or 143.

Two handlers, one after the other:

- from the very start of the command (`exit_on_signals`, installed before the heavy imports)
  either signal ends the process at once with 128 + the signal number (130, 143) and one line
  on stderr: nothing has been planned yet, and nothing is half-written (every output file is
  written atomically, and a temporary file being written is removed on the way out). Without
  it, Python's own SIGINT handler would raise KeyboardInterrupt, which click reports as
  "Aborted!" with exit 1;
- while a long command works (`CaughtSignals`: solve, compare, bench, replan) both signals
  raise KeyboardInterrupt in the main thread, which the solver and the executors turn into a
  stop request (the best plan so far is verified and written); the command then exits with
  the shell's convention, 128 + the signal number. A further signal while the schedule is
  being written aborts the write, which is atomic, so the output file is either the new
  schedule or untouched.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import Any

HANDLED = (signal.SIGINT, signal.SIGTERM)
_work = {"began": False}  # whether a command has caught the signals itself (work began)


def exit_on_signals() -> None:
    """SIGINT and SIGTERM end the process at once with 130 or 143 (SystemExit, so `finally`
    blocks run) and one line on stderr, until a command catches them itself (`CaughtSignals`,
    which puts this back when it is done)."""
    for signum in HANDLED:
        signal.signal(signum, _exit_at_once)


def _exit_at_once(signum: int, frame: FrameType | None) -> None:
    for held in HANDLED:  # one line and one exit, however many signals follow
        signal.signal(held, signal.SIG_IGN)
    name = signal.Signals(signum).name
    what = "" if _work["began"] else ": stopped before any work, nothing written"
    try:
        sys.stderr.write(f"interrupted by {name}{what}\n")
        sys.stderr.flush()
    except (OSError, RuntimeError, ValueError):  # stderr closed, or inside a write to it
        pass
    raise SystemExit(128 + signum)


class CaughtSignals:
    """Context manager: while active, SIGINT and SIGTERM raise KeyboardInterrupt and are
    remembered."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.signum = self.signum or signum
        raise KeyboardInterrupt

    def __enter__(self) -> CaughtSignals:
        _work["began"] = True
        for signum in HANDLED:
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: Any) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    @property
    def exit_code(self) -> int:
        """128 + the first signal's number (130 for SIGINT, 143 for SIGTERM); 0 if none came."""
        return 128 + self.signum if self.signum else 0
