"""Plain-text rendering of metrics for the terminal."""

from __future__ import annotations

import json

from hemplan.models.contract.problems import readable
from hemplan.models.contract.schedule import Metrics, Schedule
from hemplan.models.evaluator.diagnosis import Diagnosis
from hemplan.models.report.summary import metric_rows
from hemplan.models.texts import ENGLISH, Texts

SHOWN_UNASSIGNED = 25  # visits listed after a solve; `hemplan evaluate --json` lists all


def metrics_lines(
    m: Metrics, texts: Texts = ENGLISH, more: list[tuple[str, str]] | None = None
) -> list[str]:
    """The metrics as aligned `label  value` lines, continuity first (the report's rows, in
    the language of `texts`), and `more` rows after them."""
    rows = metric_rows(m, texts) + (more or [])
    width = max(len(label) for label, _ in rows)
    return [f"{label:<{width}}  {value}" for label, value in rows]


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
