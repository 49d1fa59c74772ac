"""The instance: horizon, teams, staff with shifts, clients, visits and travel settings.

These pydantic models are the input contract (see DESIGN.md, "Instance"). They check each
record on its own (types, ranges, a window's order); `hemplan.models.io.references` checks the
records against each other. Unknown fields are errors everywhere, so a typo never passes silently.
"""

from __future__ import annotations

import math
from datetime import date
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    model_validator,
)

from hemplan.models.contract.clock import MINUTES_PER_DAY, ClockTime, format_clock, parse_clock
from hemplan.models.contract.problems import field_error
from hemplan.models.contract.roles import SlotSkills
from hemplan.models.contract.start_windows import (
    StartWindows,
    extend_windows,
    lateness_of,
    starts_inside,
    windows_text,
)

TravelMode = Literal["walk", "bike", "car"]
# a permanent carer (tillsvidareanställd) or an hourly substitute (timvikarie)
Employment = Literal["permanent", "substitute"]
TRAVEL_MODES: tuple[TravelMode, ...] = ("walk", "bike", "car")
Priority = Literal["mandatory", "deferrable"]


class StrictModel(BaseModel):
    """Base for every input and output record: unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Location(StrictModel):
    """A point as WGS84 latitude and longitude in degrees."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Horizon(StrictModel):
    """The planned period: day 0 is `start_date`, the last day is `days - 1`."""

    start_date: date
    days: PositiveInt = Field(le=366)


class Team(StrictModel):
    """A small team responsible for its own clients; shifts start and end at its office."""

    id: str = Field(min_length=1)
    name: str = ""
    office: Location


class Break(StrictModel):
    """A break of `minutes` that must start between `earliest` and `latest`."""

    minutes: PositiveInt
    earliest: ClockTime
    latest: ClockTime

    @model_validator(mode="after")
    def _window_ordered(self) -> Break:
        if self.latest < self.earliest:
            raise ValueError(
                f"latest {format_clock(self.latest)} is before earliest "
                f"{format_clock(self.earliest)}"
            )
        return self


class Shift(StrictModel):
    """A carer's working interval on one day: leave the office after `start`, back by `end`."""

    day: NonNegativeInt
    start: ClockTime
    end: ClockTime
    break_: Break | None = Field(default=None, alias="break")

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    @model_validator(mode="after")
    def _consistent(self) -> Shift:
        if self.end <= self.start:
            raise ValueError(
                f"end {format_clock(self.end)} is not after start {format_clock(self.start)}"
            )
        b = self.break_
        if b is not None and (b.earliest < self.start or b.latest + b.minutes > self.end):
            raise ValueError(
                f"break window {format_clock(b.earliest)}-{format_clock(b.latest)} "
                f"({b.minutes} min) does not fit in shift "
                f"{format_clock(self.start)}-{format_clock(self.end)}"
            )
        return self

    @property
    def paid_minutes(self) -> int:
        """Shift length less the break: the time a carer is paid to work."""
        return self.end - self.start - (self.break_.minutes if self.break_ else 0)


class Staff(StrictModel):
    """A carer: member of one team, with skills, a travel mode and at most one shift a day."""

    id: str = Field(min_length=1)
    name: str = ""
    team: str
    skills: list[str] = []
    travel_mode: TravelMode = "walk"
    # None: not stated, taken as permanent; `hemplan teams --substitutes shared` keeps the
    # substitutes out of the teams, as one pool every team may borrow from
    employment: Employment | None = None
    shifts: list[Shift] = []

    @property
    def substitute(self) -> bool:
        return self.employment == "substitute"

    @model_validator(mode="after")
    def _one_shift_per_day(self) -> Staff:
        days = [s.day for s in self.shifts]
        repeated = sorted({d for d in days if days.count(d) > 1})
        if repeated:
            raise field_error("shifts", f"more than one shift on day {repeated[0]}")
        return self

    @cached_property
    def shift_by_day(self) -> dict[int, Shift]:
        return {s.day: s for s in self.shifts}


class Client(StrictModel):
    """A person receiving care at home, belonging to one team."""

    id: str = Field(min_length=1)
    name: str = ""
    team: str
    location: Location
    preferred_carers: list[str] = []
    excluded_carers: list[str] = []
    contact_carer: str | None = None
    # what a carer needs to find the door: carried to the day lists and calendars
    address: str | None = None
    phone: str | None = None
    door_code: str | None = None


