"""SIGINT and SIGTERM during a long command: stop the search, keep the best, exit 130 or 143.

Both signals raise KeyboardInterrupt in the main thread, which the solver already turns into
a stop request (the best plan so far is verified and written); the command then exits with
the shell's convention, 128 + the signal number. A further signal while the schedule is being
written aborts the write, which is atomic, so the output file is either the new schedule or
untouched.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

HANDLED = (signal.SIGINT, signal.SIGTERM)


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
