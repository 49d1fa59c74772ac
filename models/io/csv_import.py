"""Import an instance from the CSV files a planner keeps in a spreadsheet.

A folder holds `clients.csv`, `staff.csv`, `shifts.csv`, `visits.csv` and optionally
`teams.csv` (the columns are listed in `FILES` below and in the README). Every mistake
becomes an `InputProblem` whose text is `file.csv:line: column: what is wrong`, and all of them, in
all files, are reported together in one `InputError` (in file and line order, repeated ones
summarised after a cap: see `hemplan.models.contract.problems.summarise`).

How it works: each file is read with the csv module (UTF-16 with a byte order mark, as Excel saves
"Unicode text"; else UTF-8 with or without Excel's byte order mark, falling back to Windows-1252;
`;`, `,` or tab as delimiter, detected from the header line). Each row is converted to the record
shape of the JSON instance and validated on its own against the pydantic model (`Team`, `Client`,
`Staff`, `Shift`, `Visit`), so a field error maps straight back to its line and column. The valid
rows are then assembled into an instance document and passed through
`hemplan.models.io.load.instance_from_data` — the same checks as loading a JSON file — and every
cross-record problem it finds (unknown team, client or carer, ...) is mapped back from the record
id to its file and line. The result is therefore exactly what loading the written JSON gives.

Conventions (see also the README):
- column names are case-insensitive and in any order; an unknown column is an error;
- an empty cell means the default; a required column must have a value on every row;
- lists (skills, carers) are separated by `|`, e.g. `insulin|lift`;
- times are HH:MM (Excel's HH:MM:00 is accepted); numbers may use a decimal comma;
- a day is a day number (0 = start date) or a date YYYY-MM-DD;
- the horizon starts at `start_date` (else the earliest date in shifts.csv/visits.csv) and
  lasts `days` days (else up to the last day used);
- the skills list is every skill named in staff.csv or visits.csv; a skill no carer has is
  allowed (the visit cannot be served, and the import warns);
- without teams.csv, teams are the values of the `team` columns, each with its office at the
  centroid of its clients.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from hemplan.models.contract.clock import format_clock, parse_clock
from hemplan.models.contract.instance import (
    Client,
    Instance,
    Shift,
    Staff,
    Team,
    Visit,
    VisitPattern,
)
from hemplan.models.contract.problems import (
    MAX_PER_KIND,
    InputError,
    InputProblem,
    ProblemCap,
    bare_message,
    error_field,
    is_union_tag,
    message_shape,
)
from hemplan.models.io.limits import MAX_CSV_ROWS, MAX_FILE_BYTES
from hemplan.models.io.load import instance_from_data

MAX_DAYS = 366
LIST_SEPARATOR = "|"
# A whole-number cell of more digits than this is no count, minutes or day number (and Python
# refuses to read one of over 4,300 digits): it is reported as too long a number.
MAX_NUMBER_DIGITS = 18
SHOWN_CELL_CHARS = 60  # a cell echoed in a message is cut to this length
# column names given a "did you mean ...?" hint (a header of thousands of unknown names would
# otherwise be compared with every column, name by name)
MAX_HINTS = 50
_PLACEHOLDER_TEAM = "\x00placeholder-team"


# --------------------------------------------------------------------------- file layout


@dataclass(frozen=True)
class Column:
    """One CSV column: its kind, whether it must be present, and where it goes in the record."""

    name: str
    kind: str  # str, int, float, time, windows, list, roles, gap, day or date
    required: bool
    path: tuple[str, ...]  # field path in the JSON record; () if handled by the importer itself
    meaning: str
    example: str
    instead: str | None = None  # a column that may stand in for this required one


@dataclass(frozen=True)
class FileSpec:
    """One CSV file: its name, the instance collection it fills and its columns."""

    name: str
    collection: str
    required: bool
    model: type[BaseModel]
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def column_at(self, path: tuple[str, ...]) -> str | None:
        for c in self.columns:
            if c.path and c.path == path:
                return c.name
        return None


def _c(
    name: str,
    kind: str,
    required: bool,
    path: str | None,
    meaning: str,
    example: str,
    instead: str | None = None,
) -> Column:
    return Column(
        name, kind, required, tuple(path.split(".")) if path else (), meaning, example, instead
    )


TEAMS = FileSpec(
    "teams.csv",
    "teams",
    False,
    Team,
    (
        _c(
            "id",
            "str",
            True,
            "id",
            "team id, used in the `team` column of clients.csv and staff.csv",
            "T1",
        ),
        _c("name", "str", False, "name", "team name", "Skönsmon norr"),
        _c(
            "office_lat",
            "float",
            True,
            "office.lat",
            "latitude of the office where shifts start and end (WGS84 degrees)",
            "62.3795",
        ),
        _c("office_lon", "float", True, "office.lon", "longitude of the office", "17.3190"),
    ),
)
CLIENTS = FileSpec(
    "clients.csv",
    "clients",
    True,
    Client,
    (
        _c("id", "str", True, "id", "client id, used in the `client` column of visits.csv", "C1"),
        _c("name", "str", False, "name", "client name", "Karin Berg"),
        _c("team", "str", True, "team", "team responsible for the client", "T1"),
        _c(
            "lat",
            "float",
            True,
            "location.lat",
            "latitude of the client's home (WGS84 degrees)",
            "62.3810",
        ),
        _c("lon", "float", True, "location.lon", "longitude of the client's home", "17.3050"),
        _c(
            "preferred_carers",
            "list",
            False,
            "preferred_carers",
            "staff ids the client prefers, `|`-separated",
            "S1|S2",
        ),
        _c(
            "excluded_carers",
            "list",
            False,
            "excluded_carers",
            "staff ids who must never visit the client, `|`-separated",
            "S5",
        ),
        _c(
            "contact_carer",
            "str",
            False,
            "contact_carer",
            "staff id of the client's contact carer (kontaktperson)",
            "S1",
        ),
        _c("address", "str", False, "address", "street address, for the day lists", "Storg. 4"),
        _c("phone", "str", False, "phone", "telephone number", "060-123 45"),
        _c("door_code", "str", False, "door_code", "door code or where the key is", "1234"),
    ),
)
STAFF = FileSpec(
    "staff.csv",
    "staff",
    True,
    Staff,
    (
        _c("id", "str", True, "id", "staff id, used in shifts.csv and in carer lists", "S1"),
        _c("name", "str", False, "name", "carer name", "Aisha Nilsson"),
        _c("team", "str", True, "team", "the carer's team", "T1"),
        _c(
            "skills",
            "list",
            False,
            "skills",
            "skills (delegeringar), `|`-separated; empty = none",
            "insulin|lift",
        ),
        _c(
            "travel_mode",
            "str",
            False,
            "travel_mode",
            "`walk`, `bike` or `car`; empty = `walk`",
            "bike",
        ),
        _c(
            "employment",
            "str",
            False,
            "employment",
            "`permanent` or `substitute` (timvikarie); empty = not stated (permanent)",
            "substitute",
        ),
    ),
)
SHIFTS = FileSpec(
    "shifts.csv",
    "shifts",
    True,
    Shift,
    (
        _c("staff", "str", True, None, "staff id of the carer working the shift", "S1"),
        _c(
            "day",
            "day",
            True,
            "day",
            "day number (0 = start date) or date YYYY-MM-DD; one shift per carer and day",
            "2025-03-03",
        ),
        _c(
            "start",
            "time",
            True,
            "start",
            "shift start HH:MM (leaves the office after this)",
            "07:00",
        ),
        _c("end", "time", True, "end", "shift end HH:MM (back at the office by this)", "16:00"),
        _c(
            "break_minutes",
            "int",
            False,
            "break.minutes",
            "length of the break in minutes; empty = no break",
            "30",
        ),
        _c(
            "break_earliest",
            "time",
            False,
            "break.earliest",
            "earliest break start; empty = shift start",
            "11:00",
        ),
        _c(
            "break_latest",
            "time",
            False,
            "break.latest",
            "latest break start; empty = shift end minus the break",
            "13:00",
        ),
    ),
)
VISITS = FileSpec(
    "visits.csv",
    "visits",
    True,
    Visit,
    (
        _c("id", "str", True, "id", "visit id", "V1"),
        _c("client", "str", True, "client", "client id", "C1"),
        _c(
            "day",
            "day",
            True,
            "day",
            "day number (0 = start date) or date YYYY-MM-DD",
            "2025-03-03",
        ),
        _c(
            "last_day",
            "day",
            False,
            "last_day",
            "if set, the visit may be done on any day from `day` to this day",
            "2025-03-07",
        ),
        _c(
            "earliest",
            "time",
            True,
            "window.earliest",
            "earliest start HH:MM (not needed with `windows`)",
            "07:00",
            instead="windows",
        ),
        _c(
            "latest",
            "time",
            True,
            "window.latest",
            "latest start HH:MM (not needed with `windows`)",
            "08:30",
            instead="windows",
        ),
        _c(
            "windows",
            "windows",
            False,
            "windows",
            "several start windows HH:MM-HH:MM, `|`-separated, sorted; instead of earliest "
            "and latest",
            "08:00-09:00|11:00-12:00",
        ),
        _c("duration", "int", True, "duration", "minutes at the client's home", "45"),
        _c(
            "staff_needed",
            "int",
            False,
            "staff_needed",
            "1, or 2 for double staffing; empty = 1",
            "2",
        ),
        _c("skills", "list", False, "skills", "skills the visit needs, `|`-separated", "insulin"),
        _c(
            "role_skills",
            "roles",
            False,
            "roles",
            "with staff_needed 2, what each carer's role needs beyond `skills`: the roles "
            "`|`-separated, a role's skills `+`-joined, empty for any carer",
            "nurse|",
        ),
        _c(
            "gap",
            "gap",
            False,
            "gap",
            "with staff_needed 2, minutes from the first role's start to the second's: MIN-MAX "
            "or one number; empty = start together",
            "10-20",
        ),
        _c(
            "lateness",
            "int",
            False,
            "lateness.max",
            "soft window: minutes a start may fall after the latest start, each late minute "
            "priced as tardiness; empty = a hard window",
            "30",
        ),
        _c(
            "priority",
            "str",
            False,
            "priority",
            "`mandatory` or `deferrable`; empty = `mandatory`",
            "deferrable",
        ),
        _c("service", "str", False, "service", "what is done (insats)", "morning help"),
        _c("notes", "str", False, "notes", "free text for the carer", "key in box"),
        _c(
            "locked_carers",
            "list",
            False,
            "locked_carers",
            "staff ids that must do this visit, `|`-separated",
            "S1",
        ),
        _c(
            "locked_start",
            "time",
            False,
            "locked_start",
            "fixed start HH:MM inside the window",
            "07:30",
        ),
    ),
)


class RotaRow(Shift):
    """A shift that repeats: on `weekdays`, every `every_weeks` calendar weeks counted from
    the week of the start date (shifted by `week_offset`), as patterns count them."""

    day: int = 0  # not a column: each repetition gets its own day
    staff: str
    weekdays: list[int] = Field(min_length=1)
    every_weeks: int = Field(default=1, ge=1, le=8)
    week_offset: int = Field(default=0, ge=0)


_REPEAT = (
    _c(
        "weekdays",
        "weekdays",
        True,
        "weekdays",
        "the days it repeats on, `|`-separated: mon|wed|fri (or mån|ons|fre), mon-fri, "
        "vardagar, helg, alla",
        "mon-fri",
    ),
    _c("every_weeks", "int", False, "every_weeks", "1 = every week, 2 = every other week", "2"),
    _c(
        "week_offset",
        "int",
        False,
        "week_offset",
        "with every_weeks 2: 0 = from the first week, 1 = from the second",
        "1",
    ),
)
PATTERNS = FileSpec(
    "patterns.csv",
    "patterns",
    False,
    VisitPattern,
    (
        _c("id", "str", True, "id", "id of the recurring visit (its visits get /d<day>)", "P1"),
        _c("client", "str", True, "client", "client id, as in clients.csv", "C1"),
        *_REPEAT,
        _c(
            "flexible",
            "bool",
            False,
            "flexible",
            "yes: once a week on any of its (consecutive) weekdays, e.g. cleaning",
            "no",
        ),
        *(c for c in VISITS.columns if c.name in ("earliest", "latest", "windows", "duration")),
        *(
            c
            for c in VISITS.columns
            if c.name
            in (
                "staff_needed",
                "skills",
                "role_skills",
                "gap",
                "lateness",
                "priority",
                "service",
                "notes",
            )
        ),
    ),
)
ROTA = FileSpec(
    "rota.csv",
    "rota",
    False,
    RotaRow,
    (
        _c("staff", "str", True, "staff", "staff id of the carer", "S1"),
        *_REPEAT,
        *(c for c in SHIFTS.columns if c.name not in ("staff", "day")),
    ),
)
# a file of recurring rows stands in for the file of single ones
_RECURRING = {"shifts": "rota", "visits": "patterns"}
FILES: tuple[FileSpec, ...] = (TEAMS, CLIENTS, STAFF, SHIFTS, ROTA, VISITS, PATTERNS)
_SPEC_BY_COLLECTION = {s.collection: s for s in FILES}
_FILE_ORDER = {s.name: i for i, s in enumerate(FILES)}

# Which columns refer to which collection: if that collection's file could not be read at
# all, "unknown ..." problems in these columns are noise and are left out.
_REFERENCES = {
    "teams": {("clients", "team"), ("staff", "team")},
    "staff": {
        ("clients", "preferred_carers"),
        ("clients", "excluded_carers"),
        ("clients", "contact_carer"),
        ("visits", "locked_carers"),
    },
    "clients": {("visits", "client"), ("patterns", "client")},
}


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
        self.items.append((_FILE_ORDER.get(file, -1), line or 0, file, line, column or "", message))

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


def _shown(text: str) -> str:
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


# --------------------------------------------------------------------------- cells

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
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
                f"{_shown(item)} is not a window HH:MM-HH:MM; separate windows with '|'"
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
                    f"{_shown(skill)} contains a space, comma or semicolon; separate roles with "
                    "'|' and a role's skills with '+'"
                )
        roles.append({"skills": skills})
    return roles


_GAP = re.compile(r"(\d+)(?:\s*-\s*(\d+))?")


def _gap(text: str) -> dict[str, int]:
    """`10-20` as {min: 10, max: 20}, `15` as {min: 15, max: 15}; the model checks the order."""
    match = _GAP.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{_shown(text)} is not minutes MIN-MAX (e.g. 10-20) or one number")
    low = _whole_number(match.group(1))
    high = _whole_number(match.group(2)) if match.group(2) else low
    return {"min": low, "max": high}


def _parse_cell(kind: str, text: str) -> Any:
    """Parse one non-empty cell; raises ValueError with a message for the planner."""
    if kind == "str":
        return text
    if kind == "int":
        if not _INT.fullmatch(text):
            raise ValueError(f"{_shown(text)} is not a whole number")
        return _whole_number(text)
    if kind == "float":
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise ValueError(f"{_shown(text)} is not a number") from None
        if value != value or value in (float("inf"), float("-inf")):
            if re.search(r"\d", text):  # digits that overflow a float: 1e999, 400 nines
                raise ValueError(f"{_shown(text)} is too large a number")
            raise ValueError(f"{_shown(text)} is not a number")
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
                    f"{_shown(item)} contains a space, comma or semicolon; separate items with '|'"
                )
        return [item for item in items if item]
    if kind == "weekdays":
        return _weekdays(text)
    if kind == "bool":
        answer = _BOOLEANS.get(text.strip().lower())
        if answer is None:
            raise ValueError(f"{_shown(text)} is not yes or no (ja/nej, true/false, 1/0)")
        return answer
    if kind == "date":
        found = _excel_date(text)
        if found is None:
            raise ValueError(f"{_shown(text)} is not a date YYYY-MM-DD")
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
        raise ValueError(
            f"{_shown(text)} is not a day number (0 = start date) or a date YYYY-MM-DD"
        )
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
                raise ValueError(f"{_shown(item)} runs backwards; write mon-fri or sat|sun")
            days += list(range(a, b + 1))
        else:
            raise ValueError(
                f"{_shown(item)} is not a weekday: write mon|wed|fri (or mån|ons|fre), "
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
    if _DATE.fullmatch(text) or iso:
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
                row.values[name] = _parse_cell(kinds[name], text)
            except ValueError as exc:
                out.at(table.spec, row, name, str(exc))


# --------------------------------------------------------------------------- horizon


def _horizon(
    tables: dict[str, Table | None],
    start_date: date | None,
    days: int | None,
    folder: str,
    out: CsvProblems,
) -> tuple[date, int]:
    """Fix the horizon from the options or the day columns; turn dates into day numbers."""
    day_columns = [
        (t, c.name)
        for t in (tables["shifts"], tables["visits"])
        if t
        for c in t.spec.columns
        if c.kind == "day"
    ]
    dates = [
        row.values[name]
        for t, name in day_columns
        for row in t.rows
        if isinstance(row.values.get(name), date)
    ]
    start = start_date or (min(dates) if dates else None)
    if start is None:
        if any(name in row.values for t, name in day_columns for row in t.rows):
            out.add(
                folder,
                None,
                None,
                "no start date: the day columns hold day numbers, so give --start-date YYYY-MM-DD",
            )
        else:
            out.add(folder, None, None, "no start date: give --start-date YYYY-MM-DD")
        start = date(2000, 1, 3)

    offsets: list[int] = []
    for table, name in day_columns:
        for row in table.rows:
            value = row.values.get(name)
            if isinstance(value, date):
                offset = (value - start).days
                if offset < 0:
                    out.at(table.spec, row, name, f"{value} is before the start date {start}")
                    del row.values[name]
                    continue
                row.values[name] = offset
            if isinstance(row.values.get(name), int):
                offsets.append(row.values[name])

    recurring = any(bool(t.rows) for c in ("patterns", "rota") if (t := tables.get(c)))
    if days is None and recurring and not offsets:
        out.add(
            folder,
            None,
            None,
            "no horizon length: rota.csv and patterns.csv repeat without end, so give --days N",
        )
    if days is None:
        days = max(offsets, default=0) + 1
        if days > MAX_DAYS:
            out.add(
                folder,
                None,
                None,
                f"the days used span {days} days from {start}, more than {MAX_DAYS}; "
                "check the dates or give --days",
            )
            days = MAX_DAYS
    for table, name in day_columns:
        for row in table.rows:
            value = row.values.get(name)
            if isinstance(value, int) and value >= days:
                text = row.cells[name]
                shown = text if _DATE.fullmatch(text) else f"day {value}"
                out.at(
                    table.spec,
                    row,
                    name,
                    (
                        f"{shown} is outside the horizon of {days} day{'s' if days != 1 else ''} "
                        f"starting {start}"
                    ),
                )
    return start, days


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
            msg += f", got {_shown(cell)}"
    return _strip_column(msg, column)


def _strip_column(message: str, column: str | None) -> str:
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


def _duplicates(table: Table, out: CsvProblems) -> None:
    first: dict[str, int] = {}
    for row in table.rows:
        ident = row.values.get("id")
        if ident is None:
            continue
        if ident in first:
            out.at(table.spec, row, "id", f"'{ident}' is already used on line {first[ident]}")
        else:
            first[ident] = row.line


# --------------------------------------------------------------------------- assembly


def _derive_teams(
    clients: Table | None, staff: Table | None, out: CsvProblems
) -> list[dict[str, Any]]:
    """Teams named in clients.csv and staff.csv, each with its office at its clients' centroid."""
    order: dict[str, None] = {}  # the teams in order of first mention (a dict: fast lookups)
    homes: dict[str, list[tuple[float, float]]] = {}
    first_staff_row: dict[str, Row] = {}
    for row in clients.rows if clients else []:
        team = row.values.get("team")
        if team is None:
            continue
        order.setdefault(team)
        if isinstance(row.record, Client):
            homes.setdefault(team, []).append((row.record.location.lat, row.record.location.lon))
    client_teams = set(order)
    for row in staff.rows if staff else []:
        team = row.values.get("team")
        if team is None:
            continue
        order.setdefault(team)
        first_staff_row.setdefault(team, row)
    teams = []
    for team in order:
        points = homes.get(team)
        if points:
            lat = round(sum(p[0] for p in points) / len(points), 6)
            lon = round(sum(p[1] for p in points) / len(points), 6)
        else:
            lat = lon = 0.0
            if clients is not None and not clients.failed and team not in client_teams:
                row = first_staff_row[team]
                out.at(
                    STAFF,
                    row,
                    "team",
                    f"team '{team}' has no clients, so its office cannot be placed; "
                    "add teams.csv with office_lat and office_lon",
                )
        teams.append({"id": team, "name": team, "office": {"lat": lat, "lon": lon}})
    return teams


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


