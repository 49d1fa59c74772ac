"""What both exports need from a schedule: each carer's routes in order, dated, with names.

A carer's day list and calendar are read off the routes (what the carer actually does,
including travel and the break); the assignments only add who else comes to a
double-staffed visit.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Route, Schedule, Stop, stop_order

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# A file name's stem is at most this many characters (ASCII, so as many bytes): with a clash
# number, the suffix and the atomic writer's temporary name around it (`.<name>.XXXXXXXX.tmp`)
# it stays far below the 255 bytes a file name may have on common file systems.
MAX_STEM = 100
# names Windows reserves for devices, with any extension (a day list is often opened there)
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{k}" for p in ("COM", "LPT") for k in range(10)}


def carer_routes(schedule: Schedule) -> dict[str, list[Route]]:
    """Routes with at least one stop, by carer id (sorted), by day, stops in time order."""
    grouped: dict[str, list[Route]] = {}
    for route in schedule.routes:
        if route.stops:
            ordered = route.model_copy(update={"stops": sorted(route.stops, key=stop_order)})
            grouped.setdefault(route.carer, []).append(ordered)
    return {carer: sorted(grouped[carer], key=lambda r: r.day) for carer in sorted(grouped)}


@dataclass(frozen=True)
class Segment:
    """A stretch of a carer's day: `travel`, `wait`, `visit` or `break` (its stop, if any)."""

    kind: str
    start: int
    end: int
    stop: Stop | None = None


def segments(route: Route) -> list[Segment]:
    """A route (stops in time order) as back-to-back stretches, from leaving the office to the
    return.

    The carer leaves the office, and each client's, just in time for the next stop, so idle
    time (a `wait`) is spent before setting off, never at the next client's door; except that
    a journey which does not fit between a break and the next visit is made before the break
    (the carer rests at the next client's). A
    route's own `wait` figure may straddle the break, so the stretches are timed from the
    stops' starts and ends instead.
    """
    timed: list[Segment] = []
    visit_end: int | None = None  # end of the last visit, where the carer set off from
    rest: Stop | None = None  # a break since that visit
    for stop in route.stops:
        if stop.kind == "break":
            rest = stop
        elif stop.travel:
            if rest is not None and rest.end + stop.travel > stop.start:  # no room after the break
                # just before the break, so the carer rests at the next client's
                depart = max(visit_end or 0, rest.start - stop.travel)
            else:  # leave just in time: idle time is spent before leaving, not at the door
                depart = stop.start - stop.travel
            timed.append(Segment("travel", depart, depart + stop.travel, stop))
        if stop.kind == "visit":
            visit_end, rest = stop.end, None
        timed.append(Segment(stop.kind, stop.start, stop.end, stop))
    if route.travel_back and route.stops:
        free = max(s.end for s in route.stops)
        timed.append(Segment("travel", free, free + route.travel_back))
    timed.sort(key=lambda seg: (seg.start, seg.kind != "travel"))
    parts: list[Segment] = []
    for seg in timed:
        if parts and seg.start > parts[-1].end:
            parts.append(Segment("wait", parts[-1].end, seg.start, seg.stop))
        parts.append(seg)
    return parts


def co_carers(schedule: Schedule) -> dict[str, list[str]]:
    """The carers of each assigned visit, to name the partner on a double-staffed visit."""
    return {a.visit: list(a.carers) for a in schedule.assignments}


def own_starts(schedule: Schedule) -> dict[str, dict[str, int]]:
    """Each carer's own start of a visit whose carers start apart (a start gap), by visit: so
    a sheet can say when the partner comes."""
    return {a.visit: {c: a.start_of(c) for c in a.carers} for a in schedule.assignments if a.starts}


def day_date(instance: Instance, day: int) -> date:
    """The calendar date of a horizon day."""
    return instance.horizon.start_date + timedelta(days=day)


def moment(instance: Instance, day: int, minutes: int) -> datetime:
    """Local date and time of `minutes` after midnight on `day` (24:00 is the next midnight)."""
    return datetime.combine(day_date(instance, day), datetime.min.time()) + timedelta(
        minutes=minutes
    )


def _stem(carer: str) -> str:
    """The readable part of a carer's file name: safe characters, not hidden, not too long
    (a long id is cut and a digest of the whole id added, so different ids stay apart)."""
    stem = _UNSAFE.sub("_", carer).strip("._") or "carer"
    if len(stem) > MAX_STEM:
        digest = hashlib.sha1(carer.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        stem = f"{stem[: MAX_STEM - 11].rstrip('._')}-{digest}"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"{stem}_"
    return stem


def file_names(carers: list[str], suffix: str) -> dict[str, str]:
    """A safe, distinct file name per carer id: unsafe characters become '_', a long id is
    shortened (at most MAX_STEM characters before the suffix), clashes get -2, -3 (ignoring
    case, for file systems that do)."""
    names: dict[str, str] = {}
    used: set[str] = set()
    tried: dict[str, int] = {}  # per stem, the clash number to try next (no search from 2)
    for carer in carers:
        stem = _stem(carer)
        name, k = f"{stem}{suffix}", tried.get(stem.lower(), 2)
        while name.lower() in used:
            name, k = f"{stem}-{k}{suffix}", k + 1
        tried[stem.lower()] = k
        used.add(name.lower())
        names[carer] = name
    return names
