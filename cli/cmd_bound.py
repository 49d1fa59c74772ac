"""`hemplan bound`: a lower bound on the distinct carers per client that counts the carers' time.

Per 14-day period (the evaluator's) and team, the clients' own bounds summed (what `solve` and
`evaluate` report) and the team's bound from the relaxation of `hemplan.solver.team_bound`,
which may be higher when the clients' covers need the same carers at the same hours. With
`--schedule`, each team's distinct pairs from the evaluator beside both, and their ratios: how
far a plan is from the best any plan could be, measured honestly.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any

import click

from hemplan.cli.run_options import (
    seed_option,
    time_limit_option,
    work_limit_option,
    workers_option,
)
from hemplan.cli.signals import CaughtSignals
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputError, InputProblem, readable
from hemplan.models.contract.schedule import Schedule
from hemplan.models.evaluator import evaluate
from hemplan.models.evaluator.metrics import periods
from hemplan.models.io.load import load_instance, load_schedule
from hemplan.solver.team_bound import TeamBound, team_bounds

EXIT_INTERRUPTED = 130


@click.command("bound")
@click.argument("instance_file", type=click.Path(dir_okay=False))
@time_limit_option(
    300.0,
    0.5,
    "Seconds in all, shared by the periods and the teams; a team stopped by it keeps the bound "
    "proven so far.",
)
@work_limit_option(
    "CP-SAT deterministic work per team and period: the same seed then gives the same bounds "
    "on any machine (the time limit stays a guard)."
)
@workers_option("Processes: teams bounded at once, one CP-SAT worker each.")
@seed_option("Seed of CP-SAT's search.")
@click.option("--allow-borrowing", is_flag=True, help="Carers may serve clients of other teams.")
@click.option(
    "--apart",
    is_flag=True,
    help="Also keep each carer's visits and break apart in time (no two at once): a bound as "
    "high or higher, slower to prove.",
)
@click.option(
    "--schedule",
    "schedule_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="A schedule of the instance: its distinct pairs per team (from the evaluator) and "
    "their ratio to each bound. A schedule made with borrowing (the central methods) is "
    "bounded with borrowing.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
def bound(
    instance_file: str,
    time_limit: float,
    work_limit: float | None,
    workers: int,
    seed: int,
    allow_borrowing: bool,
    apart: bool,
    schedule_file: str | None,
    as_json: bool,
) -> None:
    """Bound the distinct carers per client of INSTANCE_FILE from below, team by team, counting
    each carer's hours (travel left out); valid for every plan that serves every visit some
    carer could serve."""
    instance = load_instance(instance_file)
    met = None
    if schedule_file is not None:
        schedule = load_schedule(schedule_file)
        # a plan made with borrowing is bounded as one: its clients may meet any team's carers
        allow_borrowing = allow_borrowing or schedule.allow_borrowing
        met = _met(instance, schedule, schedule_file, allow_borrowing)
    spans = periods(instance.horizon.days)
    rows: list[dict[str, Any]] = []
    interrupted = False
    signals = CaughtSignals()
    with signals:
        for index, span in enumerate(spans):
            found = team_bounds(
                instance,
                allow_borrowing,
                days=span,
                time_limit=time_limit / len(spans),
                workers=workers,
                seed=seed,
                work_limit=work_limit,
                apart=apart,
            )
            for result in found:
                if result is None:
                    interrupted = True
                    continue
                rows.append(_row(instance, index, span, result, met))
            if interrupted or signals.signum:
                break
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        for line in _lines(rows, met is not None):
            click.echo(readable(line))
    if interrupted or signals.signum:
        click.echo("stopped: the teams not listed were not bounded", err=True)
        sys.exit(signals.exit_code or EXIT_INTERRUPTED)


def _met(
    instance: Instance, schedule: Schedule, schedule_file: str, allow_borrowing: bool
) -> dict[str, list[int]]:
    """Per client, the distinct carers the schedule gives it in each period (the evaluator's
    count); the schedule must be lawful."""
    result = evaluate(instance, schedule, allow_borrowing=allow_borrowing)
    if not result.feasible:
        first = result.violations[0]
        raise InputError(
            [
                InputProblem(
                    schedule_file,
                    "assignments",
                    f"{len(result.violations)} violation(s), the first: {first}; a bound "
                    "compares lawful plans only (`hemplan evaluate` lists them all)",
                )
            ]
        )
    return {c.client: c.distinct_per_period for c in result.clients.values()}


def _row(
    instance: Instance,
    index: int,
    span: range,
    result: TeamBound,
    met: dict[str, list[int]] | None,
) -> dict[str, Any]:
    row: dict[str, Any] = {"days": f"{span.start}-{span.stop - 1}", **asdict(result)}
    row["seconds"] = round(result.seconds, 1)
    if met is not None:
        team = {c.id for c in instance.clients if result.team in ("all", c.team)}
        row["pairs"] = sum(met[c][index] for c in team if c in met)
    return row


def _lines(rows: list[dict[str, Any]], with_pairs: bool) -> list[str]:
    """One line per period and team, then the totals."""
    head = f"{'days':<7} {'team':<12} {'clients':>7} {'clients bound':>13} {'team bound':>10}"
    head += f" {'status':<10} {'s':>6}"
    if with_pairs:
        head += f" {'pairs':>6} {'/clients':>8} {'/team':>6}"
    lines = [head]
    for row in [*rows, _total(rows, with_pairs)]:
        line = (
            f"{row['days']:<7} {row['team']:<12.12} {row['clients']:>7} {row['cover']:>13} "
            f"{row['bound']:>10} {row['status']:<10} {row['seconds']:>6}"
        )
        if with_pairs:
            line += (
                f" {row['pairs']:>6} {_ratio(row['pairs'], row['cover']):>8}"
                f" {_ratio(row['pairs'], row['bound']):>6}"
            )
        lines.append(line)
    return lines


def _total(rows: list[dict[str, Any]], with_pairs: bool) -> dict[str, Any]:
    total: dict[str, Any] = {"days": "all", "team": "total", "status": ""}
    for key in ("clients", "cover", "bound", *(("pairs",) if with_pairs else ())):
        total[key] = sum(row[key] for row in rows)
    total["seconds"] = round(sum(row["seconds"] for row in rows), 1)
    return total


def _ratio(pairs: int, bound: int) -> str:
    return f"{pairs / bound:.3f}" if bound else "-"