@dataclass
class _Index:
    """Where each record of the assembled document came from."""

    lines: dict[str, dict[str, int]] = field(default_factory=dict)  # collection -> id -> line
    # staff id -> the file and line of each shift, in order (shifts.csv, or a rota.csv row)
    shift_lines: dict[str, list[tuple[FileSpec, int]]] = field(default_factory=dict)

    def locate(self, where: str) -> tuple[FileSpec, int, str] | None:
        """Map `visits[V3].window.latest` to (visits.csv spec, line, 'latest')."""
        for collection, ids in self.lines.items():
            prefix = collection + "["
            if not where.startswith(prefix):
                continue
            rest = where[len(prefix) :]
            # the record id ends at one of the "]": the longest known id, tried from the right
            # (a dictionary lookup each, not a scan of every id: a million problems stay cheap)
            end = len(rest)
            while (end := rest.rfind("]", 0, end)) != -1 and rest[:end] not in ids:
                pass
            if end == -1:
                return None
            ident = rest[:end]
            spec, line = _SPEC_BY_COLLECTION[collection], ids[ident]
            tail = rest[len(ident) + 1 :]
            shift = re.match(r"\.shifts\[(\d+)\](.*)", tail)
            if collection == "staff" and shift:
                index = int(shift.group(1))
                lines = self.shift_lines.get(ident, [])
                if index >= len(lines):
                    return None
                (spec, line), tail = lines[index], shift.group(2)
            path = tuple(re.sub(r"\[[^\]]*\]", "", tail).strip(".").split(".")) if tail else ()
            # roles[0].skills is the role_skills column's: the longest path a column holds
            held = (spec.column_at(path[:k]) for k in range(len(path), 0, -1))
            column = next((c for c in held if c is not None), None) or (
                path[-1] if path and path[-1] in spec.column_names else ""
            )
            return spec, line, column
        return None


