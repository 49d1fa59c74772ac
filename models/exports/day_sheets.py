"""Day sheets (körlistor): one printable page per carer and day, for handing out.

Each page says the shift, then the day in order: when to set off and how long the trip is,
each visit's time, client, address, door code, phone, what to do, who else comes and the
notes, the break, and when the carer is back at the office. Idle time is spent before
setting off (`carer_days.segments`), so no line sends a carer to wait at a door. One HTML
file per carer, a page per day (print CSS breaks the pages), in Swedish or English.
"""

from __future__ import annotations

from html import escape

from hemplan.models.contract.clock import format_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Route, Schedule
from hemplan.models.exports.carer_days import (
    carer_routes,
    co_carers,
    day_date,
    file_names,
    own_starts,
    segments,
)
from hemplan.models.texts import Texts

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #111; }
section { page-break-after: always; break-after: page; margin-bottom: 2em; }
h1 { font-size: 1.3em; margin: 0 0 .2em; }
h2 { font-size: 1.05em; margin: 0 0 .8em; font-weight: normal; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #999; padding: .35em .4em; text-align: left; }
td { vertical-align: top; }
tr.move td, tr.free td { color: #444; font-size: .9em; border-bottom: 1px dotted #bbb; }
tr.break td { font-style: italic; }
@media print { body { margin: 0; } a { color: inherit; } }
"""


def day_sheets(instance: Instance, schedule: Schedule, texts: Texts) -> dict[str, str]:
    """One HTML file of day sheets per carer with a route: {file name: text}."""
    routes = carer_routes(schedule)
    partners = co_carers(schedule)
    starts = own_starts(schedule)
    names = file_names(list(routes), ".html")
    files = {}
    for carer, days in routes.items():
        pages = "".join(_page(instance, route, partners, texts, starts) for route in days)
        person = instance.staff_by_id[carer]
        title = f"{texts.t('Day sheet')} {person.name or person.id}"
        files[names[carer]] = (
            f'<!DOCTYPE html><html lang="{texts.lang}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{pages}"
            "</body></html>\n"
        )
    return files


def _page(
    instance: Instance,
    route: Route,
    partners: dict[str, list[str]],
    texts: Texts,
    starts: dict[str, dict[str, int]],
) -> str:
    carer = instance.staff_by_id[route.carer]
    shift = carer.shift_by_day.get(route.day)
    head = (
        f"{texts.t('Shift')} {format_clock(shift.start)}-{format_clock(shift.end)}" if shift else ""
    )
    rows = []
    for part in segments(route):
        stop = part.stop
        if part.kind == "travel":
            if stop is None:  # the way back
                rows.append(
                    _line("move", texts.t("Back at the office {time}", time=format_clock(part.end)))
                )
            else:
                leave = texts.t(
                    "Leave at {time} ({minutes} min travel)",
                    time=format_clock(part.start),
                    minutes=part.end - part.start,
                )
                rows.append(_line("move", leave))
        elif part.kind == "wait":
            rows.append(
                _line(
                    "free",
                    texts.t(
                        "Free time {start}-{end}",
                        start=format_clock(part.start),
                        end=format_clock(part.end),
                    ),
                )
            )
        elif part.kind == "break":
            rows.append(
                f'<tr class="break"><td>{format_clock(part.start)}-{format_clock(part.end)}</td>'
                f'<td colspan="3">{escape(texts.t("Break"))}</td></tr>'
            )
        elif stop is not None and stop.visit in instance.visit_by_id:
            rows.append(
                _visit(instance, route, stop.visit, part.start, part.end, partners, texts, starts)
            )
    heading = (
        f"<h1>{escape(carer.name or carer.id)}</h1>"
        f"<h2>{escape(texts.long_date(day_date(instance, route.day)))} · {escape(head)}</h2>"
    )
    header = "".join(f"<th>{escape(texts.t(h))}</th>" for h in ("Time", "Client", "What", "Notes"))
    return f"<section>{heading}<table><tr>{header}</tr>{''.join(rows)}</table></section>"


def _line(kind: str, text: str) -> str:
    return f'<tr class="{kind}"><td colspan="4">{escape(text)}</td></tr>'


def _visit(
    instance: Instance,
    route: Route,
    visit_id: str,
    start: int,
    end: int,
    partners: dict[str, list[str]],
    texts: Texts,
    starts: dict[str, dict[str, int]],
) -> str:
    visit = instance.visit_by_id[visit_id]
    client = instance.client_by_id[visit.client]
    where = [client.name or client.id]
    for label, value in (
        ("Address", client.address),
        ("Door code", client.door_code),
        ("Phone", client.phone),
    ):
        if value:
            where.append(f"{texts.t(label)}: {value}")
    own = starts.get(visit_id, {})
    others = [
        (instance.staff_by_id[c].name or c)
        + (
            f" ({texts.t('starts {time}', time=format_clock(own[c]))})"
            if own.get(c, start) != start
            else ""
        )
        for c in partners.get(visit_id, [])
        if c != route.carer and c in instance.staff_by_id
    ]
    what = [visit.service or visit.id]
    if others:
        what.append(f"{texts.t('Together with')} {', '.join(others)}")
    cells = [
        f"{format_clock(start)}-{format_clock(end)}",
        "<br>".join(escape(w) for w in where),
        "<br>".join(escape(w) for w in what),
        escape(visit.notes),
    ]
    return (
        "<tr>" + "".join(f"<td>{c if k else escape(c)}</td>" for k, c in enumerate(cells)) + "</tr>"
    )
