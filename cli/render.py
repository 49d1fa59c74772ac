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
    m: Metrics, texts: Texts = ENGLISH, extra: list[tuple[str, str]] | None = None
) -> list[str]:
    """The metrics as aligned `label  value` lines, continuity first (the report's rows, in
    the language of `texts`), and `extra` rows after them."""
    rows = metric_rows(m, texts) + (extra or [])
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
