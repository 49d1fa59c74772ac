"""Plain-text rendering of metrics for the terminal."""

from __future__ import annotations

import json

from hemplan.models.contract.schedule import Distribution, Metrics, Schedule


def _dist(d: Distribution | None) -> str:
    if d is None:
        return "-"
    return f"mean {d.mean:.2f}  median {d.median:g}  p90 {d.p90:g}  max {d.max:g}"


def _num(value: float | int | None, fmt: str = "{:.2f}") -> str:
    return "-" if value is None else fmt.format(value)


def metrics_lines(m: Metrics) -> list[str]:
    """The metrics as aligned `label  value` lines, continuity first."""
    rows = [
        ("visits assigned", f"{m.assigned} of {m.visits}"),
        ("unassigned", f"{m.unassigned_mandatory} mandatory, {m.unassigned_deferrable} deferrable"),
        ("violations", str(m.violations)),
        ("distinct carers/client (horizon)", _dist(m.distinct_carers_horizon)),
        ("distinct carers/client (14 days)", _dist(m.distinct_carers_14d)),
        ("distinct carers/client (any 14 days)", _dist(m.distinct_carers_sliding_14d)),
        ("worst 14 days of each client", _dist(m.worst_window_14d)),
        ("14 days reaching into the history", _num(m.sliding_14d_into_history)),
        (
            "national 14-day indicator",
            (
                f"{_num(m.national_indicator_14d)} ({m.national_indicator_clients} client-periods "
                "with daily care)"
            ),
        ),
        ("14-day indicator, all clients", _num(m.indicator_14d_all_clients)),
        (
            "lower bound (sum over clients)",
            (
                f"{m.distinct_carers_total} vs bound {m.lower_bound_total} "
                f"(gap {_num(m.gap_to_lower_bound, '{:.1%}')})"
            ),
        ),
        ("contact carer share", _num(m.contact_share, "{:.1%}")),
        ("arrival-time spread (min)", _dist(m.arrival_spread)),
        ("same as the week before", _num(m.week_repeat_share, "{:.1%}")),
        (
            "travel minutes",
            f"{m.travel_minutes} ({_num(m.travel_per_visit, '{:.1f}')} per carer-visit)",
        ),
        (
            "client-time share",
            (
                f"{_num(m.client_time_share, '{:.1%}')} ({m.visit_minutes} visit min / "
                f"{m.paid_shift_minutes} paid min)"
            ),
        ),
        ("borrowed visits", str(m.borrowed_visits)),
    ]
    width = max(len(label) for label, _ in rows)
    return [f"{label:<{width}}  {value}" for label, value in rows]


def summary_json(path: str, schedule: Schedule, first_solution_s: float | None = None) -> str:
    """A machine-readable summary of a written schedule: where, how it was made, its metrics."""
    summary = {
        "schedule": path,
        "solver": schedule.solver.model_dump(mode="json") if schedule.solver else None,
        "first_solution_s": first_solution_s,
        "metrics": schedule.metrics.model_dump(mode="json") if schedule.metrics else None,
    }
    return json.dumps(summary, indent=2)
