"""The cells of a CSV row parsed by their column's kind (`parse_rows`): whole numbers, times,
windows, lists, roles, gaps, weekdays and days or dates as a spreadsheet writes them (Excel's
dates, a decimal comma, Swedish day names); a cell that cannot be read is reported at its line
and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from hemplan.models.io.csv_table import CsvProblems, Table, shown
from hemplan.models.io.limits import too_long

LIST_SEPARATOR = "|"
# A whole-number cell of more digits than this is no count, minutes or day number (and Python
# refuses to read one of over 4,300 digits): it is reported as too long a number.
MAX_NUMBER_DIGITS = 18


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT = re.compile(r"[+-]?\d+")


def _whole_number(text: str) -> int:
    """A cell matching _INT as an int; one of too many digits is refused before Python is asked
    (which refuses over 4,300 digits, with advice meant for programmers)."""
    digits = len(text.lstrip("+-").lstrip("0"))
    if digits > MAX_NUMBER_DIGITS:
        raise ValueError(f"the number is too long ({digits:,} digits)")
    return int(text)


_WINDOW = re.compile(r"(\d{1,2}:\d{2})(?::00)?\s*-\s*(\d{1,2}:\d{2})(?::00)?")


def _windows(text: str) -> list[list[str]]:
    """`08:00-09:00|11:00-12:00` as [[earliest, latest], ...]; the model checks their order."""
    windows = []
    for item in (part.strip() for part in text.split(LIST_SEPARATOR)):
        match = _WINDOW.fullmatch(item)
        if match is None:
            raise ValueError(
                f"{shown(item)} is not a window HH:MM-HH:MM; separate windows with '|'"
            )
        windows.append([match.group(1), match.group(2)])
    return windows


def _roles(text: str) -> list[dict[str, list[str]]]:
    """`nurse|` as [{skills: [nurse]}, {skills: []}]: the roles `|`-separated, a role's skills
    `+`-joined (`nurse+lift|`), an empty role for any carer; the model checks the count."""
    roles = []
    for part in text.split(LIST_SEPARATOR):
        skills = [s.strip() for s in part.split("+") if s.strip()]
        for skill in skills:
            if re.search(r"[\s,;]", skill):
                raise ValueError(
                    f"{shown(skill)} contains a space, comma or semicolon; separate roles with "
                    "'|' and a role's skills with '+'"
                )
        roles.append({"skills": skills})
    return roles


_GAP = re.compile(r"(\d+)(?:\s*-\s*(\d+))?")


def _gap(text: str) -> dict[str, int]:
    """`10-20` as {min: 10, max: 20}, `15` as {min: 15, max: 15}; the model checks the order."""
    match = _GAP.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{shown(text)} is not minutes MIN-MAX (e.g. 10-20) or one number")
    low = _whole_number(match.group(1))
    high = _whole_number(match.group(2)) if match.group(2) else low
    return {"min": low, "max": high}


def _parse_cell(kind: str, text: str) -> Any:
    """Parse one non-empty cell; raises ValueError with a message for the planner."""
    if kind == "str":
        return text
    if kind == "int":
        if not _INT.fullmatch(text):
            raise ValueError(f"{shown(text)} is not a whole number")
        return _whole_number(text)
    if kind == "float":
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise ValueError(f"{shown(text)} is not a number") from None
        if value != value or value in (float("inf"), float("-inf")):
            if re.search(r"\d", text):  # digits that overflow a float: 1e999, 400 nines
                raise ValueError(f"{shown(text)} is too large a number")
            raise ValueError(f"{shown(text)} is not a number")
        return value
    if kind == "time":
        match = re.fullmatch(r"(\d{1,2}:\d{2}):00", text)
        return match.group(1) if match else text  # Excel writes 07:30 as 07:30:00
    if kind == "windows":
        return _windows(text)
    if kind == "roles":
        return _roles(text)
    if kind == "gap":
        return _gap(text)
    if kind == "list":
        items = [item.strip() for item in text.split(LIST_SEPARATOR)]
        for item in items:
            if re.search(r"[\s,;]", item):
                raise ValueError(
                    f"{shown(item)} contains a space, comma or semicolon; separate items with '|'"
                )
        return [item for item in items if item]
    if kind == "weekdays":
        return _weekdays(text)
    if kind == "bool":
        answer = _BOOLEANS.get(text.strip().lower())
        if answer is None:
            raise ValueError(f"{shown(text)} is not yes or no (ja/nej, true/false, 1/0)")
        return answer
    if kind == "date":
        found = _excel_date(text)
        if found is None:
            raise ValueError(f"{shown(text)} is not a date YYYY-MM-DD")
        return found
    if kind == "day":
        found = _excel_date(text)
        if found is not None:
            return found
        if _INT.fullmatch(text):
            day = _whole_number(text)
            if day < 0:
                raise ValueError(f"day {text} is negative; days count from 0 (the start date)")
            return day
        raise ValueError(f"{shown(text)} is not a day number (0 = start date) or a date YYYY-MM-DD")
    raise AssertionError(kind)


_BOOLEANS = {
    **dict.fromkeys(("yes", "ja", "true", "sant", "1", "x"), True),
    **dict.fromkeys(("no", "nej", "false", "falskt", "0"), False),
}
_DAY_NAMES = {
    name: k
    for k, names in enumerate(
        (
            ("mon", "monday", "mån", "måndag"),
            ("tue", "tuesday", "tis", "tisdag"),
            ("wed", "wednesday", "ons", "onsdag"),
            ("thu", "thursday", "tor", "tors", "torsdag"),
            ("fri", "friday", "fre", "fredag"),
            ("sat", "saturday", "lör", "lördag"),
            ("sun", "sunday", "sön", "söndag"),
        )
    )
    for name in names
}
_DAY_GROUPS = {
    **dict.fromkeys(("weekdays", "vardagar", "mon-fri"), [0, 1, 2, 3, 4]),
    **dict.fromkeys(("weekend", "helg", "helger"), [5, 6]),
    **dict.fromkeys(("all", "alla", "daily", "dagligen", "every day"), list(range(7))),
}


def _weekdays(text: str) -> list[int]:
    """Weekday names (English or Swedish, short or long), `|`-separated, a range such as
    mon-fri, or vardagar, helg, alla: as 0 = Monday .. 6 = Sunday."""
    days: list[int] = []
    for item in (part.strip().lower() for part in text.split(LIST_SEPARATOR)):
        if item in _DAY_GROUPS:
            days += _DAY_GROUPS[item]
            continue
        first, dash, last = item.partition("-")
        if item in _DAY_NAMES:
            days.append(_DAY_NAMES[item])
        elif dash and first.strip() in _DAY_NAMES and last.strip() in _DAY_NAMES:
            a, b = _DAY_NAMES[first.strip()], _DAY_NAMES[last.strip()]
            if b < a:
                raise ValueError(f"{shown(item)} runs backwards; write mon-fri or sat|sun")
            days += list(range(a, b + 1))
        else:
            raise ValueError(
                f"{shown(item)} is not a weekday: write mon|wed|fri (or mån|ons|fre), "
                "mon-fri, vardagar, helg or alla"
            )
    return sorted(set(days))


_EXCEL_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")


def _excel_date(text: str) -> date | None:
    """A date as spreadsheets write it: 2026-03-02, Excel's 2026-03-02 00:00:00, or day first
    as 02/03/2026 or 2.3.2026 (day, month, year: the European order); None when the text is
    no date. Raises ValueError for a date that does not exist."""
    iso = _EXCEL_DATE.fullmatch(text)
    if ISO_DATE.fullmatch(text) or iso:
        try:
            return date.fromisoformat(iso.group(1) if iso else text)
        except ValueError:
            raise ValueError(f"'{text}' is not a valid date") from None
    day_first = _DAY_FIRST.fullmatch(text)
    if day_first:
        day, month, year = (int(g) for g in day_first.groups())
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(f"'{text}' is not a valid date (day/month/year)") from None
    return None


def parse_rows(table: Table, out: CsvProblems) -> None:
    kinds = {c.name: c.kind for c in table.spec.columns}
    for row in table.rows:
        for name, text in row.cells.items():
            try:
                value = _parse_cell(kinds[name], text)
            except ValueError as exc:
                out.at(table.spec, row, name, str(exc))
                continue
            # the JSON instance's own limit (`limits.check_document`): what the import writes,
            # `hemplan validate` must accept
            problem = next(filter(None, map(too_long, _texts(value))), None)
            if problem is not None:
                out.at(table.spec, row, name, problem)
                continue
            row.values[name] = value


def _texts(value: Any) -> Iterator[str]:
    """The texts of a parsed cell: the cell's own, or a list's items (a role's skills too)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
