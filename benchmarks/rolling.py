"""Planning period after period: with the history, alone, or the whole horizon at once.

Run: `python -m hemplan.benchmarks.rolling [--instance district-28d] [--period 14]
[--work-limit 10] [--seed 0]` (or `--generate-days 56` for the bundled district's settings
over 56 days). The horizon is cut into consecutive periods; each is planned by `hemplan
solve`'s continuity method at `--work-limit` per team, either alone or with the schedules of
the earlier periods as its history (what `hemplan next` does), and the whole horizon is
planned at once at the same total work (`--work-limit` x the number of periods). The
periods' schedules are joined into one schedule of the whole horizon, verified by the
evaluator, and its 14-day windows counted: those inside one period and those that cross a
boundary between periods.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections import defaultdict
from datetime import timedelta
from typing import Any

from hemplan.benchmarks.quality import INSTANCES
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Schedule
from hemplan.models.evaluator import evaluate
from hemplan.models.evaluator.windows import WINDOW_DAYS
from hemplan.models.generator import generate_instance
from hemplan.models.io.history import from_schedule, with_history
from hemplan.models.io.load import load_instance
from hemplan.models.io.patterns import expand_patterns
from hemplan.solver.method import SolveOptions
from hemplan.solver.methods import solve

MODES = ("at once", "alone", "with history")


def period_instance(instance: Instance, first: int, days: int) -> Instance:
    """Days `first`..`first + days - 1` of an expanded instance as an instance of its own
    (same ids; a visit belongs to the period of its first allowed day)."""
    last = first + days - 1
    data = instance.model_dump(by_alias=True, exclude={"staff", "visits", "patterns", "history"})
    data["name"] = f"{instance.name} days {first}-{last}"
    data["horizon"] = {
        "start_date": instance.horizon.start_date + timedelta(days=first),
        "days": days,
    }
    data["staff"] = [
        s.model_dump(by_alias=True)
        | {
            "shifts": [
                sh.model_dump(by_alias=True) | {"day": sh.day - first}
                for sh in s.shifts
                if first <= sh.day <= last
            ]
        }
        for s in instance.staff
    ]
    data["visits"] = [
        v.model_dump(by_alias=True)
        | {
            "day": v.day - first,
            "last_day": None if v.last_day is None else min(v.last_day, last) - first,
        }
        for v in instance.visits
        if first <= v.day <= last
    ]
    return Instance.model_validate(data)


def joined(parts: list[tuple[int, Schedule]], name: str) -> Schedule:
    """The periods' schedules as one schedule of the whole horizon (days shifted back)."""
    assignments = [
        a.model_copy(update={"day": a.day + first}) for first, s in parts for a in s.assignments
    ]
    routes = [r.model_copy(update={"day": r.day + first}) for first, s in parts for r in s.routes]
    unassigned = [u for _, s in parts for u in s.unassigned]
    return Schedule(instance=name, assignments=assignments, routes=routes, unassigned=unassigned)


def window_means(
    instance: Instance, schedule: Schedule, period: int
) -> tuple[dict[str, Any], dict[int, float]]:
    """The evaluator's figures of the joined schedule, and the mean distinct carers of each
    14-day window (by its first day)."""
    evaluation = evaluate(instance, schedule)
    assert not evaluation.violations, evaluation.violations[:5]
    per_start: dict[int, list[int]] = defaultdict(list)
    for client in evaluation.clients.values():
        for start, count in client.sliding.items():
            per_start[start].append(count)
    means = {s: sum(v) / len(v) for s, v in sorted(per_start.items())}
    m = evaluation.metrics
    figures = {
        "horizon": m.distinct_carers_horizon.mean if m.distinct_carers_horizon else 0.0,
        "unassigned": m.unassigned_mandatory,
        "travel": m.travel_minutes,
    }
    return figures, means


def run(instance: Instance, period: int, work_limit: float, seed: int) -> dict[str, Any]:
    """Every mode's figures on `instance` cut into periods of `period` days."""
    count = instance.horizon.days // period
    options = SolveOptions(time_limit=3600, workers=2, seed=seed, work_limit=work_limit)
    results: dict[str, Any] = {}
    whole = solve(instance, dataclasses.replace(options, work_limit=work_limit * count))
    results["at once"] = window_means(instance, whole.schedule, period)
    for mode in MODES[1:]:
        parts: list[tuple[int, Schedule]] = []
        for k in range(count):
            part = period_instance(instance, k * period, period)
            if mode == "with history" and parts:
                past = [
                    v
                    for first, s in parts
                    for v in from_schedule(s, f"period from day {first}", part)[0]
                ]
                part = with_history(part, past, WINDOW_DAYS)
            parts.append((k * period, solve(part, options).schedule))
        results[mode] = window_means(instance, joined(parts, instance.name), period)
    return results


def table(results: dict[str, Any], period: int, days: int) -> list[str]:
    """One Markdown row per mode: windows inside a period, windows across a boundary."""
    lines = [
        "| plan | 14-day windows inside a period | across a boundary | worst window (mean) "
        "| distinct carers over the horizon | unassigned | travel |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode in MODES:
        figures, means = results[mode]
        inside = [m for s, m in means.items() if s // period == (s + WINDOW_DAYS - 1) // period]
        across = [m for s, m in means.items() if s // period != (s + WINDOW_DAYS - 1) // period]
        lines.append(
            f"| {mode} | {_avg(inside)} | {_avg(across)} | {max(means.values()):.2f} "
            f"| {figures['horizon']:.2f} | {figures['unassigned']} | {figures['travel']:,} |"
        )
    return lines


def _avg(values: list[float]) -> str:
    return f"{sum(values) / len(values):.2f}" if values else "-"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--instance", default="district-28d")
    parser.add_argument("--generate-days", type=int, default=None)
    parser.add_argument("--period", type=int, default=14)
    parser.add_argument("--work-limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.generate_days:
        instance = expand_patterns(
            generate_instance(
                5, 26, 10, args.generate_days, 1, name=f"district-{args.generate_days}d"
            )
        )
    else:
        path = INSTANCES / f"{args.instance}.json"
        instance = load_instance(path if path.exists() else args.instance)
    results = run(instance, args.period, args.work_limit, args.seed)
    for line in table(results, args.period, instance.horizon.days):
        print(line)
    for mode in MODES:
        means = results[mode][1]
        print(mode, " ".join(f"{s}:{m:.2f}" for s, m in means.items()))


if __name__ == "__main__":
    main()
