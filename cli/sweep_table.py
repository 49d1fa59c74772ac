"""The table and the plot of `hemplan teams --sweep`: continuity and travel against team size.

One row per team count and one for the reference (central-travel on the pool); every figure
from the evaluator. Markdown for people, CSV for analysis, a PNG drawn without pyplot.
"""

from __future__ import annotations

import io

from hemplan.cli.plot_text import plot_text
from hemplan.cli.tables import Row, csv_table, daily_care_carers, markdown_table, plain_cell
from hemplan.solver.teaming.sweep import SweepPoint

COLUMNS: list[tuple[str, str]] = [
    ("plan", "plan"),
    ("teams", "teams"),
    ("team_size", "carers/team"),
    ("unassigned", "unassigned"),
    ("carers_mean", "carers/client mean"),
    ("carers_p90", "p90"),
    ("carers_max", "max"),
    ("indicator_14d", "national 14-day indicator"),
    ("daily_mean", "daily-care clients: carers mean"),
    ("daily_max", "max"),
    ("travel_min", "travel min"),
    ("wall_s", "wall s"),
    ("note", "note"),
]


def sweep_rows(points: list[SweepPoint], daily: set[str]) -> list[Row]:
    """A row per point: the evaluator's figures, or the first reason a split was refused.
    `daily`: the clients with daily care over the horizon (the national indicator's
    population), whose distinct carers over the horizon get their own columns."""
    rows: list[Row] = []
    for p in points:
        row: Row = {k: None for k, _ in COLUMNS}
        row.update(
            plan=p.label,
            teams=p.teams,
            team_size=round(p.team_size, 1),
            wall_s=round(p.wall_s, 1),
            note="",
        )
        if p.result is None:
            row["note"] = "no split: " + (p.refusal[0] if p.refusal else "refused")
        else:
            m = p.result.evaluation.metrics
            d = m.distinct_carers_horizon
            row.update(
                unassigned=m.unassigned_mandatory + m.unassigned_deferrable,
                carers_mean=None if d is None else d.mean,
                carers_p90=None if d is None else d.p90,
                carers_max=None if d is None else d.max,
                indicator_14d=m.national_indicator_14d,
                **daily_care_carers(p.result.evaluation, daily),
                travel_min=m.travel_minutes,
            )
            if p.result.evaluation.violations:
                row["note"] = f"{len(p.result.evaluation.violations)} violations"
            elif p.proposal is not None and p.proposal.short_days:
                short = p.proposal.short_days
                row["note"] = f"{len(short)} team-day(s) short even without travel"
        rows.append(row)
    return rows


def markdown(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    return markdown_table(rows, COLUMNS, plain_cell)


def csv_text(rows: list[Row]) -> str:
    """The rows as CSV with the column keys as header (full precision)."""
    return csv_table(rows, COLUMNS)


def _number(value: str | int | float | None) -> float:
    return float("nan") if value is None or isinstance(value, str) else float(value)


def plot_png(rows: list[Row], title: str) -> bytes:
    """Three panels against carers per team: distinct carers per client (mean, p90, max) and
    the national 14-day indicator; travel minutes; unassigned visits. The reference is a
    dashed line of the same colour as its figure."""
    from matplotlib.figure import Figure  # here: matplotlib costs every CLI start otherwise

    teamed = [r for r in rows if r["teams"] is not None and r["carers_mean"] is not None]
    teamed.sort(key=lambda r: _number(r["team_size"]))
    reference = next((r for r in rows if r["teams"] is None), None)
    figure = Figure(figsize=(13, 4.4), dpi=100)
    carers, travel, unassigned = figure.subplots(1, 3)
    x = [_number(r["team_size"]) for r in teamed]
    panels = [
        (carers, "carers_mean", "mean", "C0"),
        (carers, "carers_p90", "p90", "C1"),
        (carers, "carers_max", "max", "C2"),
        (carers, "indicator_14d", "national 14-day indicator", "C3"),
        (travel, "travel_min", "travel", "C0"),
        (unassigned, "unassigned", "unassigned", "C0"),
    ]
    for axes, key, label, colour in panels:
        y = [_number(r[key]) for r in teamed]
        axes.plot(x, y, marker="o", color=colour, label=label)
        if reference is not None and reference[key] is not None:
            axes.axhline(_number(reference[key]), color=colour, linestyle="--", linewidth=1)
    carers.set_ylabel("distinct carers per client (horizon)")
    travel.set_ylabel("travel minutes")
    unassigned.set_ylabel("unassigned visits")
    for axes in (carers, travel, unassigned):
        axes.set_xlabel("carers per team")
        axes.grid(alpha=0.3)
    carers.legend(fontsize=7, loc="upper right", ncol=2)
    figure.suptitle(
        f"{plot_text(title)}\ncontinuity-first in teams (dots); central-travel on the pool (dashed)"
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