def import_csv_dir(
    folder: str | Path,
    *,
    start_date: date | None = None,
    days: int | None = None,
    name: str | None = None,
    warnings: list[str] | None = None,
    check: Callable[[Instance, str], list[InputProblem]] = lambda instance, source: [],
) -> Instance:
    """Read an instance from the CSV files in `folder`; raises InputError listing every problem.

    `start_date` and `days` fix the horizon (see the module text for the defaults); `name`
    names the instance (default: the folder's name). Warnings that do not stop the import
    (ignored files, skills no carer has) are appended to `warnings` if it is given. `check`
    judges the assembled instance further (the CLI passes the solver's lock checks, which this
    package may not import); its problems are reported at the rows they come from, like the
    others, so what the import writes `hemplan validate` accepts.
    """
    folder = Path(folder)
    source = str(folder)
    if not folder.is_dir():
        raise InputError([InputProblem(source, "", "no such folder")])
    notes: list[str] = warnings if warnings is not None else []
    out = CsvProblems()

    found = {
        p.name.lower(): p
        for p in sorted(folder.iterdir())
        if p.is_file() and p.suffix.lower() == ".csv"
    }
    expected = {s.name for s in FILES}
    for other in sorted(set(found) - expected):
        notes.append(
            f"{found[other].name}: ignored (the files read are {', '.join(sorted(expected))})"
        )

    tables: dict[str, Table | None] = {}
    for spec in FILES:
        path = found.get(spec.name)
        if path is None:
            alternative = _SPEC_BY_COLLECTION.get(_RECURRING.get(spec.collection, ""))
            if spec.required and not (alternative and alternative.name in found):
                either = f" (or {alternative.name})" if alternative else ""
                out.add(spec.name, None, None, f"missing required file{either} in {folder}")
            tables[spec.collection] = None
            continue
        table = read_table(spec, path, out)
        parse_rows(table, out)
        if "id" in spec.column_names:
            _duplicates(table, out)
        tables[spec.collection] = table

    start, horizon_days = _horizon(tables, start_date, days, source, out)

    for parsed in tables.values():
        if parsed is not None:
            for row in parsed.rows:
                validate_row(parsed.spec, row, out)

    def rows(collection: str) -> list[Row]:
        table = tables[collection]
        return table.rows if table is not None else []

    def unusable(collection: str) -> bool:
        table = tables[collection]
        return table is None or table.failed

    index = _Index()
    # A record whose row was rejected is stood in for by a placeholder with the same id, so
    # that other rows referring to it are not reported as well: the row's own problem is.
    rejected: dict[str, set[str]] = {
        c: {r.values["id"] for r in rows(c) if r.record is None and "id" in r.values}
        for c in ("teams", "clients", "staff")
    }

    if tables["teams"] is not None:
        teams = []
        for row in rows("teams"):
            if row.record is not None:
                teams.append(_dump(row.record))
                index.lines.setdefault("teams", {})[row.record.id] = row.line
    else:
        teams = _derive_teams(tables["clients"], tables["staff"], out)
        rejected["teams"] = set()
    if not teams:
        if tables["teams"] is not None and not tables["teams"].failed and not rejected["teams"]:
            out.add(TEAMS.name, None, None, "no teams; an instance needs at least one")
        elif tables["teams"] is None and not unusable("clients") and not unusable("staff"):
            out.add(
                CLIENTS.name,
                None,
                None,
                "no teams: clients.csv and staff.csv have no rows naming a team",
            )
    team_ids = {t["id"] for t in teams}
    for ident in sorted(rejected["teams"] - team_ids):
        teams.append({"id": ident, "office": {"lat": 0.0, "lon": 0.0}})
        team_ids.add(ident)
    if not teams:
        teams.append({"id": _PLACEHOLDER_TEAM, "office": {"lat": 0.0, "lon": 0.0}})
    any_team = teams[0]["id"]

    staff: list[dict[str, Any]] = []
    shifts_of: dict[str, list[tuple[int, FileSpec, int, dict[str, Any]]]] = {}
    for row in rows("staff"):
        if row.record is not None:
            staff.append(_dump(row.record))
            index.lines.setdefault("staff", {})[row.record.id] = row.line
            shifts_of[row.record.id] = []
    shift_day_line: dict[tuple[str, int], int] = {}
    for row in rows("shifts"):
        carer = row.values.get("staff")
        if carer is None:
            continue
        if carer not in shifts_of:
            if not unusable("staff") and carer not in rejected["staff"]:
                out.at(SHIFTS, row, "staff", f"unknown carer '{carer}'")
            continue
        day = row.values.get("day")
        if isinstance(day, int):
            if (carer, day) in shift_day_line:
                out.at(
                    SHIFTS,
                    row,
                    "day",
                    f"carer '{carer}' already has a shift on {row.cells['day']} "
                    f"(line {shift_day_line[carer, day]})",
                )
                continue
            shift_day_line[carer, day] = row.line
        if row.record is not None:
            shifts_of[carer].append((row.record.day, SHIFTS, row.line, _dump(row.record)))
    _repeat_rota(
        rows("rota"), start, horizon_days, shifts_of, shift_day_line, unusable, rejected, out
    )
    for record in staff:
        ordered = sorted(shifts_of[record["id"]], key=lambda s: s[0])
        record["shifts"] = [s[3] for s in ordered]
        index.shift_lines[record["id"]] = [(s[1], s[2]) for s in ordered]
    for ident in sorted(rejected["staff"] - set(shifts_of)):
        staff.append({"id": ident, "team": any_team})

    clients = []
    for row in rows("clients"):
        if row.record is not None:
            clients.append(_dump(row.record))
            index.lines.setdefault("clients", {})[row.record.id] = row.line
    client_ids = {c["id"] for c in clients}
    for ident in sorted(rejected["clients"] - client_ids):
        clients.append({"id": ident, "team": any_team, "location": {"lat": 0.0, "lon": 0.0}})

    visits = []
    for row in rows("visits"):
        if row.record is not None:
            visits.append(_dump(row.record))
            index.lines.setdefault("visits", {})[row.record.id] = row.line

    patterns = []
    for row in rows("patterns"):
        if row.record is not None:
            patterns.append(_dump(row.record))
            index.lines.setdefault("patterns", {})[row.record.id] = row.line

    staff_skills = {s for r in staff for s in r.get("skills", [])}
    visit_skills = {s for r in visits + patterns for s in r.get("skills", [])}
    notes.extend(_unserved_skill_notes(visits, visit_skills - staff_skills, index))

    document = {
        "name": name if name is not None else folder.resolve().name,
        "horizon": {"start_date": start.isoformat(), "days": horizon_days},
        "skills": sorted(staff_skills | visit_skills),
        "teams": teams,
        "staff": staff,
        "clients": clients,
        "visits": visits,
        "patterns": patterns,
    }
    try:
        instance = instance_from_data(document, source)
    except InputError as exc:
        for problem in exc.problems:
            _report_checked(problem, index, unusable, out)
        raise InputError(out.sorted()) from None
    if not out:
        for problem in check(instance, source):
            _report_checked(problem, index, unusable, out)
    if out:
        raise InputError(out.sorted())
    return instance


