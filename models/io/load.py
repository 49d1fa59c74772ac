"""Loading instance and schedule files: every problem (syntax, fields, references, the
travel matrix) is collected into one `InputError`, and a pattern is expanded into visits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputError, InputProblem
from hemplan.models.contract.schedule import Schedule
from hemplan.models.io.bundled import bundled_instances, bundled_path
from hemplan.models.io.limits import (
    check_expanded_visits,
    check_record_counts,
    horizon_date_problems,
)
from hemplan.models.io.matrix import check_matrix_modes
from hemplan.models.io.patterns import expand_patterns
from hemplan.models.io.read import parse_model, read_json
from hemplan.models.io.references import reference_problems


def instance_from_data(raw: Any, source: str, folder: Path = Path(".")) -> Instance:
    """Validate an instance document, check its references and expand its patterns.

    A relative travel matrix file is resolved against `folder` (the instance file's) and
    read now, so that a broken matrix is reported at load time like any other input.
    """
    check_record_counts(raw, source)
    instance = parse_model(Instance, raw, source)
    problems = horizon_date_problems(instance, source) + reference_problems(instance, source)
    if problems:
        raise InputError(problems)
    check_expanded_visits(instance, source)
    expanded = expand_patterns(instance)
    problems = reference_problems(expanded, source)
    if problems:
        raise InputError(problems)
    if expanded.travel.matrix_file is not None:
        expanded.travel.matrix_file = _matrix_path(folder, expanded.travel.matrix_file, source)
        check_matrix_modes(expanded, source)
    return expanded


def _matrix_path(folder: Path, name: str, source: str) -> str:
    """The travel matrix file's absolute path (relative names are the instance folder's)."""
    try:
        return str((folder / name).resolve())
    except (OSError, ValueError, RuntimeError) as exc:  # a NUL, a symlink loop, ...
        raise InputError(
            [InputProblem(source, "travel.matrix_file", f"not a usable file name: {exc}")]
        ) from None


def load_instance(path: str | Path) -> Instance:
    """Load, validate and expand an instance file, or a bundled instance by name (`tiny`,
    `district-14d`, see `hemplan.models.io.bundled`) when no such file exists; raises
    InputError listing every problem."""
    if Path(path).is_dir():
        raise InputError(
            [
                InputProblem(
                    str(path),
                    "",
                    "is a folder, not an instance file; a folder of CSV files becomes one with "
                    f"`hemplan import {path} -o INSTANCE.json`",
                )
            ]
        )
    if not Path(path).exists():
        bundled = bundled_path(str(path))
        if bundled is None:
            names = ", ".join(bundled_instances())
            raise InputError(
                [InputProblem(str(path), "", f"no such file (or bundled instance: {names})")]
            )
        return instance_from_data(read_json(bundled), str(path), bundled.parent)
    return instance_from_data(read_json(path), str(path), Path(path).parent)


def load_schedule(path: str | Path) -> Schedule:
    """Load a schedule file (structure only; the evaluator judges its content)."""
    return parse_model(Schedule, read_json(path), str(path))
