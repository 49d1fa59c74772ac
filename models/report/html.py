"""Assemble the report page: one self-contained HTML file with inline CSS, SVG and a little JS.

Nothing is fetched: no fonts, scripts, tiles or images from anywhere (the favicon is an
empty data URL, so even the browser's automatic request stays local). All days are in the
file but one is shown at a time (a small script switches them), so a 14-day district with
50 carers opens quickly; a big report packs each day's charts and maps (`packing`) and the
browser unpacks a day when it is shown. Every text from input files is escaped: names and
notes are user data.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from html import escape

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Route, Schedule
from hemplan.models.contract.version import hemplan_version
from hemplan.models.evaluator import Evaluation
from hemplan.models.evaluator.diagnosis import Diagnosis, diagnose
from hemplan.models.exports.carer_days import carer_routes, co_carers, day_date
from hemplan.models.report.continuity import continuity_tables
from hemplan.models.report.gantt import gantt_svg
from hemplan.models.report.maps import map_defs, route_map, team_frames
from hemplan.models.report.packing import UNPACK_SCRIPT, pack, should_pack
from hemplan.models.report.palette import client_classes, palette_css
from hemplan.models.report.summary import budget_rows, summary_html
from hemplan.models.texts import ENGLISH, Texts

CONTINUITY_LEGEND = (
    "Cells: visits by each carer (darker = closer to the client's most frequent carer; red "
    "headers: borrowed carers). carers in red: above the lower bound. 14d: the 14-day "
    "indicator per period, bold where the client has daily care (the national indicator's "
    "population). Clients worst first; the contact carer is outlined."
)
PACKED_NOTE = (
    "The days are packed to keep the file small: a day is drawn when it is shown; the button "
    "draws every day and prints them."
)
WEEK_LEGEND = (
    "Visit minutes per carer and shift; idle: a shift without visits; marked days have visits "
    "left out."
)

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5em 2em;color:#222}
h1{margin:.6em 0 .2em}h2{border-bottom:2px solid #ccc;margin-top:1.6em}small{color:#666}
table{border-collapse:collapse}th,td{padding:2px 6px;text-align:left}
.metrics th{font-weight:normal;color:#555}.metrics td{font-weight:600}
.warn{background:#fff3cd;border:1px solid #e0b000;padding:.5em 1em;margin:1em 0}
.warn ul{max-height:14em;overflow:auto;font:12px monospace}
#days{position:sticky;top:0;background:#fff;padding:.4em 0;z-index:1}
#days button{margin:1px;padding:3px 7px;border:1px solid #999;background:#f4f4f4;cursor:pointer}
#days button.on{background:#225;color:#fff}
.scroll{overflow-x:auto}
svg text{font-size:11px;fill:#222}svg .team{font-weight:700}svg .hl{text-anchor:middle;fill:#666}
.hr{stroke:#ddd}.sh{fill:#eef3f8;stroke:#c8d4e0}.tr{fill:#444}\
.br{fill:#bbb;stroke:#888;stroke-dasharray:2 2}
.v{stroke:#fff;stroke-width:.5}.v.d{stroke:#000;stroke-width:2}
.legend span{display:inline-block;margin-right:1.2em}\
.legend i{display:inline-block;width:18px;height:10px;
margin-right:4px;vertical-align:middle}
.lsh{background:#eef3f8;border:1px solid #c8d4e0}.ltr{background:#444;height:4px!important}
.lbr{background:#bbb;border:1px dashed #888}.ld{background:#9ab;border:2px solid #000}
.maps{display:flex;flex-wrap:wrap;gap:8px}.map{margin:0;border:1px solid #ddd;padding:2px}
.map figcaption{font-size:11px;max-width:200px}.map polyline{fill:none;stroke:#333;stroke-width:1.2}
.map circle{stroke:#000;stroke-width:.6}.bg circle{fill:#ccc;stroke:none}.office{fill:#225}
.defs{position:absolute}
.heat td,.heat th{border:1px solid #e4e4e4;font-size:12px}\
.heat td{text-align:center;min-width:1.6em}
.heat th.vert{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:normal}\
.borrowed{color:#b00}
.heat .client{white-space:nowrap;font-weight:normal}\
.sw{display:inline-block;width:10px;height:10px;margin-right:4px}
.h1{background:#e3eef9}.h2{background:#c1d9f0}.h3{background:#8fbbe3}.h4{background:#5a97d1;color:#111}
.h5{background:#2a6cb3;color:#fff}.pop{font-weight:700}.out{color:#767676}.over{color:#b00;font-weight:700}
.unassigned td{font-size:12px}
#days button.bad{border-color:#b00;color:#b00;font-weight:700}
#days button.bad.on{background:#225;color:#fff}
.week td,.week th{border:1px solid #e4e4e4;font-size:12px;text-align:right}
.week th:first-child{text-align:left}
.week th.bad{color:#b00}.week td.idle,svg .idle{color:#9a4f00;fill:#9a4f00;font-style:italic}
svg .bl{font-size:10px;fill:#111;pointer-events:none}.heat td.contact{outline:2px solid #222}
@media print{#days,.noprint{display:none}section.day,section.day[hidden]{display:block!important}
h2{break-before:page}.scroll{overflow:visible}section.day{break-inside:avoid-page}body{margin:0}}
"""

