"""Limits on input files, checked before and while parsing, so hostile or broken input is
refused with a clear message instead of exhausting memory, the stack or the solver.

The limits sit far above any real home-care district (city-14d: 1.5 MB, 500 clients, 12,000
visits) and are documented in the README. They bound what reading costs: a loaded instance
takes about 5 KB of memory per visit, so MAX_VISITS keeps `hemplan validate` of the largest
instance near 5 GB. Whether an instance can also be *planned* on this machine is decided by the
memory budget before any planning (`hemplan.solver.budget`), from the instance's size: the travel
times between all homes grow with their square. Nothing in an input is ever executed: files are
read as JSON (`json.loads`, no pickle, no YAML) or CSV text only.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
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
    "visits": 1_000_000,
    "patterns": 200_000,
}
MAX_VISITS = 1_000_000  # visits after patterns are expanded (about 5 GB loaded)
MAX_CSV_ROWS = 2_000_000  # lines of one CSV file
# the last day a horizon may reach: the exports write 24:00 of a day as the next midnight,
# which must exist as a date (Python's dates end on 9999-12-31)
LAST_DAY = date.max - timedelta(days=1)


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


class NonFinite:
    """`NaN`, `Infinity` or `-Infinity` where a JSON number belongs, kept as a marker by
    `reject_constant` so that `check_document` can name the field holding it."""

    def __init__(self, name: str) -> None:
        self.name = name


def reject_constant(name: str) -> Any:
    """`json.loads(parse_constant=...)`: NaN and Infinity are not JSON numbers; marked here,
    refused by `check_document` with the field's place."""
    return NonFinite(name)


def _place(where: str, key: Any, item: Any) -> str:
    """`visits[V17].window`: a list item by its record id when it has one, else its index."""
    if key is None:  # the document itself
        return where
    if isinstance(key, int):
        ident = item.get("id") if isinstance(item, dict) else None
        return f"{where}[{ident if isinstance(ident, str) and ident else key}]"
    return f"{where}.{key}" if where else str(key)


def check_document(data: Any, source: str) -> None:
    """Walk a parsed JSON document without recursion: nesting depth, string length, characters
    that cannot be written back as UTF-8 (lone surrogates), NaN, Infinity and numbers too large
    for a float."""
    stack: list[tuple[Any, int, str, Any]] = [(data, 0, "", None)]
    while stack:
        value, depth, parent, key = stack.pop()
        if isinstance(value, (dict, list)):
            where = parent if key is None else _place(parent, key, value)
            if depth >= MAX_NESTING:
                raise InputError(
                    [InputProblem(source, where, f"nested more than {MAX_NESTING} levels deep")]
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for child_key, item in items:
                if isinstance(child_key, str):
                    _check_string(child_key, source, where)
                stack.append((item, depth + 1, where, child_key))
        elif isinstance(value, str):
            _check_string(value, source, _place(parent, key, value))
        elif isinstance(value, NonFinite):
            raise InputError(
                [
                    InputProblem(
                        source,
                        _place(parent, key, value),
                        f"{value.name} is not a number JSON allows",
                    )
                ]
            )
        elif isinstance(value, float) and not math.isfinite(value):
            raise InputError(
                [InputProblem(source, _place(parent, key, value), "number is too large")]
            )


def too_long(text: str) -> str | None:
    """What is wrong with a text over MAX_STRING_CHARS (any string of an instance: the JSON
    load and the CSV import say it alike), else None."""
    if len(text) > MAX_STRING_CHARS:
        return f"text of {len(text):,} characters; the limit is {MAX_STRING_CHARS:,}"
    return None


def _check_string(text: str, source: str, where: str) -> None:
    if (problem := too_long(text)) is not None:
        raise InputError([InputProblem(source, where, problem)])
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


def horizon_date_problems(instance: Instance, source: str) -> list[InputProblem]:
    """Every day of the horizon, and the midnight ending its last day, must be a date."""
    past = horizon_past_last_day(instance.horizon.start_date, instance.horizon.days)
    return [] if past is None else [InputProblem(source, "horizon.start_date", past)]


def horizon_past_last_day(start: date, days: int) -> str | None:
    """Why a horizon of `days` days from `start` cannot be planned (its last day after
    LAST_DAY), or None when it can."""
    if (LAST_DAY - start).days >= days - 1:
        return None
    return (
        f"a horizon of {days} day(s) from {start.isoformat()} runs past "
        f"{LAST_DAY.isoformat()}, the last day hemplan can plan"
    )
