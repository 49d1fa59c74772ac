"""Distinct carers over the whole horizon for the clients with daily care, per method.

Run: `python -m hemplan.benchmarks.daily_care INSTANCE DIR` after `hemplan compare INSTANCE -o DIR`
(it reads DIR's schedules, one per method). Issue 4 compares central planning with what was
measured before the team model in carers met *per month*; the compare table gives that for
all clients, whose light-care part (a visit a week) cannot meet many carers whatever the
method. This prints it for the population of the national indicator instead: clients with at
least two visits between 07:00 and 22:00 on every day of the horizon
(`hemplan.models.evaluator.metrics.has_daily_care`). The last column is the share of all
carer-visits made by a carer of the client's own team: how far a central plan actually mixes the
teams.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from hemplan.models.evaluator.metrics import has_daily_care
from hemplan.models.io.load import load_instance, load_schedule


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", type=Path)
    parser.add_argument("folder", type=Path, help="output folder of `hemplan compare`")
    args = parser.parse_args()
    instance = load_instance(args.instance)
    horizon = range(instance.horizon.days)
    daily = {c.id for c in instance.clients if has_daily_care(instance, c.id, horizon)}
    client_of = {v.id: v.client for v in instance.visits}
    print(f"{len(daily)} clients with daily care over {instance.horizon.days} days\n")
    if not daily:
        return
    team_of_client = {c.id: c.team for c in instance.clients}
    team_of_carer = {s.id: s.team for s in instance.staff}
    print("| method | mean | median | p90 | max | own-team carer-visits |")
    print("|---|---|---|---|---|---|")
    for path in sorted(args.folder.glob("*.json")):
        met: dict[str, set[str]] = {c: set() for c in daily}
        own = total = 0
        for a in load_schedule(path).assignments:
            client = client_of.get(a.visit)
            if client in met:
                met[client].update(a.carers)
            if client is not None:
                total += len(a.carers)
                own += sum(team_of_carer.get(c) == team_of_client[client] for c in a.carers)
        counts = sorted(len(m) for m in met.values())
        p90 = counts[min(len(counts) - 1, int(0.9 * len(counts)))]
        share = f"{own / total:.1%}" if total else "-"
        print(
            f"| {path.stem} | {statistics.mean(counts):.1f} | {statistics.median(counts):g} "
            f"| {p90} | {counts[-1]} | {share} |"
        )


if __name__ == "__main__":
    main()