def _repeat_rota(
    rota: list[Row],
    start: date,
    days: int,
    shifts_of: dict[str, list[tuple[int, FileSpec, int, dict[str, Any]]]],
    shift_day_line: dict[tuple[str, int], int],
    unusable: Callable[[str], bool],
    rejected: dict[str, set[str]],
    out: CsvProblems,
) -> None:
    """Each rota row as the shifts it repeats into over the horizon (weeks counted as
    patterns count them: calendar weeks from the week of the start date)."""
    first_weekday = start.weekday()
    for row in rota:
        carer = row.values.get("staff")
        if carer is None:
            continue
        if carer not in shifts_of:
            if not unusable("staff") and carer not in rejected["staff"]:
                out.at(ROTA, row, "staff", f"unknown carer '{carer}'")
            continue
        rule = row.record
        if rule is None:
            continue
        shift = rule.model_dump(by_alias=True, include={"start", "end", "break_"})
        for day in range(days):
            week, weekday = divmod(first_weekday + day, 7)
            if weekday not in rule.weekdays or (week - rule.week_offset) % rule.every_weeks:
                continue
            if (carer, day) in shift_day_line:
                when = start + timedelta(days=day)
                out.at(
                    ROTA,
                    row,
                    "weekdays",
                    f"carer '{carer}' already has a shift on {when} "
                    f"(line {shift_day_line[carer, day]})",
                )
                break
            shift_day_line[carer, day] = row.line
            shifts_of[carer].append((day, ROTA, row.line, {**shift, "day": day}))


