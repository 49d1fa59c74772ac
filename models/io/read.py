"""Reading JSON input: syntax and limits checked, then validated into a model, every
problem collected into one `InputError` that names the file, the record and the field."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from hemplan.models.contract.problems import InputError, InputProblem, problems_from_validation
from hemplan.models.io.limits import (
    MAX_FILE_BYTES,
    MAX_NESTING,
    check_document,
    check_file_size,
    reject_constant,
)

M = TypeVar("M", bound=BaseModel)


def read_json(path: str | Path) -> Any:
    """Parse a JSON file, turning a missing file, bad syntax or a breached limit
    (`hemplan.models.io.limits`: size, nesting, text, non-finite numbers) into an InputError."""
    source = str(path)
    try:
        check_file_size(path, source)
        with open(path, "rb") as handle:  # at most the limit, even from a device or a pipe
            content = handle.read(MAX_FILE_BYTES + 1)
        if len(content) > MAX_FILE_BYTES:
            raise InputError(
                [InputProblem(source, "", f"file is over the limit of {MAX_FILE_BYTES:,} bytes")]
            )
        text = content.decode("utf-8")
    except FileNotFoundError:
        raise InputError([InputProblem(source, "", "no such file")]) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # ValueError: a NUL in the name
        raise InputError([InputProblem(source, "", f"cannot read file: {exc}")]) from None
    try:
        data = json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            [
                InputProblem(
                    source, f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}"
                )
            ]
        ) from None
    except RecursionError:
        raise InputError(
            [InputProblem(source, "", f"invalid JSON: nested more than {MAX_NESTING} levels deep")]
        ) from None
    except ValueError:  # an integer of thousands of digits
        raise InputError([_long_number(source, text)]) from None
    check_document(data, source)
    return data


def _long_number(source: str, text: str) -> InputProblem:
    """An integer too long to read, in plain words, where it stands (as syntax errors say it)."""
    limit = sys.get_int_max_str_digits()
    found = re.search(rf"\d{{{limit + 1},}}", text)
    if found is None:
        return InputProblem(source, "", "invalid JSON: a number is too long to read")
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - text.rfind("\n", 0, found.start())
    digits = found.end() - found.start()
    return InputProblem(
        source,
        f"line {line} column {column}",
        f"invalid JSON: the number is too long ({digits:,} digits; at most {limit:,} are read)",
    )


def parse_model(model: type[M], raw: Any, source: str) -> M:
    """Validate `raw` against `model`, reporting problems by record id."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, source, raw)) from None
