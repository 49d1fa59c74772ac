"""Information to clients ("who comes when"): per client a printable letter with the
visits of a week, each with its day, time and the first names of the carers who come.

First names only, as Swedish home care tells clients who is coming; the time is the planned
start, and the letter says that it may move a little. In Swedish or English.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from hemplan.models.contract.clock import format_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Schedule
from hemplan.models.exports.carer_days import day_date, file_names
from hemplan.models.texts import Texts

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #111; font-size: 1.1em; }
h1 { font-size: 1.4em; } table { border-collapse: collapse; margin: 1em 0; }
th, td { border-bottom: 1px solid #999; padding: .4em .8em; text-align: left; }
@media print { body { margin: 1em; } }
"""


def client_letters(
    instance: Instance, schedule: Schedule, texts: Texts, first_day: int = 0, days: int = 7
) -> dict[str, str]:
    """One HTML letter per client with a visit in days `first_day`..`first_day + days - 1`."""
    last_day = min(first_day + days, instance.horizon.days) - 1
    visits: dict[str, list[tuple[int, int, list[str]]]] = {}
    for a in schedule.assignments:
        visit = instance.visit_by_id.get(a.visit)
        if visit is None or not first_day <= a.day <= last_day:
            continue
        who = [_first_name(instance, c) for c in a.carers if c in instance.staff_by_id]
        visits.setdefault(visit.client, []).append((a.day, a.start, who))
    names = file_names(sorted(visits), ".html")
    first = day_date(instance, first_day)
    last = first + timedelta(days=last_day - first_day)
    files = {}
    for client_id in sorted(visits):
        client = instance.client_by_id[client_id]
        rows = "".join(
            f"<tr><td>{escape(texts.short_date(day_date(instance, day)))}</td>"
            f"<td>{format_clock(start)}</td><td>{escape(' & '.join(who))}</td></tr>"
            for day, start, who in sorted(visits[client_id])
        )
        header = "".join(f"<th>{escape(texts.t(h))}</th>" for h in ("Day", "Time", "Who"))
        contact = ""
        if client.contact_carer and client.contact_carer in instance.staff_by_id:
            contact = (
                "<p>"
                + escape(
                    texts.t(
                        "Your contact person is {name}.",
                        name=_first_name(instance, client.contact_carer),
                    )
                )
                + "</p>"
            )
        body = (
            f"<h1>{escape(texts.t('Who comes when'))}</h1>"
            f"<p>{escape(texts.t('Dear {name},', name=client.name or client.id))}</p>"
            "<p>"
            + escape(
                texts.t(
                    "These are your visits from {first} to {last}. The times may move a little.",
                    first=texts.long_date(first),
                    last=texts.long_date(last),
                )
            )
            + f"</p><table><tr>{header}</tr>{rows}</table>{contact}"
            f"<p>{escape(texts.t('Questions? Call your home-care team.'))}</p>"
        )
        files[names[client_id]] = (
            f'<!DOCTYPE html><html lang="{texts.lang}"><head><meta charset="utf-8">'
            f"<title>{escape(texts.t('Who comes when'))}</title><style>{STYLE}</style></head>"
            f"<body>{body}</body></html>\n"
        )
    return files


def _first_name(instance: Instance, carer: str) -> str:
    name = instance.staff_by_id[carer].name
    return name.split()[0] if name.strip() else carer
