"""A day's Gantt chart: one row per working carer, grouped by team, as inline SVG.

The shift is a pale band; travel a thin dark bar, the break a hatched-grey box, visits boxes
in the client's colour with a black outline when double-staffed and the client's name on the
bar where it fits; a shift without any visit says so (idle capacity). Each box has a tooltip
(`<title>`) with times, client, service and partner. One minute is one pixel-ish, so a day
of 50 carers stays a few tens of kilobytes.
"""

from __future__ import annotations

from html import escape

from hemplan.models.contract.clock import MINUTES_PER_DAY, format_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Route
from hemplan.models.exports.carer_days import segments
from hemplan.models.texts import ENGLISH, Texts

LABEL = 170  # px for the carer names ...
LABEL_CHARS = 27  # ... which are cut to fit (the full name is the tooltip)
PX_PER_MIN = 1.0
ROW = 18
BAR = 14
TEAM_ROW = 20
AXIS = 22
# the chart never spans more than these minutes, whatever a schedule's figures say (exports'
# `check_matches` refuses figures over a day; this keeps the page's size bounded regardless)
EARLIEST = -MINUTES_PER_DAY
LATEST = 2 * MINUTES_PER_DAY


def _hour_span(instance: Instance, day: int, routes: dict[str, Route]) -> tuple[int, int]:
    """The chart's time range: whole hours covering every shift and route of the day."""
    starts, ends = [], []
    for s in instance.staff:
        shift = s.shift_by_day.get(day)
        if shift:
            starts.append(shift.start)
            ends.append(shift.end)
    for route in routes.values():
        parts = segments(route)
        if parts:
            starts.append(parts[0].start)
            ends.append(parts[-1].end)
    if not starts:
        return 7 * 60, 16 * 60
    first = max(EARLIEST, min(LATEST, min(starts)))
    last = max(first, min(LATEST, max(ends)))
    return first // 60 * 60, -(-last // 60) * 60


def _box(cls: str, x0: float, x1: float, y: float, h: float, title: str = "") -> str:
    tip = f"<title>{escape(title)}</title>" if title else ""
    body = (
        f'<rect class="{cls}" x="{x0:.0f}" y="{y:.0f}" '
        f'width="{max(x1 - x0, 1):.0f}" height="{h:.0f}"'
    )
    return f"{body}>{tip}</rect>" if tip else f"{body}/>"


def _bar_label(instance: Instance, client_id: str, x0: float, x1: float, y: float) -> str:
    """The client's name on its bar, cut to the bar's width (about 6 px a character)."""
    client = instance.client_by_id[client_id]
    name = client.name or client.id
    room = int((x1 - x0 - 4) // 6)
    if room < 2:
        return ""
    shown = name if len(name) <= room else name[: room - 1] + "…"
    return f'<text class="bl" x="{x0 + 2:.0f}" y="{y + 13}">{escape(shown)}</text>'


def _visit_tip(
    instance: Instance,
    visit_id: str,
    carer: str,
    start: int,
    end: int,
    partners: dict[str, list[str]],
    texts: Texts,
) -> str:
    visit = instance.visit_by_id[visit_id]
    client = instance.client_by_id[visit.client]
    others = [c for c in partners.get(visit_id, []) if c != carer]
    tip = (
        f"{format_clock(start)}-{format_clock(end)} {client.name or client.id} ({client.id}): "
        f"{visit.service or texts.t('visit')} [{visit_id}]"
    )
    return tip + (" " + texts.t("with {names}", names=", ".join(others)) if others else "")


def gantt_svg(
    instance: Instance,
    day: int,
    routes: dict[str, Route],
    partners: dict[str, list[str]],
    classes: dict[str, str],
    texts: Texts = ENGLISH,
) -> str:
    """The SVG chart of `day`; `routes` are that day's routes by carer (stops in time order);
    its tooltips and notes in the language of `texts`."""
    t0, t1 = _hour_span(instance, day, routes)
    width = LABEL + (t1 - t0) * PX_PER_MIN + 10

    def x(minutes: int) -> float:
        return LABEL + (min(max(minutes, t0), t1) - t0) * PX_PER_MIN

    rows: list[str] = []
    y = AXIS
    for team in instance.teams:
        crew = [
            s
            for s in instance.staff
            if s.team == team.id and (day in s.shift_by_day or s.id in routes)
        ]
        if not crew:
            continue
        rows.append(f'<text class="team" x="4" y="{y + 14}">{escape(team.name or team.id)}</text>')
        y += TEAM_ROW
        for carer in sorted(crew, key=lambda s: s.id):
            top = y + (ROW - BAR) / 2
            label = f"{carer.name} ({carer.id})" if carer.name else carer.id
            short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
            rows.append(
                f'<text x="4" y="{y + 13}">{escape(short)}<title>{escape(label)}</title></text>'
            )
            shift = carer.shift_by_day.get(day)
            if shift:
                rows.append(
                    _box(
                        "sh",
                        x(shift.start),
                        x(shift.end),
                        top,
                        BAR,
                        f"{texts.t('shift')} {format_clock(shift.start)}-{format_clock(shift.end)}",
                    )
                )
            route = routes.get(carer.id)
            if shift and not (route and route.stops):  # a whole shift without a visit
                rows.append(
                    f'<text class="idle" x="{x(shift.start) + 4:.0f}" y="{y + 13}">'
                    f"{escape(texts.t('idle: no visits this shift'))}</text>"
                )
            for part in segments(route) if route else []:
                if part.kind == "travel":
                    rows.append(_box("tr", x(part.start), x(part.end), top + BAR / 2 - 2, 4))
                elif part.kind == "break":
                    rows.append(
                        _box(
                            "br",
                            x(part.start),
                            x(part.end),
                            top,
                            BAR,
                            f"{texts.t('break')} "
                            f"{format_clock(part.start)}-{format_clock(part.end)}",
                        )
                    )
                elif part.kind == "visit" and part.stop and part.stop.visit:
                    visit = instance.visit_by_id[part.stop.visit]
                    cls = f"v {classes[visit.client]}" + (
                        " d" if len(partners.get(visit.id, [])) > 1 else ""
                    )
                    rows.append(
                        _box(
                            cls,
                            x(part.start),
                            x(part.end),
                            top,
                            BAR,
                            _visit_tip(
                                instance,
                                visit.id,
                                carer.id,
                                part.start,
                                part.end,
                                partners,
                                texts,
                            ),
                        )
                    )
                    rows.append(_bar_label(instance, visit.client, x(part.start), x(part.end), y))
            y += ROW
    axis = []
    for hour in range(t0 // 60, t1 // 60 + 1):
        hx = x(hour * 60)
        axis.append(
            f'<line class="hr" x1="{hx:.0f}" x2="{hx:.0f}" y1="{AXIS - 4}" y2="{y}"/>'
            f'<text class="hl" x="{hx:.0f}" y="{AXIS - 8}">{hour:02d}</text>'
        )
    return (
        f'<svg class="gantt" width="{width:.0f}" height="{y + 4}" '
        f'viewBox="0 0 {width:.0f} {y + 4}" '
        f'role="img" aria-label="{escape(texts.t("Gantt chart, day {day}", day=day))}">'
        f"{''.join(axis)}{''.join(rows)}</svg>"
    )
