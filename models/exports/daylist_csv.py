"""A carer's day list as CSV: one row per visit, travel leg, wait and break, day by day.

Written for Swedish Excel, where planners print and hand out day lists: `;`-separated,
UTF-8 with a byte order mark (so å, ä, ö survive a double-click), coordinates with a decimal
point. Each day opens with a `shift` row (start and end of the shift); rows of kind `visit`
carry the client, address, door code, phone, place, service, co-carers (ids and names) and
notes; `travel`, `wait` (time before setting off) and `break` rows fill the gaps between
visits, so the list reads as a timetable. Text from the instance that a spreadsheet would
take for a formula is written as text (`as_text`).
"""

from __future__ import annotations

import csv
import io

from hemplan.models.contract.clock import format_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Route, Schedule
from hemplan.models.exports.carer_days import (
    carer_routes,
    co_carers,
    day_date,
    file_names,
    segments,
)
from hemplan.models.texts import ENGLISH, Texts

COLUMNS = [
    "date",
    "weekday",
    "day",
    "carer",
    "carer_name",
    "kind",
    "start",
    "end",
    "minutes",
    "visit",
    "client",
    "client_name",
    "address",
    "door_code",
    "phone",
    "lat",
    "lon",
    "service",
    "co_carers",
    "co_carer_names",
    "notes",
]
DELIMITER = ";"
BOM = "\ufeff"
# the columns of text from the instance (names, ids, addresses, phones, notes), each shown as
# text in a spreadsheet: a cell that begins as a formula does (`=`, `+`, `-`, `@`, a tab or a
# carriage return) gets a leading apostrophe, which Excel does not show. Otherwise a phone
# number written +46 ... reads as a formula, and a name such as =HYPERLINK(...) runs as one.
TEXT_COLUMNS = frozenset(COLUMNS) - {
    "date",
    "weekday",
    "day",
    "kind",
    "start",
    "end",
    "minutes",
    "lat",
    "lon",
}  # all but what hemplan writes itself: dates, the row's kind, times and numbers
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell: str) -> str:
    """`cell` as a spreadsheet shows it as text (see TEXT_COLUMNS)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _row(
    instance: Instance,
    route: Route,
    kind: str,
    start: int,
    end: int,
    texts: Texts = ENGLISH,
    **cells: str,
) -> dict[str, str]:
    when = day_date(instance, route.day)
    carer = instance.staff_by_id[route.carer]
    return {
        "date": when.isoformat(),
        "weekday": texts.weekday(when),
        "day": str(route.day),
        "carer": carer.id,
        "carer_name": carer.name,
        "kind": texts.word("kind", kind),
        "start": format_clock(start),
        "end": format_clock(end),
        "minutes": str(end - start),
        **cells,
    }


def route_rows(
    instance: Instance, route: Route, partners: dict[str, list[str]], texts: Texts = ENGLISH
) -> list[dict[str, str]]:
    """The rows of one carer's day in time order (see `carer_days.segments`)."""
    rows: list[dict[str, str]] = []
    shift = instance.staff_by_id[route.carer].shift_by_day.get(route.day)
    if shift is not None:  # the day's frame first: when to come and when the day ends
        rows.append(_row(instance, route, "shift", shift.start, shift.end, texts))
    here = texts.t("office")
    for part in segments(route):
        stop = part.stop
        visit = (
            instance.visit_by_id.get(stop.visit or "") if stop and stop.kind == "visit" else None
        )
        client = instance.client_by_id[visit.client] if visit else None
        if part.kind == "travel":
            there = (client.name or client.id) if client else texts.t("office")
            rows.append(
                _row(
                    instance,
                    route,
                    "travel",
                    part.start,
                    part.end,
                    texts,
                    notes=f"{here} -> {there}",
                )
            )
            here = there
        elif visit is None or client is None or part.kind != "visit":  # wait, break
            rows.append(_row(instance, route, part.kind, part.start, part.end, texts))
        else:
            others = [c for c in partners.get(visit.id, []) if c != route.carer]
            rows.append(
                _row(
                    instance,
                    route,
                    "visit",
                    part.start,
                    part.end,
                    texts,
                    visit=visit.id,
                    client=client.id,
                    client_name=client.name,
                    address=client.address or "",
                    door_code=client.door_code or "",
                    phone=client.phone or "",
                    lat=f"{client.location.lat:.6f}",
                    lon=f"{client.location.lon:.6f}",
                    service=visit.service,
                    co_carers="|".join(others),
                    co_carer_names="|".join(
                        instance.staff_by_id[c].name or c
                        for c in others
                        if c in instance.staff_by_id
                    ),
                    notes=visit.notes,
                )
            )
    return rows


def day_lists(instance: Instance, schedule: Schedule, texts: Texts = ENGLISH) -> dict[str, str]:
    """One CSV day list per carer with a route: {file name: text}; column names, weekdays and
    row kinds in the language of `texts`."""
    routes = carer_routes(schedule)
    partners = co_carers(schedule)
    names = file_names(list(routes), ".csv")
    files: dict[str, str] = {}
    for carer, carer_days in routes.items():
        out = io.StringIO()
        writer = csv.DictWriter(
            out, fieldnames=COLUMNS, delimiter=DELIMITER, restval="", lineterminator="\r\n"
        )
        writer.writerow({c: texts.word("column", c) for c in COLUMNS})
        for route in carer_days:
            writer.writerows(
                {key: as_text(cell) if key in TEXT_COLUMNS else cell for key, cell in row.items()}
                for row in route_rows(instance, route, partners, texts)
            )
        files[names[carer]] = BOM + out.getvalue()
    return files
