"""Writing output files atomically (a temporary file, flushed, then renamed), so a failed or
interrupted run never leaves a half-written file: the old one stays, or the new one is whole.

A write that fails (a full disk, a file-size limit, no permission, a read-only folder) raises
`OutputError`: one line naming the file and what failed, the old file untouched and the
temporary file removed. It is an `InputError` (the commands print it as one line and exit 2,
never a traceback) and an `OSError` (what a failed write raised before, for scripts).

The temporary file is `.<name>.<pid>.<random>.tmp` next to the output. Only SIGKILL (or a
power cut) can leave one behind; the next write of the same output removes such leftovers of
earlier runs (`remove_stale_temporaries`): files of exactly that pattern, owned by this user,
whose writing process is gone (and that are a minute old, in case the folder is shared with
another machine, whose processes this one cannot see) or that are an hour old (a write takes
seconds). The pattern without the process id (`.<name>.<8 characters>.tmp`) of earlier hemplan
versions is cleaned after the hour too.
"""

from __future__ import annotations

import errno as errnos
import json
import os
import re
import stat
import tempfile
import time
from pathlib import Path

from pydantic import BaseModel

from hemplan.models.contract.problems import InputError, InputProblem

STALE_AFTER_S = 3600.0  # a temporary file this old is a leftover, whoever wrote it
GONE_AFTER_S = 60.0  # a temporary file of a process that no longer exists, this old, too


class OutputError(InputError, OSError):
    """An output file could not be written: the file, and what failed (the old file is kept)."""

    def __init__(self, path: str | Path, error: OSError):
        reason = error.strerror or str(error)
        if error.errno is not None:
            reason += f" ({errnos.errorcode.get(error.errno, error.errno)})"
        super().__init__(
            [InputProblem(str(path), "", f"could not write: {reason}; the file is left as it was")]
        )
        self.errno, self.strerror, self.filename = error.errno, error.strerror, str(path)

    def __reduce__(self) -> tuple[type, tuple[str, OSError]]:
        return OutputError, (
            str(self.filename),
            OSError(self.errno, self.strerror or ""),
        )


def to_json(model: BaseModel) -> str:
    """The canonical JSON text of a model: stable key order, two-space indent, final newline."""
    return (
        json.dumps(model.model_dump(mode="json", by_alias=True, exclude_none=True), indent=2) + "\n"
    )


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write `text` as UTF-8 to `path` atomically (see `write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same folder and an atomic rename.

    Raises OutputError when the file cannot be written (the old file is then as it was, and
    no temporary file is left); removes stale temporary files of earlier writes of `path`."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError([InputProblem(str(path), "", f"folder {folder} does not exist")])
    remove_stale_temporaries(target)
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder
        )
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(
                handle.fileno()
            )  # on disk before the rename, so a crash leaves old or new, never half
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; an output file is an ordinary file
        os.replace(tmp, target)
    except BaseException as exc:
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass  # gone already, or the folder forbids it: the error below says more
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(path, exc) from exc
        raise


def remove_stale_temporaries(target: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files that earlier writes of `target` left (a SIGKILL between
    creating and renaming), and return them: only files named as this module names them, owned
    by this user, whose writer is gone (a minute after it was last written) or that are an hour
    old. Nothing here ever fails a write."""
    folder = target.parent if str(target.parent) else Path(".")
    prefix = f".{target.name}."
    ours = re.compile(re.escape(prefix) + r"(?:(\d+)\.)?[a-z0-9_]{8}\.tmp")
    now = time.time() if now is None else now
    removed = []
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith(prefix)]
    except OSError:
        return []
    for entry in entries:
        match = ours.fullmatch(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
                continue
            age = now - info.st_mtime
            writer = match.group(1)
            gone = writer is not None and not _process_exists(int(writer))
            if age >= STALE_AFTER_S or (gone and age >= GONE_AFTER_S):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except (OSError, ValueError, OverflowError):
            continue  # removed meanwhile, or not ours to remove
    return removed


def _process_exists(pid: int) -> bool:
    """Whether a process with this id exists on this machine (another user's counts)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_model(path: str | Path, model: BaseModel) -> None:
    """Write a model as canonical JSON, atomically."""
    write_text_atomic(path, to_json(model))
