"""A carer's visits as an iCalendar file (RFC 5545), written by hand.

One VEVENT per visit with a stable UID (visit, carer, instance), so a re-exported plan
updates the same events. Times are local Swedish time: DTSTART/DTEND carry
TZID=Europe/Stockholm and the file includes that VTIMEZONE (CET/CEST rules), so calendars
anywhere show the visit at the time the carer is expected at the door. Text is escaped
and lines are folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hemplan.models.contract.clock import format_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Route, Schedule
from hemplan.models.contract.version import hemplan_version
from hemplan.models.exports.carer_days import carer_routes, co_carers, file_names, moment
from hemplan.models.texts import ENGLISH, Texts

TZID = "Europe/Stockholm"
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]
FOLD_OCTETS = 75


def escape_text(value: str) -> str:
    """RFC 5545 TEXT escaping: backslash, semicolon, comma and newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into CRLF-joined pieces of at most 75 octets (continuations start with a
    space)."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > FOLD_OCTETS:
            pieces.append(current)
            current, size = " ", 1
        current += char
        size += width
    pieces.append(current)
    return "\r\n".join(pieces)


def uid(instance: Instance, visit: str, carer: str) -> str:
    """Stable across re-exports of the same instance, distinct for each carer of a double visit."""
    return f"{visit}/{carer}/{instance.name or 'hemplan'}@hemplan"


def _local(stamp: datetime) -> str:
    # not strftime: its %Y writes the year 900 as "900", a DATE-TIME needs four digits
    return (
        f"{stamp.year:04d}{stamp.month:02d}{stamp.day:02d}"
        f"T{stamp.hour:02d}{stamp.minute:02d}{stamp.second:02d}"
    )


def _events(
    instance: Instance, route: Route, partners: dict[str, list[str]], stamp: str, texts: Texts
) -> list[str]:
    lines: list[str] = []
    carer = route.carer
    for stop in route.stops:
        visit = instance.visit_by_id.get(stop.visit or "") if stop.kind == "visit" else None
        if visit is None:
            continue
        client = instance.client_by_id[visit.client]
        others = [c for c in partners.get(visit.id, []) if c != carer]
        with_names = ", ".join(
            f"{instance.staff_by_id[c].name or c} ({c})"
            for c in others
            if c in instance.staff_by_id
        )
        title = f"{client.name or client.id}: {visit.service or texts.t('visit')}" + (
            f" ({texts.t('with {names}', names=with_names)})" if others else ""
        )
        who = f"{client.name} ({client.id})" if client.name else client.id
        details = [
            f"{texts.t('Client')}: {who}",
            f"{texts.t('Visit')}: {visit.id}",
            f"{texts.t('Service')}: {visit.service}" if visit.service else "",
            (
                f"{texts.t('Time')}: {format_clock(stop.start)}-{format_clock(stop.end)} "
                f"({stop.end - stop.start} min)"
            ),
            f"{texts.t('Together with')}: {with_names}" if others else "",
            texts.t("Travel before: {minutes} min", minutes=stop.travel) if stop.travel else "",
            f"{texts.t('Door code')}: {client.door_code}" if client.door_code else "",
            f"{texts.t('Phone')}: {client.phone}" if client.phone else "",
            f"{texts.t('Notes')}: {visit.notes}" if visit.notes else "",
        ]
        place = client.location
        where = client.address or f"{place.lat:.6f}, {place.lon:.6f}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(uid(instance, visit.id, carer))}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;TZID={TZID}:{_local(moment(instance, route.day, stop.start))}",
            f"DTEND;TZID={TZID}:{_local(moment(instance, route.day, stop.end))}",
            f"SUMMARY:{escape_text(title)}",
            (f"LOCATION:{escape_text(f'{client.name or client.id} ({where})')}"),
            f"GEO:{place.lat:.6f};{place.lon:.6f}",
            f"DESCRIPTION:{escape_text(chr(10).join(d for d in details if d))}",
            f"X-HEMPLAN-VISIT:{escape_text(visit.id)}",
            f"X-HEMPLAN-CLIENT:{escape_text(client.id)}",
            "END:VEVENT",
        ]
    return lines


def calendar(
    instance: Instance,
    carer: str,
    routes: list[Route],
    partners: dict[str, list[str]],
    stamp: datetime,
    texts: Texts = ENGLISH,
) -> str:
    """The VCALENDAR text of one carer's visits; `stamp` (UTC) is the DTSTAMP of every event."""
    staff = instance.staff_by_id[carer]
    utc = stamp.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//hemplan//hemplan {hemplan_version()}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(f'{staff.name or carer} ({carer})')}",
        f"X-WR-TIMEZONE:{TZID}",
        *VTIMEZONE,
    ]
    for route in routes:
        lines += _events(instance, route, partners, utc, texts)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def calendars(
    instance: Instance, schedule: Schedule, stamp: datetime, texts: Texts = ENGLISH
) -> dict[str, str]:
    """One .ics file per carer with a route: {file name: text}, its texts in the language of
    `texts`."""
    routes = carer_routes(schedule)
    partners = co_carers(schedule)
    names = file_names(list(routes), ".ics")
    return {
        names[c]: calendar(instance, c, days, partners, stamp, texts) for c, days in routes.items()
    }