SCRIPT = (
    "(function(){"
    + UNPACK_SCRIPT
    + """var b=document.querySelectorAll('#days button'),\
s=document.querySelectorAll('section.day');
function show(k){s.forEach(function(e){var on=e.getAttribute('data-day')===k;e.hidden=!on;
if(on){unpack(e);}});
b.forEach(function(e){e.classList.toggle('on',e.getAttribute('data-day')===k);});}
b.forEach(function(e){e.addEventListener('click',function(){show(e.getAttribute('data-day'));});});
var all=document.getElementById('print-all');
if(all){all.addEventListener('click',function(){
Promise.all(Array.prototype.map.call(s,unpack)).then(function(){window.print();});});}
if(b.length){show(b[0].getAttribute('data-day'));}})();
"""
)


def _legend(texts: Texts) -> str:
    t = texts.t
    return (
        f'<p class="legend"><span><i class="lsh"></i>{escape(t("shift"))}</span>'
        f'<span><i class="ltr"></i>{escape(t("travel"))}</span>'
        f'<span><i class="lbr"></i>{escape(t("break"))}</span>'
        f'<span><i class="ld"></i>{escape(t("double-staffed visit"))}</span>'
        f"<span>{escape(t('visits are coloured by client; hover for details'))}</span></p>"
    )


def _day_title(instance: Instance, day: int, texts: Texts) -> str:
    when = day_date(instance, day)
    return f"{texts.long_date(when)} ({texts.t('day {day}', day=day)})"


def _unassigned(left_out: list[Diagnosis], texts: Texts) -> dict[int, list[str]]:
    """Rows of a table of unserved visits (the evaluator's reason and suggestion), by the
    first day each visit could be done."""
    rows: dict[int, list[str]] = defaultdict(list)
    for d in left_out:
        why = escape(d.reason) + (f"<br><i>{escape(d.suggestion)}</i>" if d.suggestion else "")
        rows[d.day].append(
            f"<tr><td>{escape(d.when)}</td><td>{escape(d.client)}</td>"
            f"<td>{escape(d.service or d.visit)}</td>"
            f"<td>{escape(texts.word('priority', d.priority))}</td><td>{why}</td></tr>"
        )
    return rows


def _week_overview(
    instance: Instance,
    by_day: dict[int, dict[str, Route]],
    problems: dict[int, list[str]],
    texts: Texts,
) -> str:
    """Carers x days: visit minutes per shift, idle shifts marked, days with visits left out
    marked in the header (the week at a glance, before the day-by-day charts)."""
    days = range(instance.horizon.days)
    head = "".join(
        f'<th class="{"bad" if problems.get(d) else ""}">'
        f"{escape(texts.short_date(day_date(instance, d)))}"
        f"{f'<br>{len(problems[d])} ' + escape(texts.t('out')) if problems.get(d) else ''}</th>"
        for d in days
    )
    rows = []
    for carer in sorted(instance.staff, key=lambda s: (s.team, s.id)):
        cells = []
        for d in days:
            shift = carer.shift_by_day.get(d)
            route = by_day[d].get(carer.id)
            if shift is None:
                cells.append("<td></td>")
                continue
            minutes = (
                sum(st.end - st.start for st in route.stops if st.kind == "visit") if route else 0
            )
            if minutes == 0:
                cells.append(
                    f'<td class="idle" title="{escape(texts.t("a shift without visits"))}">'
                    f"{escape(texts.t('idle'))}</td>"
                )
            else:
                cells.append(
                    f'<td title="{escape(texts.t("visit minutes of the shift"))}">{minutes}</td>'
                )
        rows.append(
            f"<tr><th>{escape(carer.name or carer.id)} <small>{escape(carer.id)}</small></th>"
            f"{''.join(cells)}</tr>"
        )
    return (
        f'<div class="scroll"><table class="week"><tr><th>{escape(texts.t("carer"))}</th>'
        f"{head}</tr>{''.join(rows)}</table></div>"
    )


def _day_button(instance: Instance, day: int, left_out: int, texts: Texts) -> str:
    """A day's button; a day with visits left out is marked and says how many."""
    label = escape(texts.short_date(day_date(instance, day)))
    if not left_out:
        return f'<button type="button" data-day="{day}">{label}</button>'
    return (
        f'<button type="button" data-day="{day}" class="bad" '
        f'title="{escape(texts.t("visits left out"))}">{label} ({left_out})</button>'
    )


