"""Headless Chromium (Debian's `chromium` package) for the tests of printed pages: the DOM as
the browser built it, and a screenshot."""

from __future__ import annotations

import subprocess
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def rendered_dom(binary: str, profile: Path, page: Path, *args: str) -> str:
    """The DOM of `page` as Chromium built it after its scripts ran (`args`: more flags, e.g.
    a virtual time budget for asynchronous work); a failed run or any console message or
    uncaught error fails the test."""
    dumped = chromium(
        binary, profile, "--enable-logging=stderr", "--v=0", *args, "--dump-dom", page.as_uri()
    )
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    console = [
        line for line in dumped.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line
    ]
    assert console == []
    return dumped.stdout
