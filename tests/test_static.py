"""The code's own checks, run with the tests so that the one test command proves them:
ruff (lint and import order) and mypy (type hints), both with zero findings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(
    *args: str, cwd: Path = ROOT, env_path: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = None
    if env_path is not None:
        import os

        env = {**os.environ, "MYPYPATH": env_path}
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )


def test_ruff_finds_nothing() -> None:
    done = _run("ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_finds_nothing(tmp_path: Path) -> None:
    """mypy checks the source tree as the package `hemplan` (the repository root is the package)."""
    (tmp_path / "hemplan").symlink_to(ROOT, target_is_directory=True)
    done = _run(
        "mypy",
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "--cache-dir",
        str(tmp_path / "cache"),
        "-p",
        "hemplan",
        cwd=tmp_path,
        env_path=str(tmp_path),
    )
    assert done.returncode == 0, done.stdout + done.stderr