def _day_section(
    instance: Instance,
    day: int,
    routes: dict[str, Route],
    partners: dict[str, list[str]],
    classes: dict[str, str],
    unassigned: list[str],
    maps: list[str],
    texts: Texts,
) -> str:
    """A day's charts, visits left out and route maps (the section's body, inline or
    packed)."""
    t = texts.t
    missing = ""
    if unassigned:
        heads = "".join(
            f"<th>{escape(t(h))}</th>"
            for h in ("when", "client", "service", "priority", "why (found again by the evaluator)")
        )
        missing = (
            f"<h4>{escape(t('Unassigned'))} ({len(unassigned)})</h4>"
            f'<table class="unassigned"><tr>{heads}</tr>{"".join(unassigned)}</table>'
        )
    return (
        f'{_legend(texts)}<div class="scroll">'
        f"{gantt_svg(instance, day, routes, partners, classes, texts)}"
        f'</div>{missing}<h4>{escape(t("Routes"))}</h4><div class="maps">{"".join(maps)}</div>'
    )


def _section(instance: Instance, day: int, body: str, texts: Texts) -> str:
    hidden = "" if day == 0 else " hidden"
    return (
        f'<section class="day" data-day="{day}" id="day-{day}"{hidden}>'
        f"<h3>{escape(_day_title(instance, day, texts))}</h3>{body}</section>"
    )


def report_page(
    instance: Instance,
    schedule: Schedule,
    evaluation: Evaluation,
    texts: Texts = ENGLISH,
    packed: bool | None = None,
) -> str:
    """The whole report as one HTML document, its texts in the language of `texts`; the days
    packed when `packed` (None: when they are big, see `packing`)."""
    t = texts.t
    classes = client_classes(instance)
    partners = co_carers(schedule)
    frames = team_frames(instance, schedule)
    by_day: dict[int, dict[str, Route]] = defaultdict(dict)
    for carer, routes in carer_routes(schedule).items():
        for route in routes:
            by_day[route.day][carer] = route
    unassigned = _unassigned(diagnose(instance, schedule, wording=texts), texts)
    days = range(instance.horizon.days)
    buttons = "".join(_day_button(instance, d, len(unassigned.get(d, [])), texts) for d in days)
    bodies = [
        _day_section(
            instance,
            d,
            by_day[d],
            partners,
            classes,
            unassigned.get(d, []),
            [route_map(instance, r, frames, classes, texts) for _, r in sorted(by_day[d].items())],
            texts,
        )
        for d in days
    ]
    packing = should_pack([len(body) for body in bodies], packed)
    sections = "".join(
        _section(instance, d, pack(body) if packing else body, texts)
        for d, body in zip(days, bodies, strict=True)
    )
    print_all = (
        f'<p class="noprint"><button type="button" id="print-all">'
        f"{escape(t('Print every day'))}</button> "
        f"<small>{escape(t(PACKED_NOTE))}</small></p>"
        if packing
        else ""
    )
    last = instance.horizon.start_date + timedelta(days=instance.horizon.days - 1)
    made = schedule.solver
    made_by = (
        " · "
        + t(
            "schedule by {method} ({status}, seed {seed})",
            method=made.method,
            status=texts.word("status", made.status.lower().replace("_", " ")),
            seed=made.seed,
        )
        if made
        else ""
    )
    name = escape(instance.name or "instance")
    period = t(
        "{first} to {last} ({days} days)",
        first=texts.long_date(instance.horizon.start_date),
        last=texts.long_date(last),
        days=instance.horizon.days,
    )
    counts = t(
        "{teams} team(s) · {carers} carers · {clients} clients · {visits} visits",
        teams=len(instance.teams),
        carers=len(instance.staff),
        clients=len(instance.clients),
        visits=len(instance.visits),
    )
    title = escape(t("hemplan report"))
    budget = budget_rows(schedule, evaluation.metrics.travel_minutes, texts)  # when one was set
    summary = summary_html(evaluation, texts, budget)
    return (
        f'<!DOCTYPE html><html lang="{texts.lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{title}: {name}</title>"
        f'<link rel="icon" href="data:,"><style>{CSS}{palette_css(instance)}</style></head><body>'
        f"<header><h1>{title}: {name}</h1><p>{escape(period)} · {escape(counts)}"
        f"{escape(made_by)} · hemplan {escape(hemplan_version())}</p></header>"
        f'<section id="summary"><h2>{escape(t("Summary"))}</h2>{summary}</section>'
        f'<section id="week"><h2>{escape(t("The period at a glance"))}</h2>'
        f'<p class="legend">{escape(t(WEEK_LEGEND))}</p>'
        f"{_week_overview(instance, by_day, unassigned, texts)}</section>"
        f'<section id="plan"><h2>{escape(t("Day by day"))}</h2><nav id="days">{buttons}</nav>'
        f"{print_all}{map_defs(instance, frames)}{sections}</section>"
        f'<section id="continuity"><h2>{escape(t("Continuity per client"))}</h2>'
        f'<p class="legend">{escape(t(CONTINUITY_LEGEND))}</p>'
        f"{continuity_tables(instance, evaluation, classes, texts)}</section>"
        f"<script>{SCRIPT}</script></body></html>\n"
    )
