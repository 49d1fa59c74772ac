"""The CSV files an instance is imported from: each file's name, the instance collection it
fills, its row model and its columns (`FILES`), as the README lists them; and which columns
refer to which collection. `hemplan.models.io.csv_import` reads a folder of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field

from hemplan.models.contract.instance import Client, Shift, Staff, Team, Visit, VisitPattern


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
RECURRING = {"shifts": "rota", "visits": "patterns"}
FILES: tuple[FileSpec, ...] = (TEAMS, CLIENTS, STAFF, SHIFTS, ROTA, VISITS, PATTERNS)
SPEC_BY_COLLECTION = {s.collection: s for s in FILES}
FILE_ORDER = {s.name: i for i, s in enumerate(FILES)}

# Which columns refer to which collection: if that collection's file could not be read at
# all, "unknown ..." problems in these columns are noise and are left out.
REFERENCES = {
    "teams": {("clients", "team"), ("staff", "team")},
    "staff": {
        ("clients", "preferred_carers"),
        ("clients", "excluded_carers"),
        ("clients", "contact_carer"),
        ("visits", "locked_carers"),
    },
    "clients": {("visits", "client"), ("patterns", "client")},
}
