"""The report's head: the evaluator's metrics as a table, and its violations as a warning.

The figures come from the evaluator run on this instance and schedule, never from the
schedule file's own metrics block, which could be stale or from another tool.
"""

from __future__ import annotations

from html import escape

from hemplan.models.contract.schedule import Distribution, Metrics
from hemplan.models.evaluator import Evaluation
from hemplan.models.texts import ENGLISH, Texts

MAX_VIOLATIONS = 200


def _dist(d: Distribution | None) -> str:
    return (
        "-"
        if d is None
        else f"mean {d.mean:.2f} · median {d.median:g} · p90 {d.p90:g} · max {d.max:g}"
    )


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _num(value: float | None, fmt: str = "{:.2f}") -> str:
    return "-" if value is None else fmt.format(value)


def metric_rows(m: Metrics) -> list[tuple[str, str]]:
    """The metrics as (label, value), continuity first."""
    return [
        ("visits assigned", f"{m.assigned} of {m.visits}"),
        ("unassigned", f"{m.unassigned_mandatory} mandatory, {m.unassigned_deferrable} deferrable"),
        ("violations", str(m.violations)),
        ("distinct carers per client (horizon)", _dist(m.distinct_carers_horizon)),
        ("distinct carers per client (14 days)", _dist(m.distinct_carers_14d)),
        ("distinct carers per client (any 14 days)", _dist(m.distinct_carers_sliding_14d)),
        ("worst 14 days of each client", _dist(m.worst_window_14d)),
        ("14 days reaching into the history", _num(m.sliding_14d_into_history)),
        (
            "national 14-day indicator",
            f"{_num(m.national_indicator_14d)} "
            f"({m.national_indicator_clients} client-periods with daily care)",
        ),
        ("14-day indicator, all clients", _num(m.indicator_14d_all_clients)),
        (
            "distinct carers vs lower bound",
            f"{m.distinct_carers_total} vs {m.lower_bound_total} "
            f"(gap {_pct(m.gap_to_lower_bound)})",
        ),
        ("contact carer share", _pct(m.contact_share)),
        ("same carers and time as the week before", _pct(m.week_repeat_share)),
        (
            "travel minutes",
            f"{m.travel_minutes} ({_num(m.travel_per_visit, '{:.1f}')} per carer-visit)",
        ),
        (
            "client-time share",
            f"{_pct(m.client_time_share)} ({m.visit_minutes} visit min / "
            f"{m.paid_shift_minutes} paid min)",
        ),
        ("borrowed visits", str(m.borrowed_visits)),
    ]


def summary_html(evaluation: Evaluation, texts: Texts = ENGLISH) -> str:
    """The metrics table (labels in the language of `texts`), preceded by a warning listing
    the violations if there are any."""
    parts = []
    if evaluation.violations:
        shown = evaluation.violations[:MAX_VIOLATIONS]
        more = len(evaluation.violations) - len(shown)
        items = "".join(f"<li>{escape(str(v))}</li>" for v in shown)
        tail = f"<li>... and {more} more (hemplan evaluate lists them all)</li>" if more else ""
        parts.append(
            f'<div class="warn" role="alert"><strong>The evaluator found '
            f"{len(evaluation.violations)} violation(s): this schedule breaks hard constraints."
            f"</strong><ul>{items}{tail}</ul></div>"
        )
    rows = "".join(
        f"<tr><th>{escape(texts.t(k))}</th><td>{escape(v)}</td></tr>"
        for k, v in metric_rows(evaluation.metrics)
    )
    parts.append(f'<table class="metrics">{rows}</table>')
    return "".join(parts)
