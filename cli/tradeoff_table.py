"""The table and the plot of `hemplan tradeoff`: distinct carers per client against travel,
one row per travel budget and one per reference plan.

Every figure is the evaluator's. Markdown for people, CSV for analysis, a rich table on the
terminal, and a PNG drawn without pyplot.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from hemplan.cli.plot_text import plot_text
from hemplan.cli.tables import Columns, Row, csv_table, markdown_table, plain_cell
from hemplan.models.contract.problems import escape_controls
from hemplan.solver.continuity.tradeoff import TradeoffPoint

COLUMNS: Columns = [
    ("plan", "plan"),
    ("budget_pct", "budget %"),
    ("travel_min", "travel min"),
    ("travel_vs_teams_pct", "travel vs teams-travel %"),
    ("carers_mean", "carers/client mean"),
    ("carers_p90", "p90"),
    ("carers_max", "max"),
    ("indicator_14d", "national 14-day indicator"),
    ("unassigned", "unassigned"),
    ("wall_s", "wall s"),
]


def tradeoff_rows(points: list[TradeoffPoint], teams_travel: int) -> list[Row]:
    """A row per plan; travel also as per cent more (or less) than `teams_travel` minutes;
    `kind` (not a column) says whether the row is a budget's or a reference's."""
    rows: list[Row] = []
    for p in points:
        m = p.result.evaluation.metrics
        d = m.distinct_carers_horizon
        rows.append(
            {
                "plan": p.label,
                "kind": "reference" if p.reference is not None else "budget",
                "budget_pct": p.budget,
                "travel_min": m.travel_minutes,
                "travel_vs_teams_pct": (
                    round(100 * (m.travel_minutes - teams_travel) / teams_travel, 1)
                    if teams_travel
                    else None
                ),
                "carers_mean": None if d is None else d.mean,
                "carers_p90": None if d is None else d.p90,
                "carers_max": None if d is None else d.max,
                "indicator_14d": m.national_indicator_14d,
                "unassigned": m.unassigned_mandatory + m.unassigned_deferrable,
                "wall_s": round(p.wall_s, 1),
            }
        )
    return rows


def markdown(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    return markdown_table(rows, COLUMNS, plain_cell)


def csv_text(rows: list[Row]) -> str:
    """The rows as CSV with the column keys as header (full precision)."""
    return csv_table(rows, COLUMNS)


def print_table(rows: list[Row], title: str) -> None:
    """The rows on the terminal (stdout), as a rich table; its title (the instance's name)
    as written, control characters escaped and no rich markup read in it."""
    table = Table(title=Text(escape_controls(title)), title_justify="left")
    for key, heading in COLUMNS:
        table.add_column(heading, justify="left" if key == "plan" else "right")
    for row in rows:
        table.add_row(*(plain_cell(row[key]) for key, _ in COLUMNS))
    Console(width=160).print(table)


def _number(value: str | int | float | None) -> float:
    return float("nan") if value is None or isinstance(value, str) else float(value)


def plot_png(rows: list[Row], title: str) -> bytes:
    """Distinct carers per client (mean over the horizon) against travel minutes: the budgets
    as one line of labelled points, the reference plans as marked points of their own."""
    from matplotlib.figure import Figure  # here: matplotlib costs every CLI start otherwise

    figure = Figure(figsize=(8, 5), dpi=100)
    axes = figure.subplots()
    curve = [r for r in rows if r["kind"] == "budget"]
    x = [_number(r["travel_min"]) for r in curve]
    y = [_number(r["carers_mean"]) for r in curve]
    axes.plot(x, y, marker="o", color="C0", label="continuity within a travel budget")
    for r, xi, yi in zip(curve, x, y):
        text = "none" if r["budget_pct"] is None else f"{plain_cell(r['budget_pct'])} %"
        axes.annotate(text, (xi, yi), textcoords="offset points", xytext=(6, 4), fontsize=8)
    for r, marker, colour in zip(
        [r for r in rows if r["kind"] == "reference"], ("s", "^", "D"), ("C1", "C2", "C3")
    ):
        axes.plot(
            [_number(r["travel_min"])],
            [_number(r["carers_mean"])],
            marker=marker,
            linestyle="none",
            color=colour,
            label=str(r["plan"]),
        )
    axes.set_xlabel("travel minutes over the horizon")
    axes.set_ylabel("distinct carers per client (mean over the horizon)")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    axes.set_title(plot_text(title))
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
