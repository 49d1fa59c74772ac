"""One CSV file read into rows and each row checked on its own (`read_table`, `validate_row`):
the text decoded as Excel saves it, the delimiter detected, column names matched (in Swedish
too), and every problem collected with its file, line and column (`CsvProblems`). Shared by the
instance import (`hemplan.models.io.csv_import`) and the history import
(`hemplan.models.io.history`).
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hemplan.models.contract.clock import format_clock, parse_clock
from hemplan.models.contract.problems import (
    InputProblem,
    ProblemCap,
    bare_message,
    error_field,
    is_union_tag,
    message_shape,
)
from hemplan.models.io.csv_layout import FILE_ORDER, ROTA, SHIFTS, FileSpec
from hemplan.models.io.limits import MAX_CSV_ROWS, MAX_FILE_BYTES

SHOWN_CELL_CHARS = 60  # a cell echoed in a message is cut to this length
# column names given a "did you mean ...?" hint (a header of thousands of unknown names would
# otherwise be compared with every column, name by name)
MAX_HINTS = 50


# --------------------------------------------------------------------------- reading


@dataclass
class Row:
    """One data row: where it is, its non-empty cells, their parsed values, and the record."""

    line: int
    cells: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    ok: bool = True
    bad: set[str | None] = field(default_factory=set)  # columns already reported
    # the file's row model (a team, client, staff, shift or visit row), set only when the whole
    # row is valid: each has the fields of its own file
    record: Any = None


@dataclass
class Table:
    spec: FileSpec
    rows: list[Row]
    failed: bool  # the header is unusable, so no row could be read


class CsvProblems:
    """Collects problems with a sort key so they come out in file and line order; kept as plain
    tuples, so that a file of a million bad rows costs a tuple a problem until the cap."""

    def __init__(self) -> None:
        self.items: list[tuple[int, int, str, int | None, str, str]] = []

    def add(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.items.append((FILE_ORDER.get(file, -1), line or 0, file, line, column or "", message))

    def at(self, spec: FileSpec, row: Row, column: str | None, message: str) -> None:
        row.ok = False
        row.bad.add(column)
        self.add(spec.name, row.line, column, message)

    def __bool__(self) -> bool:
        return bool(self.items)

    def sorted(self) -> list[InputProblem]:
        """Every problem in file and line order, repeated ones summarised (at most
        `MAX_PER_KIND` of one file, column and message shape); only those shown are built."""
        self.items.sort(key=itemgetter(0, 1))  # stable: a line's problems keep their order
        cap = ProblemCap()
        for _, _, file, line, column, message in self.items:
            cap.add(
                (file, column, message_shape(message)),
                partial(_problem, file, line, column, message),
            )
        return cap.problems()


def _problem(file: str, line: int | None, column: str, message: str) -> InputProblem:
    return InputProblem(f"{file}:{line}" if line is not None else file, column, message)


def shown(text: str) -> str:
    """A cell as a message quotes it: in quotes, a long one cut (control characters are escaped
    where every problem is printed)."""
    if len(text) > SHOWN_CELL_CHARS:
        text = f"{text[: SHOWN_CELL_CHARS - 20]}...({len(text):,} characters)"
    return f"'{text}'"


def _decode(data: bytes) -> str:
    """The text of a CSV file: UTF-16 with a byte order mark (Excel's "Unicode text"), else
    UTF-8 with or without the mark ("CSV UTF-8"), else Windows-1252 (Excel's plain "CSV" on a
    Swedish Windows). Raises ValueError for a UTF-16 mark on bytes that are not UTF-16."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")  # the mark gives the byte order and is dropped
        except UnicodeDecodeError as exc:
            raise ValueError(
                'starts with a UTF-16 byte order mark (Excel\'s "Unicode text") but is not '
                f"UTF-16 text ({exc.reason} at byte {exc.start:,})"
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_table(spec: FileSpec, path: Path, out: CsvProblems) -> Table:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            out.add(
                spec.name,
                None,
                None,
                f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes",
            )
            return Table(spec, [], True)
        text = _decode(path.read_bytes())
    except OSError as exc:
        out.add(spec.name, None, None, f"cannot read file: {exc.strerror or exc}")
        return Table(spec, [], True)
    except ValueError as exc:
        out.add(spec.name, None, None, f"cannot read file: {exc}")
        return Table(spec, [], True)

    lines = text.splitlines()
    first_line = 1
    delimiter = None
    sep_line = re.fullmatch(r" *sep=(.) *", lines[0].rstrip("\r\n")) if lines else None
    if sep_line is not None:  # Excel's delimiter hint line (a tab too; any line end, a bare CR too)
        delimiter = sep_line.group(1)
        first_line = 2
        ends = re.search(r"\r\n|\n|\r", text)
        text = text[ends.end() :] if ends else ""
    if delimiter is None:
        header_line = lines[0] if lines else ""
        counts = {d: header_line.count(d) for d in (";", ",", "\t")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        previous = 0
        for cells in reader:
            if len(records) >= MAX_CSV_ROWS:
                out.add(
                    spec.name,
                    None,
                    None,
                    f"more than {MAX_CSV_ROWS:,} lines; the limit is {MAX_CSV_ROWS:,}",
                )
                return Table(spec, [], True)
            records.append((previous + first_line, cells))
            previous = reader.line_num
    except csv.Error as exc:
        out.add(spec.name, reader.line_num + first_line - 1, None, f"cannot read CSV: {exc}")
        return Table(spec, [], True)

    if not records or not any(c.strip() for c in records[0][1]):
        out.add(
            spec.name,
            first_line,
            None,
            f"no header line; expected the columns {', '.join(spec.column_names)}",
        )
        return Table(spec, [], True)

    header_line_no, header_cells = records[0]
    data = [(n, cells) for n, cells in records[1:] if any(c.strip() for c in cells)]
    names = [_column_name(h, spec) for h in header_cells]
    failed = False
    known = set(spec.column_names)
    seen: dict[str, int] = {}
    use: list[str | None] = []  # the column each position feeds, None to ignore it
    filled = _filled_positions({i for i, name in enumerate(names) if not name}, data)
    hints = 0
    for index, name in enumerate(names):
        if not name:
            if index in filled:
                out.add(
                    spec.name, header_line_no, None, f"column {index + 1} has values but no name"
                )
                failed = True
            use.append(None)
        elif name in seen:
            out.add(
                spec.name,
                header_line_no,
                name,
                f"column appears twice (columns {seen[name] + 1} and {index + 1})",
            )
            failed = True
            use.append(None)
        elif name not in known:
            hints += 1
            close = (
                difflib.get_close_matches(name, spec.column_names, n=1)
                if hints <= MAX_HINTS
                else []
            )
            hint = f"did you mean '{close[0]}'? " if close else ""
            out.add(
                spec.name,
                header_line_no,
                name,
                f"unknown column; {hint}the columns are {', '.join(spec.column_names)}",
            )
            seen[name] = index
            use.append(None)
        else:
            seen[name] = index
            use.append(name)
    for column in spec.columns:
        if column.required and column.name not in seen and column.instead not in seen:
            out.add(spec.name, header_line_no, column.name, "missing required column")
            failed = True
    if failed:
        return Table(spec, [], True)

    rows = []
    for line, cells in data:
        row = Row(line, {})
        extra = [c for c in cells[len(use) :] if c.strip()]
        if extra:
            out.at(
                spec,
                row,
                None,
                f"the row has {len(cells)} cells but the header only {len(use)} columns"
                + (
                    " (a decimal comma in a comma-separated file? Save the file with ';' "
                    "between cells, or write decimals with a point)"
                    if delimiter == "," and any(re.fullmatch(r"\d+", c.strip()) for c in cells)
                    else ""
                ),
            )
        for header, cell in zip(use, cells):
            if header is not None and cell.strip():
                row.cells[header] = cell.strip()
        for column in spec.columns:
            if column.required and column.name not in row.cells and column.instead not in row.cells:
                if seen[column.name] >= len(cells):  # a short row: it ends before the column
                    why = f"the row has {len(cells)} of the {len(use)} columns"
                else:
                    why = "the column is required"
                out.at(spec, row, column.name, f"missing value ({why})")
        rows.append(row)
    return Table(spec, rows, False)


# Swedish column names a planner's spreadsheet may carry, and the column each one means
SWEDISH_COLUMNS = {
    "namn": "name",
    "lag": "team",
    "arbetslag": "team",
    "grupp": "team",
    "latitud": "lat",
    "longitud": "lon",
    "kontor_lat": "office_lat",
    "kontor_lon": "office_lon",
    "önskad_personal": "preferred_carers",
    "nekad_personal": "excluded_carers",
    "kontaktperson": "contact_carer",
    "kontaktman": "contact_carer",
    "adress": "address",
    "telefon": "phone",
    "portkod": "door_code",
    "nyckel": "door_code",
    "kompetens": "skills",
    "kompetenser": "skills",
    "färdsätt": "travel_mode",
    "anställning": "employment",
    "personal": "staff",
    "medarbetare": "staff",
    "dag": "day",
    "datum": "day",
    "början": "start",
    "slut": "end",
    "rast_minuter": "break_minutes",
    "rast_tidigast": "break_earliest",
    "rast_senast": "break_latest",
    "brukare": "client",
    "kund": "client",
    "sista_dag": "last_day",
    "tidigast": "earliest",
    "senast": "latest",
    "tidsfönster": "windows",
    "fönster": "windows",
    "längd": "duration",
    "minuter": "duration",
    "antal_personal": "staff_needed",
    "rollkompetens": "role_skills",
    "roller": "role_skills",
    "startavstånd": "gap",
    "tidsavstånd": "gap",
    "försening": "lateness",
    "tillåten_försening": "lateness",
    "prioritet": "priority",
    "insats": "service",
    "anteckningar": "notes",
    "låst_personal": "locked_carers",
    "låst_start": "locked_start",
}
# the history file's own: its day is a date, its carers the staff who came
SWEDISH_HISTORY = {"datum": "date", "personal": "carers", "brukare": "client", "insats": "service"}


def _column_name(header: str, spec: FileSpec) -> str:
    """A header as a column name: lower case, a Swedish name (with space or underscore) taken
    as the column it means when this file has that column."""
    name = header.strip().lower()
    if name in spec.column_names:
        return name
    key = name.replace(" ", "_")
    for table in (
        (SWEDISH_HISTORY, SWEDISH_COLUMNS) if spec.collection == "history" else (SWEDISH_COLUMNS,)
    ):
        if table.get(key) in spec.column_names:
            return table[key]
    return name


def _filled_positions(positions: set[int], data: list[tuple[int, list[str]]]) -> set[int]:
    """Which of `positions` (columns without a name) hold a value on some row: one pass over
    the cells, however many such columns there are."""
    filled: set[int] = set()
    if not positions:
        return filled
    for _, cells in data:
        for index, cell in enumerate(cells):
            if index in positions and cell.strip():
                filled.add(index)
        if len(filled) == len(positions):
            break
    return filled


# --------------------------------------------------------------------------- records


def _record(spec: FileSpec, row: Row) -> dict[str, Any]:
    """The row as a record in the shape of the JSON instance."""
    record: dict[str, Any] = {}
    for column in spec.columns:
        if column.path and column.name in row.values:
            node = record
            for key in column.path[:-1]:
                node = node.setdefault(key, {})
            node[column.path[-1]] = row.values[column.name]
    return record


def _shift_break_defaults(
    record: dict[str, Any], row: Row, spec: FileSpec, out: CsvProblems
) -> None:
    """Fill break_earliest/break_latest from the shift when only break_minutes is given."""
    brk = record.get("break")
    if brk is None:
        return
    if "minutes" not in brk:
        given = "break_earliest" if "earliest" in brk else "break_latest"
        out.at(spec, row, "break_minutes", f"missing value ({given} is given)")
        return
    try:
        if "earliest" not in brk:
            brk["earliest"] = format_clock(parse_clock(record["start"]))
        if "latest" not in brk:
            brk["latest"] = format_clock(max(0, parse_clock(record["end"]) - int(brk["minutes"])))
    except (KeyError, ValueError):
        pass  # start or end is itself wrong and is reported by the model


def _message(error: Mapping[str, Any], column: str | None, cell: str | None) -> str:
    msg = bare_message(error)
    if msg.startswith("Input should be "):
        msg = "must be " + msg[len("Input should be ") :]
        if cell is not None:
            msg += f", got {shown(cell)}"
    return strip_column(msg, column)


def strip_column(message: str, column: str | None) -> str:
    """'latest 07:00 is before ...' in column latest reads better as '07:00 is before ...'."""
    if column:
        for word in (column, column.replace("break_", "")):
            if message.startswith(word + " "):
                return message[len(word) + 1 :]
    return message[:1].lower() + message[1:]


def _error_columns(spec: FileSpec, loc: Iterable[Any], message: str) -> tuple[list[str], str]:
    """The columns an error location points at, and the location as a field path.

    Model-level errors name the field first ("latest 07:00 is before ..."); an error about a
    group of columns (the window of earliest and latest, a location's lat and lon: missing
    when all its cells are) points at every column of the group.
    """
    path = tuple(k for k in loc if isinstance(k, str) and not is_union_tag(k))
    column = spec.column_at(path)
    if column is None:
        first = message.removeprefix("Value error, ").split(" ", 1)[0]
        column = spec.column_at(path + (first,))
    if column is not None:
        return [column], ".".join(path)
    group = [c.name for c in spec.columns if path and c.path[: len(path)] == path]
    return group, ".".join(path)


def validate_row(spec: FileSpec, row: Row, out: CsvProblems) -> None:
    record = _record(spec, row)
    if spec is SHIFTS or spec is ROTA:
        _shift_break_defaults(record, row, spec, out)
    try:
        model = spec.model.model_validate(record)
    except ValidationError as exc:
        for error in exc.errors(include_url=False, include_input=False, include_context=False):
            field = error_field(error)
            loc = (*error.get("loc", ()), field) if field else error.get("loc", ())
            columns, path = _error_columns(spec, loc, bare_message(error))
            if any(c in row.bad for c in columns):
                continue  # already reported for this cell (or missing because it was wrong)
            column = columns[0] if columns else None
            cell = row.cells.get(column) if column else None
            # never a problem without a place: the column, else the record's field
            out.at(spec, row, column or path or None, _message(error, column, cell))
        row.ok = False
        return
    if row.ok:
        row.record = model


def report_duplicates(table: Table, out: CsvProblems) -> None:
    first: dict[str, int] = {}
    for row in table.rows:
        ident = row.values.get("id")
        if ident is None:
            continue
        if ident in first:
            out.at(table.spec, row, "id", f"'{ident}' is already used on line {first[ident]}")
        else:
            first[ident] = row.line
