"""Output safety: a write that fails or is interrupted leaves an existing output file intact
and no temporary file behind."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.models.io.write import write_text_atomic
from tests.paths import REPO

OLD = '{"old": "schedule"}\n'


class _HalfWriter:
    """A file that writes half of the text and is then hit by a signal."""

    def __init__(self, handle: Any):
        self.handle = handle

    def __enter__(self) -> _HalfWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.handle.close()

    def write(self, text: str) -> None:
        self.handle.write(text[: len(text) // 2])
        self.handle.flush()
        raise KeyboardInterrupt


def _interrupt_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.fdopen
    monkeypatch.setattr(
        os, "fdopen", lambda fd, *args, **kwargs: _HalfWriter(real(fd, *args, **kwargs))
    )


def test_an_interrupted_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "schedule.json"
    target.write_text(OLD, encoding="utf-8")
    _interrupt_writes(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(target, "x" * 100_000)
    assert target.read_text(encoding="utf-8") == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schedule.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "schedule.json"
    target.write_text(OLD, encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(target, "fine so far \ud800")  # cannot be encoded: fails mid-write
    assert target.read_text(encoding="utf-8") == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schedule.json"]


def test_solve_interrupted_while_writing_exits_130_and_keeps_the_old_schedule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "schedule.json"
    target.write_text(OLD, encoding="utf-8")
    _interrupt_writes(monkeypatch)
    result = CliRunner().invoke(
        main,
        [
            "solve",
            str(REPO / "instances" / "tiny.json"),
            "-o",
            str(target),
            "--workers",
            "1",
            "--work-limit",
            "0.05",
            "--quiet",
        ],
    )
    assert result.exit_code == 130, result.output
    assert "not written" in result.output and "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schedule.json"]
