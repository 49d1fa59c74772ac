"""The comparison table of `hemplan compare`, from the evaluator's metrics of each method.

One row per method; Markdown for people, CSV for analysis. The price of continuity is the
travel of `continuity` relative to the travel-minimising methods on the same instance.
"""

from __future__ import annotations

from hemplan.cli.tables import Row, csv_table, daily_care_carers, markdown_table
from hemplan.models.contract.schedule import Distribution
from hemplan.solver.compare import MethodRun

COLUMNS: list[tuple[str, str]] = [
    ("method", "method"),
    ("unassigned", "unassigned"),
    ("horizon_mean", "carers/client horizon mean"),
    ("horizon_median", "median"),
    ("horizon_p90", "p90"),
    ("horizon_max", "max"),
    ("d14_mean", "carers/client 14d mean"),
    ("d14_median", "median"),
    ("d14_p90", "p90"),
    ("d14_max", "max"),
    ("indicator_14d", "national 14-day indicator"),
    ("daily_mean", "daily-care clients: carers horizon mean"),
    ("daily_max", "max"),
    ("contact_share", "contact-carer share"),
    ("arrival_spread", "arrival spread min (mean)"),
    ("travel_min", "travel min"),
    ("client_time_share", "client-time share"),
    ("wall_s", "wall s"),
]


def _parts(prefix: str, d: Distribution | None) -> Row:
    keys = ("mean", "median", "p90", "max")
    return {f"{prefix}_{k}": (None if d is None else getattr(d, k)) for k in keys}


def table_rows(runs: list[MethodRun], daily: set[str]) -> list[Row]:
    """One row per method, every figure from the evaluator; `daily`: the clients with daily
    care over the horizon, whose distinct carers get their own columns."""
    rows = []
    for run in runs:
        m = run.result.evaluation.metrics
        rows.append(
            {
                "method": run.method,
                "unassigned": m.unassigned_mandatory + m.unassigned_deferrable,
                **_parts("horizon", m.distinct_carers_horizon),
                **_parts("d14", m.distinct_carers_14d),
                "indicator_14d": m.national_indicator_14d,
                **daily_care_carers(run.result.evaluation, daily),
                "contact_share": m.contact_share,
                "arrival_spread": None if m.arrival_spread is None else m.arrival_spread.mean,
                "travel_min": m.travel_minutes,
                "client_time_share": m.client_time_share,
                "wall_s": run.wall_s,
            }
        )
    return rows


def _cell(value: str | float | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def markdown(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    return markdown_table(rows, COLUMNS, _cell)


def csv_text(rows: list[Row]) -> str:
    """The rows as CSV with the column keys as header (full precision)."""
    return csv_table(rows, COLUMNS)


def price_lines(rows: list[Row]) -> list[str]:
    """The travel of `continuity` (and of continuity on proposed teams) against
    `central-travel` and `teams-travel`, where both ran."""
    travel = {str(r["method"]): r["travel_min"] for r in rows}
    lines = []
    for mine in [m for m in travel if m == "continuity" or m.startswith(PROPOSED)]:
        own = travel[mine]
        for other in ("central-travel", "teams-travel"):
            theirs = travel.get(other)
            if isinstance(own, int) and isinstance(theirs, int) and theirs > 0:
                what = "continuity" if mine == "continuity" else mine
                lines.append(
                    f"price of {what}: travel {own} min against {theirs} min of {other} "
                    f"({own / theirs - 1:+.1%})"
                )
    return lines


PROPOSED = "continuity-on-"  # a run of continuity on proposed teams: continuity-on-5-teams


def proposed_label(teams: int) -> str:
    """The name of continuity's run on `teams` proposed teams (table row and schedule file)."""
    return f"{PROPOSED}{teams}-teams"
