"""Tables of result rows as Markdown (for people) and CSV (for analysis), shared by the
commands that write them (compare, teams --sweep)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator import Evaluation
from hemplan.models.evaluator.metrics import has_daily_care

Row = dict[str, str | int | float | None]
Columns = list[tuple[str, str]]  # (key in a row, heading)


def plain_cell(value: str | int | float | None) -> str:
    """A value as the sweep's and the trade-off's tables show it: '-' for none, floats with
    at most two decimals and no trailing zeros, no '|' to break a Markdown row."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value).replace("|", "/")


def markdown_table(
    rows: list[Row], columns: Columns, cell: Callable[[str | int | float | None], str]
) -> str:
    """The rows as a Markdown table, each value shown by `cell`."""
    lines = ["| " + " | ".join(h for _, h in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row[k]) for k, _ in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def csv_table(rows: list[Row], columns: Columns) -> str:
    """The rows as CSV with the column keys as header (full precision)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[k for k, _ in columns], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row[k] is None else row[k] for k, _ in columns})
    return out.getvalue()


def daily_care_clients(instance: Instance) -> set[str]:
    """The clients with daily care over the whole horizon (the national indicator's
    population, taken over the horizon): the clients the Skönsmo figures are about."""
    horizon = range(instance.horizon.days)
    return {c.id for c in instance.clients if has_daily_care(instance, c.id, horizon)}


def daily_care_carers(evaluation: Evaluation, daily: set[str]) -> Row:
    """Mean and max distinct carers over the horizon of the daily-care clients served."""
    met = [
        c.distinct for cid, c in evaluation.clients.items() if cid in daily and c.assigned_visits
    ]
    if not met:
        return {"daily_mean": None, "daily_max": None}
    return {"daily_mean": round(sum(met) / len(met), 2), "daily_max": max(met)}
