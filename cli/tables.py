"""Tables of result rows as Markdown (for people) and CSV (for analysis), shared by the
commands that write them (compare, teams --sweep)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

Row = dict[str, str | int | float | None]
Columns = list[tuple[str, str]]  # (key in a row, heading)


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