class Window(StrictModel):
    """Start window of a visit: it must start between `earliest` and `latest` inclusive."""

    earliest: ClockTime
    latest: ClockTime

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.latest < self.earliest:
            raise ValueError(
                f"latest {format_clock(self.latest)} is before earliest "
                f"{format_clock(self.earliest)}"
            )
        return self


class Role(StrictModel):
    """One carer's part in a double-staffed visit: the skills it needs beyond the visit's
    `skills` (a nurse and any carer; a lift-trained carer and any carer)."""

    skills: list[str] = []


class StartGap(StrictModel):
    """Minutes from the first role's start to the second role's start, between `min` and
    `max` inclusive (0-0: the two carers start together)."""

    min: NonNegativeInt = Field(le=24 * 60)
    max: NonNegativeInt = Field(le=24 * 60)

    @model_validator(mode="after")
    def _ordered(self) -> StartGap:
        if self.max < self.min:
            raise ValueError(f"max {self.max} is below min {self.min}")
        return self


class Lateness(StrictModel):
    """Soft windows: a start may fall up to `max` minutes after a window's latest start, each
    late minute priced as tardiness. Without it the windows are hard."""

    max: PositiveInt = Field(le=24 * 60)


def _window_or_windows(schema: dict[str, Any]) -> None:
    """The JSON schema says what the validator does: `window` or `windows`, or both."""
    schema["required"] = [name for name in schema.get("required", []) if name != "window"]
    schema["anyOf"] = [{"required": ["window"]}, {"required": ["windows"]}]


class VisitFields(StrictModel):
    """What a single visit and a recurring pattern share.

    `windows` gives several start windows (08:00-09:00 or 11:00-12:00), sorted and apart; the
    visit must start inside one. `window` is then their envelope, filled in when left out, so
    every reader of the single window keeps a true, if loose, bound. `start_windows` is the
    list every check and every solver step reads: `windows`, or the single `window`.

    `roles` describes each carer's part of a double-staffed visit (skills beyond `skills`,
    which every carer needs), `gap` the minutes from the first role's start to the second's;
    `slot_skills` and `start_gap` are what every reader asks, with or without them.

    `lateness` makes the windows soft: `allowed_starts` (the windows each reaching `max`
    minutes further) is where a start may fall, `tardiness` what a start costs."""

    client: str
    service: str = ""
    window: Window
    windows: list[tuple[ClockTime, ClockTime]] | None = None
    duration: PositiveInt = Field(le=24 * 60)
    staff_needed: Literal[1, 2] = 1
    skills: list[str] = []
    roles: list[Role] | None = None
    gap: StartGap | None = None
    lateness: Lateness | None = None
    priority: Priority = "mandatory"
    notes: str = ""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, json_schema_extra=_window_or_windows
    )

    @model_validator(mode="before")
    @classmethod
    def _envelope_of_windows(cls, data: Any) -> Any:
        """Without a `window`, the span of `windows` is the window (the whole day while
        `windows` is unreadable: its own error is then the one reported)."""
        if not isinstance(data, dict) or "window" in data or data.get("windows") is None:
            return data
        try:
            times = [parse_clock(t) for pair in data["windows"] for t in pair]
        except (TypeError, ValueError):
            times = []
        span = (min(times), max(times)) if times else (0, MINUTES_PER_DAY)
        return {**data, "window": {"earliest": span[0], "latest": span[1]}}

    @model_validator(mode="after")
    def _windows_consistent(self) -> VisitFields:
        if self.windows is None:
            return self
        if not self.windows:
            raise field_error("windows", "is empty (leave it out for the single window)")
        for earliest, latest in self.windows:
            if latest < earliest:
                raise field_error(
                    "windows",
                    f"window {format_clock(earliest)}-{format_clock(latest)} ends before it starts",
                )
        for (_, before), (after, _) in zip(self.windows, self.windows[1:]):
            if after <= before:
                raise field_error(
                    "windows",
                    f"must be sorted and apart: {format_clock(after)} does not come "
                    f"after {format_clock(before)}",
                )
        envelope = (self.windows[0][0], self.windows[-1][1])
        if (self.window.earliest, self.window.latest) != envelope:
            raise field_error(
                "windows",
                f"window {windows_text([(self.window.earliest, self.window.latest)])} is not "
                f"the span of windows {windows_text(self.windows)} (leave window out)",
            )
        return self

    @model_validator(mode="after")
    def _roles_consistent(self) -> VisitFields:
        if self.roles is not None and len(self.roles) != self.staff_needed:
            raise field_error(
                "roles",
                f"{len(self.roles)} role(s) for a visit that needs {self.staff_needed} carer(s)",
            )
        if self.gap is not None and self.staff_needed != 2:
            raise field_error("gap", "a start gap needs two carers (staff_needed 2)")
        return self

    @cached_property
    def slot_skills(self) -> SlotSkills:
        """The skills each carer slot needs: the visit's `skills` and, with `roles`, the
        role's own; without roles every slot needs just `skills`, as always."""
        common = frozenset(self.skills)
        if self.roles is None:
            return (common,) * self.staff_needed
        return tuple(common | frozenset(role.skills) for role in self.roles)

    @cached_property
    def start_gap(self) -> tuple[int, int]:
        """(min, max) minutes from the first role's start to the second's; (0, 0) without a
        gap: the carers start together."""
        return (self.gap.min, self.gap.max) if self.gap is not None else (0, 0)

    @property
    def staggered(self) -> bool:
        """Whether the two carers may start at different times (a gap other than 0-0)."""
        return self.start_gap != (0, 0)

    @cached_property
    def start_windows(self) -> StartWindows:
        """The start windows, sorted: `windows`, or the single `window`."""
        if self.windows:
            return tuple((earliest, latest) for earliest, latest in self.windows)
        return ((self.window.earliest, self.window.latest),)

    @property
    def late_allowance(self) -> int:
        """Minutes a start may fall after a window's latest start (0: hard windows)."""
        return self.lateness.max if self.lateness is not None else 0

    @cached_property
    def allowed_starts(self) -> StartWindows:
        """Where a start may fall: the start windows, each reaching `late_allowance` minutes
        further (merged where they then meet); the start windows themselves when hard."""
        return extend_windows(self.start_windows, self.late_allowance)

    def tardiness(self, start: int) -> int:
        """Minutes a start at `start` falls after its window's latest start (0 when hard)."""
        return lateness_of(self.start_windows, start) if self.lateness is not None else 0


