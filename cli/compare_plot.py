"""The PNG of `hemplan compare`: how many clients meet how many distinct carers, per method.

Drawn on a matplotlib Figure without pyplot (no display, no global state) into memory, and
written atomically like every other output file.
"""

from __future__ import annotations

import io

from hemplan.cli.plot_text import plot_text
from hemplan.solver.compare import MethodRun


def carers_per_client(run: MethodRun) -> list[int]:
    """Distinct carers over the horizon of every client served by the method."""
    return [c.distinct for c in run.result.evaluation.clients.values() if c.assigned_visits]


def plot_png(runs: list[MethodRun], title: str) -> bytes:
    """A step histogram per method: clients (y) meeting k distinct carers over the horizon (x)."""
    # imported here: matplotlib would cost every CLI start a third of a second
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4.5), dpi=100)
    axes = figure.subplots()
    values = {run.method: carers_per_client(run) for run in runs}
    top = max((max(v) for v in values.values() if v), default=1)
    bins = [k - 0.5 for k in range(1, top + 2)]
    for method, counts in values.items():
        axes.hist(counts, bins=bins, histtype="step", linewidth=1.8, label=method)
    axes.set_xlabel("distinct carers per client over the horizon")
    axes.set_ylabel("clients")
    axes.set_title(plot_text(title))
    axes.legend()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
