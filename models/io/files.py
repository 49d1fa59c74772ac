"""Reading and writing instance and schedule files.

Loading collects every problem (syntax, fields, references) into one `InputError`; writing is
atomic (temporary file then rename) so a failed run never leaves a partial output file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from hemplan.models.contract.instance import Instance
from hemplan.models.io.bundled import bundled_instances, bundled_path
from hemplan.models.io.limits import (MAX_NESTING, check_document, check_expanded_visits, check_file_size,
                           check_record_counts, reject_constant)
from hemplan.models.io.patterns import expand_patterns
from hemplan.models.contract.problems import InputError, Problem, problems_from_validation
from hemplan.models.io.references import reference_problems
from hemplan.models.contract.schedule import Schedule
from hemplan.models.travel import travel_times

M = TypeVar("M", bound=BaseModel)


def read_json(path: str | Path) -> Any:
    """Parse a JSON file, turning a missing file, bad syntax or a breached limit
    (`hemplan.models.io.limits`: size, nesting, text, non-finite numbers) into an InputError."""
    source = str(path)
    try:
        check_file_size(path, source)
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(source, "", "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(source, "", f"cannot read file: {exc}")]) from None
    try:
        data = json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem(source, f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}")]
        ) from None
    except RecursionError:
        raise InputError([Problem(source, "", f"invalid JSON: nested more than {MAX_NESTING} levels deep")]) from None
    except ValueError as exc:  # NaN/Infinity, an integer of thousands of digits
        raise InputError([Problem(source, "", f"invalid JSON: {str(exc).split('; use sys.')[0]}")]) from None
    check_document(data, source)
    return data


def parse_model(model: type[M], raw: Any, source: str) -> M:
    """Validate `raw` against `model`, reporting problems by record id."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, source, raw)) from None


def instance_from_data(raw: Any, source: str, folder: Path = Path(".")) -> Instance:
    """Validate an instance document, check its references and expand its patterns.

    A relative travel matrix file is resolved against `folder` (the instance file's) and
    read now, so that a broken matrix is reported at load time like any other input.
    """
    check_record_counts(raw, source)
    instance = parse_model(Instance, raw, source)
    problems = reference_problems(instance, source)
    if problems:
        raise InputError(problems)
    check_expanded_visits(instance, source)
    expanded = expand_patterns(instance)
    problems = reference_problems(expanded, source)
    if problems:
        raise InputError(problems)
    if expanded.travel.matrix_file is not None:
        expanded.travel.matrix_file = str((folder / expanded.travel.matrix_file).resolve())
        _check_matrix_modes(expanded, source)
    return expanded


def _check_matrix_modes(instance: Instance, source: str) -> None:
    """Every travel mode a carer uses must have a layer in the matrix file."""
    times = travel_times(instance)
    problems = [
        Problem(source, f"staff[{s.id}].travel_mode", f"the travel matrix has no '{s.travel_mode}' minutes")
        for s in instance.staff
        if (times.minutes[times.mode_index(s.travel_mode)] < 0).any()
    ]
    if problems:
        raise InputError(problems)


def load_instance(path: str | Path) -> Instance:
    """Load, validate and expand an instance file, or a bundled instance by name (`tiny`,
    `district-14d`, see `hemplan.models.io.bundled`) when no such file exists; raises
    InputError listing every problem."""
    if not Path(path).exists():
        bundled = bundled_path(str(path))
        if bundled is None:
            names = ", ".join(bundled_instances())
            raise InputError([Problem(str(path), "", f"no such file (or bundled instance: {names})")])
        return instance_from_data(read_json(bundled), str(path), bundled.parent)
    return instance_from_data(read_json(path), str(path), Path(path).parent)


def load_schedule(path: str | Path) -> Schedule:
    """Load a schedule file (structure only; the evaluator judges its content)."""
    return parse_model(Schedule, read_json(path), str(path))


def to_json(model: BaseModel) -> str:
    """The canonical JSON text of a model: stable key order, two-space indent, final newline."""
    return json.dumps(model.model_dump(mode="json", by_alias=True, exclude_none=True), indent=2) + "\n"


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write `text` as UTF-8 to `path` atomically (see `write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same folder and an atomic rename."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError([Problem(str(path), "", f"folder {folder} does not exist")])
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())  # on disk before the rename, so a crash leaves old or new, never half
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