class Visit(VisitFields):
    """One occasion at a client's home on `day` (or any day up to `last_day`)."""

    id: str = Field(min_length=1)
    day: NonNegativeInt
    last_day: NonNegativeInt | None = None
    locked_carers: list[str] = []
    locked_start: ClockTime | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Visit:
        if self.last_day is not None and self.last_day < self.day:
            raise field_error("last_day", f"last_day {self.last_day} is before day {self.day}")
        if len(self.locked_carers) > self.staff_needed:
            raise field_error(
                "locked_carers",
                f"{len(self.locked_carers)} locked carers for a visit that needs "
                f"{self.staff_needed}",
            )
        if len(set(self.locked_carers)) != len(self.locked_carers):
            raise field_error("locked_carers", "locked_carers names the same carer twice")
        if self.locked_start is not None and not starts_inside(
            self.allowed_starts, self.locked_start
        ):
            raise field_error(
                "locked_start",
                f"locked_start {format_clock(self.locked_start)} is outside the window",
            )
        return self

    @property
    def locked(self) -> bool:
        """Whether the planner fixed a carer or the start (`locked_carers`, `locked_start`)."""
        return bool(self.locked_carers) or self.locked_start is not None

    @property
    def days(self) -> range:
        """The days this visit may be done on."""
        return range(self.day, (self.last_day if self.last_day is not None else self.day) + 1)


class VisitPattern(VisitFields):
    """A recurring visit written once, expanded into visits by `hemplan.models.io.patterns`.

    Calendar weekdays are 0 = Monday .. 6 = Sunday. A pattern is active every
    `every_weeks` calendar weeks counted from the week of `start_date` (shifted by
    `week_offset`). With `flexible`, it yields one visit per active week that may be done
    on any of the listed weekdays (which must then be consecutive).
    """

    id: str = Field(min_length=1)
    weekdays: list[int] = Field(default=[0, 1, 2, 3, 4, 5, 6], min_length=1)
    every_weeks: int = Field(default=1, ge=1, le=8)
    week_offset: NonNegativeInt = 0
    flexible: bool = False

    @model_validator(mode="after")
    def _weekdays_valid(self) -> VisitPattern:
        if any(not 0 <= w <= 6 for w in self.weekdays):
            raise field_error("weekdays", "weekdays must be 0 (Monday) to 6 (Sunday)")
        if len(set(self.weekdays)) != len(self.weekdays):
            raise field_error("weekdays", "weekdays lists a day twice")
        if self.flexible and sorted(self.weekdays) != list(
            range(min(self.weekdays), max(self.weekdays) + 1)
        ):
            raise field_error("weekdays", "a flexible pattern needs consecutive weekdays")
        return self


