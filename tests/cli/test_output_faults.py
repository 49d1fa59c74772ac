"""A write that fails (a full disk, a file-size limit) or that SIGKILL cut short: one line naming
the file and what failed, the old file intact, no temporary file left, and leftovers of
earlier runs removed by the next write of the same output."""

from __future__ import annotations

import errno
import os
import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hemplan.models.contract.problems import InputError
from hemplan.models.io.write import (
    GONE_AFTER_S,
    STALE_AFTER_S,
    OutputError,
    remove_stale_temporaries,
    write_text_atomic,
)
from tests.cli.processes import hemplan, temporaries
from tests.paths import INSTANCES

OLD = "OLD\n"


def _limit_file_size() -> None:
    """In the child: files may grow to 4 KiB (a tiny schedule is about 9 KiB)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
def test_solve_that_cannot_write_its_schedule_says_so_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text(OLD)
    done = subprocess.run(
        hemplan(
            "solve",
            str(INSTANCES / "tiny.json"),
            "-o",
            str(out),
            "--quiet",
            "--workers",
            "1",
            "--work-limit",
            "0.05",
            "--time-limit",
            "5",
        ),
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"{out}: could not write: File too large (EFBIG); the file is left as it was"
    ]
    assert out.read_text() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_a_failed_write_is_an_output_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "schedule.json"
    target.write_text(OLD)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError) as caught:
        write_text_atomic(target, "x" * 1000)
    error = caught.value
    assert isinstance(error, InputError) and isinstance(error, OSError)  # both, for callers
    assert error.errno == errno.ENOSPC and error.filename == str(target)
    assert str(error) == (
        f"{target}: could not write: No space left on device (ENOSPC); the file is left as it was"
    )
    assert str(pickle.loads(pickle.dumps(error))) == str(error)
    assert target.read_text() == OLD
    assert temporaries(tmp_path) == []


def _gone_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _leftover(folder: Path, name: str, age: float) -> Path:
    path = folder / name
    path.write_text("half a schedu")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_the_next_write_removes_what_killed_writes_left_and_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    gone, alive = _gone_pid(), os.getpid()
    stale = [
        _leftover(tmp_path, f".out.json.{gone}.abcd_123.tmp", GONE_AFTER_S + 5),  # writer gone
        _leftover(tmp_path, f".out.json.{alive}.abcdefgh.tmp", STALE_AFTER_S + 5),  # an hour old
        _leftover(tmp_path, ".out.json.x1y2z3w4.tmp", STALE_AFTER_S + 5),  # earlier versions' name
    ]
    kept = [
        _leftover(tmp_path, f".out.json.{gone}.abcdefgh.tmp", 1),  # may be another machine's
        _leftover(tmp_path, f".out.json.{alive}.abcdefgh_.tmp", 1),  # not our pattern
        _leftover(tmp_path, f".out.json.{alive}.12345678.tmp", 5),  # a writer at work
        _leftover(tmp_path, ".out.json.x1y2z3w4.tmp.bak", STALE_AFTER_S + 5),  # not ours
        _leftover(tmp_path, f".other.json.{gone}.abcdefgh.tmp", STALE_AFTER_S + 5),  # another file
        _leftover(tmp_path, ".out.json.x1y2z3w4.tmp2", STALE_AFTER_S + 5),
    ]
    (tmp_path / f".out.json.{gone}.folder__.tmp").mkdir()  # not a file
    write_text_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert not any(path.exists() for path in stale)
    assert all(path.exists() for path in kept)
    assert (tmp_path / f".out.json.{gone}.folder__.tmp").is_dir()


def test_a_leftover_of_a_writer_killed_by_sigkill_is_removed(tmp_path: Path) -> None:
    """A real writer killed between creating its temporary file and the rename."""
    target = tmp_path / "out.json"
    target.write_text(OLD)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, sys\n"
            "from hemplan.models.io import write\n"
            "def stuck(fd):\n"
            "    print('writing', flush=True)\n"
            "    sys.stdin.read()\n"
            "os.fsync = stuck\n"
            f"write.write_text_atomic({str(target)!r}, 'new')\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
    writer.kill()
    writer.wait()
    (left,) = temporaries(tmp_path)
    assert left.startswith(f".out.json.{writer.pid}.")
    assert target.read_text() == OLD
    assert remove_stale_temporaries(target) == []  # a minute's grace: it may be another machine's
    assert remove_stale_temporaries(target, now=time.time() + GONE_AFTER_S + 1) == [tmp_path / left]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
