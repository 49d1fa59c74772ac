"""Writing output files atomically (a temporary file, flushed, then renamed), so a failed or
interrupted run never leaves a half-written file: the old one stays, or the new one is whole."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel

from hemplan.models.contract.problems import InputError, InputProblem


def to_json(model: BaseModel) -> str:
    """The canonical JSON text of a model: stable key order, two-space indent, final newline."""
    return (
        json.dumps(model.model_dump(mode="json", by_alias=True, exclude_none=True), indent=2) + "\n"
    )


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write `text` as UTF-8 to `path` atomically (see `write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same folder and an atomic rename."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError([InputProblem(str(path), "", f"folder {folder} does not exist")])
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
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
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_model(path: str | Path, model: BaseModel) -> None:
    """Write a model as canonical JSON, atomically."""
    write_text_atomic(path, to_json(model))