EARTH_RADIUS_KM = 6371.0088  # the mean Earth radius of the great-circle (haversine) distance
MIN_SPEED_KMH = 0.1  # travel speeds outside these are mistakes (a unit, a missing digit) ...
MAX_SPEED_KMH = 1000.0  # ... far from any carer on foot, by bike or by car
# Travel minutes are capped here, by the solver and the evaluator alike: a trip longer than a
# day can never fit between two points of one day's route (shifts lie within 00:00-24:00), so
# any longer trip, from slow speeds, far places or a matrix's "unreachable" figure, is the same
# as this one. It keeps every sum of travel minutes far inside the solver's int32.
UNREACHABLE_MINUTES = MINUTES_PER_DAY + 1


def _check_speed(speed: float) -> float:
    if not math.isfinite(speed):
        raise ValueError("speed is not a finite number")
    if not MIN_SPEED_KMH <= speed <= MAX_SPEED_KMH:
        raise ValueError(
            f"speed {speed:g} km/h is outside {MIN_SPEED_KMH:g}-{MAX_SPEED_KMH:g} km/h"
        )
    return speed


Speed = Annotated[
    float,
    AfterValidator(_check_speed),
    Field(json_schema_extra={"minimum": MIN_SPEED_KMH, "maximum": MAX_SPEED_KMH}),
]


def _check_matrix_file(name: str) -> str:
    if not name.strip():
        raise ValueError("the file name is empty")
    if "\x00" in name:
        raise ValueError("the file name holds a NUL character")
    return name


class TravelSettings(StrictModel):
    """How travel minutes are computed: great-circle km (haversine on a sphere of
    EARTH_RADIUS_KM) x detour / speed, rounded up to whole minutes; or a matrix file. Either
    way a trip over a day counts as UNREACHABLE_MINUTES."""

    speed_kmh: dict[TravelMode, Speed] = {"walk": 4.5, "bike": 13.0, "car": 28.0}
    detour_factor: float = Field(default=1.35, ge=1.0, le=5.0)
    matrix_file: Annotated[str, AfterValidator(_check_matrix_file)] | None = None


DEFAULT_LOOK_BACK_DAYS = 14


class PastVisit(StrictModel):
    """A visit done before the horizon: the date, the client and the carer(s) who came."""

    date: date
    client: str = Field(min_length=1)
    carers: list[str] = Field(min_length=1)
    start: ClockTime | None = None
    service: str = ""


class History(StrictModel):
    """Who met whom before the planned period, past visits in date order.

    A client's experience runs straight across the boundary between planning periods, and
    the national indicator counts the carers met in whatever 14 days are measured. A carer
    whom a client met within `look_back_days` before the horizon counts as known: the solver
    prefers them, and the evaluator counts the 14-day windows that reach back into it."""

    look_back_days: PositiveInt = Field(default=DEFAULT_LOOK_BACK_DAYS, le=366)
    visits: list[PastVisit] = []


class Instance(StrictModel):
    """A complete planning problem. Load it with `hemplan.models.io.load.load_instance`."""

    name: str = ""
    horizon: Horizon
    skills: list[str] = []
    teams: list[Team] = Field(min_length=1)
    staff: list[Staff] = []
    clients: list[Client] = []
    visits: list[Visit] = []
    patterns: list[VisitPattern] = []
    travel: TravelSettings = TravelSettings()
    history: History | None = None

    @cached_property
    def team_by_id(self) -> dict[str, Team]:
        return {t.id: t for t in self.teams}

    @cached_property
    def staff_by_id(self) -> dict[str, Staff]:
        return {s.id: s for s in self.staff}

    @cached_property
    def client_by_id(self) -> dict[str, Client]:
        return {c.id: c for c in self.clients}

    @cached_property
    def visit_by_id(self) -> dict[str, Visit]:
        return {v.id: v for v in self.visits}

    @cached_property
    def visits_by_client(self) -> dict[str, list[Visit]]:
        grouped: dict[str, list[Visit]] = {c.id: [] for c in self.clients}
        for v in self.visits:
            grouped.setdefault(v.client, []).append(v)
        return grouped