def _unserved_skill_notes(
    visits: list[dict[str, Any]], unserved: set[str], index: _Index
) -> list[str]:
    """A warning per skill a visit needs and no carer has, naming the lines (at most
    `MAX_PER_KIND` warnings and lines each, then how many more)."""
    lines: dict[str, list[int]] = {skill: [] for skill in unserved}
    for visit in visits:
        for skill in dict.fromkeys(visit.get("skills", [])):  # a skill listed twice: one line
            if skill in lines:
                lines[skill].append(index.lines["visits"][visit["id"]])
    notes = []
    for skill in sorted(unserved)[:MAX_PER_KIND]:
        where = lines[skill]
        shown = ", ".join(str(line) for line in where[:MAX_PER_KIND])
        if len(where) > MAX_PER_KIND:
            shown += f" and {len(where) - MAX_PER_KIND:,} more"
        notes.append(
            f"visits.csv: skill '{skill}' is needed on line{'s' if len(where) > 1 else ''} "
            f"{shown} but no carer in staff.csv has it; those visits cannot be served"
        )
    if len(unserved) > MAX_PER_KIND:
        notes.append(
            f"visits.csv: ... and {len(unserved) - MAX_PER_KIND:,} more skills no carer has"
        )
    return notes


def _report_checked(
    problem: InputProblem, index: _Index, unusable: Callable[[str], bool], out: CsvProblems
) -> None:
    """Report a problem found on the assembled document at the file and line it came from."""
    if problem.more:  # "... and K more like this": the problems it counts have no line here
        if not out:
            out.add(problem.source, None, problem.where, f"... and {problem.more:,} more like this")
        return
    located = index.locate(problem.where)
    if located is None:
        if out:
            return  # about a placeholder or a consequence of a problem already reported
        out.add(problem.source, None, problem.where or None, problem.message)
        return
    spec, line, column = located
    for target, columns in _REFERENCES.items():
        if (
            (spec.collection, column) in columns
            and unusable(target)
            and problem.message.startswith("unknown")
        ):
            return  # the referenced file could not be read; its own problem says so
    out.add(spec.name, line, column or None, _strip_column(problem.message, column))
