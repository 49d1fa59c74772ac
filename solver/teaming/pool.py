"""The staff pool as the teaming sees it: shift types, what each client needs, where clients are.

Teams are formed from the whole instance as one pool, whatever the `team` fields say. Two
facts of the pool drive the rest: a shift's type (day, evening or night, read from its start,
because managers staff those separately) and a client's demand in carer-minutes over the
horizon (a double-staffed visit counts twice), the weight of the client in the clustering.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np

from hemplan.models.contract.clock import format_clock
from hemplan.models.contract.instance import Instance, Location

# a shift starting before noon is a day shift, before 20:00 an evening shift, else a night shift
SHIFT_TYPES: tuple[str, ...] = ("day", "evening", "night")
_TYPE_STARTS = (0, 12 * 60, 20 * 60)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
KM_PER_DEGREE_LAT = 110.574  # WGS84, near 60 degrees north the error is under 0.2 %
KM_PER_DEGREE_LON_EQUATOR = 111.320


# Peaks: visits that must be done by 09:00 (or 10:00, 11:00) need carers on shift before then,
# visits that start at 18:00 or later (19:00, 20:00) carers still on shift then. A day's total
# can fit while its morning does not: everyone wants help up at 07:00-09:00. (Half-hour steps
# with the same slack refused every 5-team split of district-14d tried: too strict.)
PEAKS: tuple[tuple[str, int], ...] = (
    ("until", 9 * 60),
    ("until", 10 * 60),
    ("until", 11 * 60),
    ("from", 18 * 60),
    ("from", 19 * 60),
    ("from", 20 * 60),
)


def peak_label(kind: str, at: int) -> str:
    """`until 09:00` or `from 18:00`: the name of a peak, used like a shift type."""
    return f"{kind} {format_clock(at)}"


def peak_minutes(kind: str, at: int, start: int, end: int) -> int:
    """Minutes of a shift from `start` to `end` that fall in the peak."""
    if kind == "until":
        return max(0, min(end, at) - start)
    return max(0, end - max(start, at))


def in_peak(kind: str, at: int, earliest: int, latest: int, duration: int) -> bool:
    """Whether a visit must be done within the peak whatever its start."""
    if kind == "until":
        return latest + duration <= at
    return earliest >= at


def types_text(types: frozenset[str]) -> str:
    """`the evening shift`, `the day or evening shifts`, `shift time until 09:00`."""
    kinds = [t for t in SHIFT_TYPES if t in types]
    if not kinds:
        return "shift time " + " or ".join(sorted(types))
    return f"the {' or '.join(kinds)} shift{'s' if len(kinds) > 1 else ''}"


def shift_type(start: int) -> str:
    """The type of a shift that starts at `start` minutes after midnight."""
    kind = SHIFT_TYPES[0]
    for name, begins in zip(SHIFT_TYPES, _TYPE_STARTS, strict=True):
        if start >= begins:
            kind = name
    return kind


def client_demand(instance: Instance) -> dict[str, int]:
    """Carer-minutes of visits per client over the horizon (a double-staffed visit twice)."""
    demand = {c.id: 0 for c in instance.clients}
    for visit in instance.visits:
        demand[visit.client] = demand.get(visit.client, 0) + visit.duration * visit.staff_needed
    return demand


def project_km(points: Sequence[Location]) -> np.ndarray:
    """Points as (east, north) kilometres on a plane through their mean latitude.

    Within a municipality (tens of km) the equirectangular projection is exact to well under
    a percent, which is all the clustering needs; reported distances use the great circle."""
    if not points:
        return np.zeros((0, 2))
    lat = np.array([p.lat for p in points])
    lon = np.array([p.lon for p in points])
    scale = KM_PER_DEGREE_LON_EQUATOR * math.cos(math.radians(float(lat.mean())))
    return np.column_stack([lon * scale, lat * KM_PER_DEGREE_LAT])


def unproject(point: np.ndarray, points: Sequence[Location]) -> Location:
    """The inverse of `project_km` for one point (same reference latitude as `points`)."""
    mean_lat = float(np.mean([p.lat for p in points]))
    scale = KM_PER_DEGREE_LON_EQUATOR * math.cos(math.radians(mean_lat))
    return Location(
        lat=round(float(point[1]) / KM_PER_DEGREE_LAT, 6), lon=round(float(point[0]) / scale, 6)
    )


def day_name(start_date: date, day: int) -> str:
    """`Saturday 2026-01-10 (day 5)`: how a planner finds a day in the roster."""
    when = start_date + timedelta(days=day)
    return f"{WEEKDAYS[when.weekday()]} {when.isoformat()} (day {day})"


def window_text(earliest: int, latest: int) -> str:
    return f"{format_clock(earliest)}-{format_clock(latest)}"
