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
    except ValueError as exc:  # an integer of thousands of digits
        raise InputError([InputProblem(source, _where_long_number(text), f"invalid JSON: {exc}")]) from None
    check_document(data, source)
    return data


def _where_long_number(text: str) -> str:
    """Where the first integer too long to read stands, as JSON syntax errors say it."""
    found = re.search(r"\d{%d,}" % (sys.get_int_max_str_digits() + 1), text)
    if found is None:
        return ""
    line = text.count("\n", 0, found.start()) + 1
    return f"line {line} column {found.start() - text.rfind(chr(10), 0, found.start())}"


def parse_model(model: type[M], raw: Any, source: str) -> M:
    """Validate `raw` against `model`, reporting problems by record id."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, source, raw)) from None
