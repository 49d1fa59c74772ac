"""The report's head: the evaluator's metrics as a table, and its violations as a warning.

The figures come from the evaluator run on this instance and schedule, never from the
schedule file's own metrics block, which could be stale or from another tool.
"""

from __future__ import annotations

from html import escape

from hemplan.models.contract.schedule import Distribution, Metrics, Schedule
from hemplan.models.evaluator import Evaluation
from hemplan.models.texts import ENGLISH, Texts

MAX_VIOLATIONS = 200


def _dist(d: Distribution | None, texts: Texts) -> str:
    if d is None:
        return "-"
    return texts.t(
        "mean {mean} · median {median} · p90 {p90} · max {max}",
        mean=texts.number(d.mean),
        median=texts.number(d.median, fixed=False),
        p90=texts.number(d.p90, fixed=False),
        max=texts.number(d.max, fixed=False),
    )


def metric_rows(m: Metrics, texts: Texts = ENGLISH) -> list[tuple[str, str]]:
    """The metrics as (label, value), continuity first, in the language of `texts`: the one
    list the report's table and the terminal's summary both show."""
    t = texts.t
    rows = [
        ("visits assigned", t("{assigned} of {visits}", assigned=m.assigned, visits=m.visits)),
        (
            "unassigned",
            t(
                "{mandatory} mandatory, {deferrable} deferrable",
                mandatory=m.unassigned_mandatory,
                deferrable=m.unassigned_deferrable,
            ),
        ),
        ("violations", str(m.violations)),
        ("distinct carers per client (horizon)", _dist(m.distinct_carers_horizon, texts)),
        ("distinct carers per client (14 days)", _dist(m.distinct_carers_14d, texts)),
        ("distinct carers per client (any 14 days)", _dist(m.distinct_carers_sliding_14d, texts)),
        ("worst 14 days of each client", _dist(m.worst_window_14d, texts)),
        ("14 days reaching into the history", texts.number(m.sliding_14d_into_history)),
        (
            "national 14-day indicator",
            t(
                "{value} ({clients} client-periods with daily care)",
                value=texts.number(m.national_indicator_14d),
                clients=m.national_indicator_clients,
            ),
        ),
        ("14-day indicator, all clients", texts.number(m.indicator_14d_all_clients)),
        (
            "distinct carers summed over clients",
            t(
                "{total} against a lower bound of {bound} (gap {gap})",
                total=m.distinct_carers_total,
                bound=m.lower_bound_total,
                gap=texts.percent(m.gap_to_lower_bound),
            ),
        ),
        ("contact carer share", texts.percent(m.contact_share)),
        ("arrival-time spread (min)", _dist(m.arrival_spread, texts)),
        ("same carers and time as the week before", texts.percent(m.week_repeat_share)),
        (
            "travel minutes",
            t(
                "{minutes} ({per_visit} per carer-visit)",
                minutes=m.travel_minutes,
                per_visit=texts.number(m.travel_per_visit, 1),
            ),
        ),
        (
            "client-time share",
            t(
                "{share} ({visit} visit min / {paid} paid min)",
                share=texts.percent(m.client_time_share),
                visit=m.visit_minutes,
                paid=m.paid_shift_minutes,
            ),
        ),
        ("borrowed visits", str(m.borrowed_visits)),
    ]
    if m.tardiness_minutes is not None:  # soft windows only: hard ones are never late
        rows.append(
            (
                "tardiness minutes",
                t(
                    "{minutes} (at most {worst} min late)",
                    minutes=m.tardiness_minutes,
                    worst=m.max_tardiness or 0,
                ),
            )
        )
    return [(t(label), value) for label, value in rows]


def budget_rows(schedule: Schedule, travel: int, texts: Texts = ENGLISH) -> list[tuple[str, str]]:
    """The travel budget the schedule was planned within (`--max-travel-increase`, as its
    solver options record it) and the share of it the plan's `travel` takes (the evaluator's
    minutes); nothing for a schedule planned without one."""
    options = schedule.solver.options if schedule.solver is not None else {}
    budget, increase = options.get("travel_budget"), options.get("max_travel_increase")
    if not isinstance(budget, int | float) or not isinstance(increase, int | float):
        return []
    value = texts.t(
        "{budget} min (the travel-only plan's travel + {increase}), {share} of it used",
        budget=int(budget),
        increase=texts.percent(increase / 100, 0 if float(increase).is_integer() else 1),
        share=texts.percent(travel / budget if budget else None),
    )
    return [(texts.t("travel budget"), value)]


def summary_html(
    evaluation: Evaluation, texts: Texts = ENGLISH, extra: list[tuple[str, str]] | None = None
) -> str:
    """The metrics table (labels in the language of `texts`) with `extra` rows after them,
    preceded by a warning listing the violations if there are any."""
    parts = []
    if evaluation.violations:
        shown = evaluation.violations[:MAX_VIOLATIONS]
        more = len(evaluation.violations) - len(shown)
        items = "".join(f"<li>{escape(str(v))}</li>" for v in shown)
        rest = texts.t("... and {more} more (hemplan evaluate lists them all)", more=more)
        tail = f"<li>{escape(rest)}</li>" if more else ""
        found = texts.t(
            "The evaluator found {count} violation(s): this schedule breaks hard constraints.",
            count=len(evaluation.violations),
        )
        parts.append(
            f'<div class="warn" role="alert"><strong>{escape(found)}</strong>'
            f"<ul>{items}{tail}</ul></div>"
        )
    rows = "".join(
        f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>"
        for k, v in metric_rows(evaluation.metrics, texts) + (extra or [])
    )
    parts.append(f'<table class="metrics">{rows}</table>')
    return "".join(parts)
