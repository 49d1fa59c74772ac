"""Limits on input files, checked before and while parsing, so hostile or broken input is
refused with a clear message instead of exhausting memory, the stack or the solver.

The limits sit far above any real home-care district (city-14d: 1.5 MB, 500 clients, 7,000
visits) and are documented in the README. Nothing in an input is ever executed: files are
read as JSON (`json.loads`, no pickle, no YAML) or CSV text only.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputError, InputProblem

MAX_FILE_BYTES = 256 * 1024 * 1024  # any input file: instance, schedule, travel matrix, CSV
MAX_NESTING = 32  # arrays/objects inside each other (an instance needs 5, a matrix 3)
MAX_STRING_CHARS = 10_000  # one string value (names, notes, ids)
MAX_RECORDS = {
    "teams": 5_000,
    "staff": 50_000,
    "clients": 200_000,
    "visits": 2_000_000,
    "patterns": 200_000,
}
MAX_VISITS = 2_000_000  # visits after patterns are expanded
MAX_CSV_ROWS = 2_000_000  # lines of one CSV file


def check_file_size(path: str | Path, source: str) -> None:
    """Refuse a file larger than MAX_FILE_BYTES before reading it."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return  # reading it reports the problem
    if size > MAX_FILE_BYTES:
        raise InputError(
            [
                InputProblem(
                    source, "", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes"
                )
            ]
        )


def reject_constant(name: str) -> Any:
    """`json.loads(parse_constant=...)`: NaN and Infinity are not JSON numbers."""
    raise ValueError(f"{name} is not a number JSON allows")


def check_document(data: Any, source: str) -> None:
    """Walk a parsed JSON document without recursion: nesting depth, string length, characters
    that cannot be written back as UTF-8 (lone surrogates), non-finite numbers."""
    stack: list[tuple[Any, int, str]] = [(data, 0, "")]
    while stack:
        value, depth, where = stack.pop()
        if isinstance(value, (dict, list)):
            if depth >= MAX_NESTING:
                raise InputError(
                    [InputProblem(source, where, f"nested more than {MAX_NESTING} levels deep")]
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    _check_string(key, source, where)
                stack.append((item, depth + 1, f"{where}.{key}" if where else str(key)))
        elif isinstance(value, str):
            _check_string(value, source, where)
        elif isinstance(value, float) and not math.isfinite(value):
            raise InputError([InputProblem(source, where, "number is not finite")])


def _check_string(text: str, source: str, where: str) -> None:
    if len(text) > MAX_STRING_CHARS:
        raise InputError(
            [
                InputProblem(
                    source,
                    where,
                    f"text of {len(text):,} characters; the limit is {MAX_STRING_CHARS:,}",
                )
            ]
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            [
                InputProblem(
                    source, where, "text holds an invalid character (a lone UTF-16 surrogate)"
                )
            ]
        ) from None


def check_record_counts(raw: Any, source: str) -> None:
    """Refuse absurd record counts before validating every record."""
    if not isinstance(raw, dict):
        return  # validation reports the wrong type
    problems = [
        InputProblem(source, name, f"{len(raw[name]):,} records; the limit is {limit:,}")
        for name, limit in MAX_RECORDS.items()
        if isinstance(raw.get(name), list) and len(raw[name]) > limit
    ]
    if problems:
        raise InputError(problems)


def check_expanded_visits(instance: Instance, source: str) -> None:
    """Patterns multiply visits by the horizon: refuse more than MAX_VISITS in all, from an upper
    bound computed before expanding (so the refusal costs no memory)."""
    weeks = instance.horizon.days // 7 + 2  # calendar weeks the horizon may touch
    count = len(instance.visits) + sum(
        (1 if p.flexible else len(p.weekdays)) * -(-weeks // p.every_weeks)
        for p in instance.patterns
    )
    if count > MAX_VISITS:
        raise InputError(
            [
                InputProblem(
                    source,
                    "patterns",
                    f"expand to up to {count:,} visits; the limit is {MAX_VISITS:,}",
                )
            ]
        )
