"""Plain-text rendering of metrics for the terminal."""

from __future__ import annotations

import json

from hemplan.models.contract.problems import readable
from hemplan.models.contract.schedule import Distribution, Metrics, Schedule
from hemplan.models.evaluator.diagnosis import Diagnosis
from hemplan.models.texts import ENGLISH, Texts

SHOWN_UNASSIGNED = 25  # visits listed after a solve; `hemplan evaluate --json` lists all


def _dist(d: Distribution | None, texts: Texts = ENGLISH) -> str:
    if d is None:
        return "-"
    return texts.t(
        "mean {mean:.2f}  median {median:g}  p90 {p90:g}  max {max:g}",
        mean=d.mean,
        median=d.median,
        p90=d.p90,
        max=d.max,
    )


def _num(value: float | int | None, fmt: str = "{:.2f}") -> str:
    return "-" if value is None else fmt.format(value)


def metrics_lines(m: Metrics, texts: Texts = ENGLISH) -> list[str]:
    """The metrics as aligned `label  value` lines, continuity first (labels in the language
    of `texts`)."""
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
        ("distinct carers/client (horizon)", _dist(m.distinct_carers_horizon, texts)),
        ("distinct carers/client (14 days)", _dist(m.distinct_carers_14d, texts)),
        ("distinct carers/client (any 14 days)", _dist(m.distinct_carers_sliding_14d, texts)),
        ("worst 14 days of each client", _dist(m.worst_window_14d, texts)),
        ("14 days reaching into the history", _num(m.sliding_14d_into_history)),
        (
            "national 14-day indicator",
            t(
                "{value} ({clients} client-periods with daily care)",
                value=_num(m.national_indicator_14d),
                clients=m.national_indicator_clients,
            ),
        ),
        ("14-day indicator, all clients", _num(m.indicator_14d_all_clients)),
        (
            "distinct carers summed over clients",
            t(
                "{total} against a lower bound of {bound} (gap {gap})",
                total=m.distinct_carers_total,
                bound=m.lower_bound_total,
                gap=_num(m.gap_to_lower_bound, "{:.1%}"),
            ),
        ),
        ("contact carer share", _num(m.contact_share, "{:.1%}")),
        ("arrival-time spread (min)", _dist(m.arrival_spread, texts)),
        ("same as the week before", _num(m.week_repeat_share, "{:.1%}")),
        (
            "travel minutes",
            t(
                "{minutes} ({per_visit} per carer-visit)",
                minutes=m.travel_minutes,
                per_visit=_num(m.travel_per_visit, "{:.1f}"),
            ),
        ),
        (
            "client-time share",
            t(
                "{share} ({visit} visit min / {paid} paid min)",
                share=_num(m.client_time_share, "{:.1%}"),
                visit=m.visit_minutes,
                paid=m.paid_shift_minutes,
            ),
        ),
        ("borrowed visits", str(m.borrowed_visits)),
    ]
    rows = [(texts.t(label), value) for label, value in rows]
    width = max(len(label) for label, _ in rows)
    return [f"{label:<{width}}  {value}" for label, value in rows]


def summary_json(
    path: str,
    schedule: Schedule,
    first_solution_s: float | None = None,
    left_out: list[Diagnosis] | None = None,
) -> str:
    """A machine-readable summary of a written schedule: where, how it was made, its metrics,
    and the visits left out with the evaluator's reasons."""
    summary = {
        "schedule": path,
        "solver": schedule.solver.model_dump(mode="json") if schedule.solver else None,
        "first_solution_s": first_solution_s,
        "metrics": schedule.metrics.model_dump(mode="json") if schedule.metrics else None,
        "unassigned": [d.__dict__ for d in left_out or []],
    }
    return json.dumps(summary, indent=2)


def unassigned_lines(
    diagnoses: list[Diagnosis], texts: Texts = ENGLISH, shown: int = SHOWN_UNASSIGNED
) -> list[str]:
    """The visits left out, mandatory first, each with the evaluator's reason and a
    suggestion where there is one (input text escaped: it cannot drive the terminal)."""
    if not diagnoses:
        return []
    mandatory = sum(d.priority == "mandatory" for d in diagnoses)
    lines = [
        texts.t(
            "unassigned: {mandatory} mandatory, {deferrable} deferrable (why, found again by "
            "the evaluator):",
            mandatory=mandatory,
            deferrable=len(diagnoses) - mandatory,
        )
    ]
    for d in diagnoses[:shown]:
        what = d.service or d.visit
        priority = texts.word("priority", d.priority)
        lines.append(readable(f"  {d.when}  {d.client}  {what} ({priority}): {d.reason}"))
        if d.suggestion:
            lines.append(readable(f"      {texts.t('suggestion')}: {d.suggestion}"))
    if len(diagnoses) > shown:
        lines.append(
            "  "
            + texts.t(
                "... and {more} more (`hemplan evaluate --json` lists them all)",
                more=len(diagnoses) - shown,
            )
        )
    return lines


def verdict(unassigned_mandatory: int, texts: Texts = ENGLISH) -> str:
    """What a schedule without violations is: lawful, and how many mandatory visits it leaves."""
    if unassigned_mandatory:
        return texts.t("lawful, {count} mandatory visit(s) unassigned", count=unassigned_mandatory)
    return texts.t("lawful, every mandatory visit planned")
