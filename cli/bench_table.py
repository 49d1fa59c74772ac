"""The quality and speed table of `hemplan bench`, as Markdown and CSV, and its scaling plot.

Cells are formatted like `hemplan compare`'s table (`hemplan.cli.compare_table._cell`); the plot is
written through the same atomic byte writer.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from hemplan.benchmarks.harness import Row
from hemplan.cli.compare_table import _cell

COLUMNS: list[tuple[str, str]] = [
    ("instance", "instance"),
    ("method", "method"),
    ("seed", "seed"),
    ("teams", "teams"),
    ("visits", "visits"),
    ("ok", "OK (verified)"),
    ("unassigned", "unassigned"),
    ("carers_mean", "carers/client mean"),
    ("carers_max", "max"),
    ("one_carer_share", "one-carer share"),
    ("lower_bound", "lower bound"),
    ("distinct_total", "distinct total"),
    ("gap", "gap to bound"),
    ("travel_min", "travel min"),
    ("objective", "set objective"),
    ("reference", "reference"),
    ("ref_gap", "gap to reference"),
    ("wall_s", "wall s"),
    ("peak_mb", "peak MB"),
]


def markdown(rows: list[Row]) -> str:
    """The rows as a Markdown table (columns without any value are left out)."""
    used = [(k, h) for k, h in COLUMNS if any(r.get(k) not in (None, "") for r in rows)]
    lines = ["| " + " | ".join(h for _, h in used) + " |", "|" + "---|" * len(used)]
    for row in rows:
        cells = [
            f"{row[k]:+.2%}"
            if k in ("gap", "ref_gap") and isinstance(row[k], float)
            else _cell(row.get(k))
            for k, _ in used
        ]
        lines.append("| " + " | ".join(cells) + " |")
    notes = sorted({str(r["objective_note"]) for r in rows if r.get("objective_note")})
    return (
        "\n".join(lines)
        + "\n"
        + "".join(f"\n- set objective: {n}" for n in notes)
        + ("\n" if notes else "")
    )


def csv_text(rows: list[Row]) -> str:
    """The rows as CSV, every column at full precision."""
    out = io.StringIO()
    keys = [k for k, _ in COLUMNS] + ["objective_note"]
    writer = csv.DictWriter(out, fieldnames=keys, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row[k] for k in keys})
    return out.getvalue()


def scaling_png(rows: list[Row], title: str) -> bytes:
    """Wall time and mean distinct carers per client against visits, one line per method."""
    # imported here: matplotlib would cost every CLI start a third of a second
    from matplotlib.figure import Figure

    by_method: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_method[str(row["method"])].append(row)
    figure = Figure(figsize=(10, 4), dpi=100)
    left, right = figure.subplots(1, 2)
    for method, points in by_method.items():
        points.sort(key=lambda r: int(r["visits"] or 0))
        xs = [r["visits"] for r in points]
        left.plot(xs, [r["wall_s"] for r in points], marker="o", label=method)
        right.plot(xs, [r["carers_mean"] for r in points], marker="o", label=method)
    left.set(xlabel="visits", ylabel="wall time s", title="speed")
    right.set(xlabel="visits", ylabel="distinct carers per client (mean)", title="continuity")
    for axes in (left, right):
        axes.grid(alpha=0.3)
        axes.legend()
    figure.suptitle(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
