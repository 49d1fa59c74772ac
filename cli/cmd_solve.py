"""`hemplan solve`: plan an instance continuity-first and write the verified schedule."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

import hemplan.cli.early  # noqa: F401  first: exit 130/143 on a signal from here on
from hemplan.cli.history_option import history_options, load_with_history
from hemplan.cli.lang_option import lang_option, texts_of
from hemplan.cli.progress import (
    SCORE_COLUMNS,
    ProgressBoard,
    ScoreRows,
    progress_option,
    resolve_mode,
)
from hemplan.cli.render import metrics_lines, summary_json, unassigned_lines, verdict
from hemplan.cli.run_options import (
    seed_option,
    time_limit_option,
    work_limit_option,
    workers_option,
)
from hemplan.cli.signals import CaughtSignals
from hemplan.cli.travel_budget_option import check_method, max_travel_increase_option
from hemplan.cli.weights_option import stable_week_option, weights_option, with_stable_week
from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator.diagnosis import diagnose
from hemplan.models.io.write import write_model
from hemplan.models.report.summary import budget_rows
from hemplan.models.texts import ENGLISH, Texts
from hemplan.solver.continuity.bookings import shared_pools
from hemplan.solver.executors import EXECUTORS
from hemplan.solver.method import SolveOptions, SolveResult
from hemplan.solver.methods import METHODS
from hemplan.solver.score import Weights


@click.command()
@click.argument("instance_file", type=click.Path())
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="Schedule file to write."
)
@time_limit_option(60.0, 0.5, "Seconds in all.")
@workers_option(
    "Processes: teams solved in parallel; with fewer teams than workers each team is "
    "searched again with other seeds and its best plan kept."
)
@seed_option("Seed of every random choice.")
@work_limit_option(
    "Search work per team in CP-SAT deterministic units: the same seed then gives the same "
    "schedule on any machine (the time limit stays a guard). Default: from the time limit."
)
@click.option("--allow-borrowing", is_flag=True, help="Carers may serve clients of other teams.")
@click.option(
    "--borrow-left-out",
    is_flag=True,
    help="continuity: the teams plan alone, then a visit its team leaves out may go to a carer "
    "of another team (the schedule allows borrowing).",
)
@weights_option
@stable_week_option
@max_travel_increase_option
@click.option(
    "--method",
    default="continuity",
    show_default=True,
    type=click.Choice(list(METHODS)),
    help=(
        "continuity, or a baseline: central-travel, central-greedy, teams-travel "
        "(see README, Baselines)."
    ),
)
@click.option(
    "--executor",
    default="local",
    show_default=True,
    type=click.Choice(EXECUTORS),
    help="Where teams run: local processes, or dask (a local cluster unless --scheduler is given).",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="tcp://HOST:PORT",
    help="Run the teams on this existing dask.distributed scheduler (implies --executor dask).",
)
@history_options
@progress_option
@lang_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print a machine-readable summary (JSON) instead of the metrics.",
)
def solve(
    instance_file: str,
    output: str,
    time_limit: float,
    workers: int,
    seed: int,
    work_limit: float | None,
    allow_borrowing: bool,
    borrow_left_out: bool,
    weights: Weights,
    stable_week: bool,
    max_travel_increase: float | None,
    method: str,
    executor: str,
    scheduler: str | None,
    quiet: bool,
    progress_mode: str,
    as_json: bool,
    history_files: tuple[str, ...],
    look_back: int | None,
    lang: str | None,
) -> None:
    """Assign every visit of INSTANCE_FILE to carers of the client's team, fewest carers per client
    first.

    SIGINT (Ctrl-C) or SIGTERM stops the search; the best schedule so far is verified and written,
    and the exit code is 130 or 143."""
    check_method(method, max_travel_increase)
    folder = Path(output).parent
    if not folder.is_dir():  # say so now, not after the whole solve
        raise click.BadParameter(f"folder {folder} does not exist", param_hint="'-o' / '--output'")
    began = time.monotonic()
    signals = CaughtSignals()
    try:
        with signals:
            instance = load_with_history(instance_file, history_files, look_back)
            if not (allow_borrowing or borrow_left_out):
                for line in idle_pool_notes(instance, instance_file):
                    click.echo(line, err=True)
            left = max(0.5, time_limit - (time.monotonic() - began))  # the limit covers loading too
            options = SolveOptions(
                time_limit=left,
                workers=workers,
                seed=seed,
                allow_borrowing=allow_borrowing,
                borrow_left_out=borrow_left_out,
                work_limit=work_limit,
                weights=with_stable_week(weights, stable_week),
                executor=executor,
                scheduler=scheduler,
                source=instance_file,  # every method checks its input first, naming this file
                max_travel_increase=max_travel_increase,
            )
            mode = resolve_mode(progress_mode, quiet)
            with ProgressBoard(
                f"hemplan solve {Path(instance_file).name}", SCORE_COLUMNS, mode
            ) as board:
                # the seconds left, when the clock is what ends the search
                rows = ScoreRows(board, time_limit if work_limit is None else None)
                teams = instance.team_by_id

                def row_of(team: str) -> str:
                    known = teams.get(team)
                    return f"team {known.name} ({team})" if known and known.name else f"team {team}"

                result = METHODS[method].solve(
                    instance, options, lambda event: rows(row_of(event.team), event)
                )
            write_model(output, result.schedule)
    except KeyboardInterrupt:  # before any plan existed, or again while writing (atomic)
        click.echo(f"interrupted: {output} not written", err=True)
        sys.exit(signals.exit_code or 130)
    _summary(output, instance, result, as_json, texts_of(lang), began + time_limit)
    if signals.signum:
        sys.exit(signals.exit_code)


def idle_pool_notes(instance: Instance, source: str) -> list[str]:
    """A note per team without clients (a shared pool of substitutes, `hemplan teams
    --substitutes shared`): without borrowing its carers serve nobody."""
    return [
        f"{source}: note: team {team.id} has no clients; its "
        f"{sum(s.team == team.id for s in instance.staff)} carers serve other teams only with "
        "--borrow-left-out (or --allow-borrowing)"
        for team in shared_pools(instance)
    ]


def _summary(
    output: str,
    instance: Instance,
    result: SolveResult,
    as_json: bool,
    texts: Texts,
    deadline: float,
) -> None:
    """The metrics, the visits left out with the evaluator's reasons (their proofs sought
    until `deadline`: the time limit covers them too), and one line on what was written; or
    the JSON summary (the left-out visits in it too)."""
    info = result.schedule.solver
    assert info is not None
    wording = ENGLISH if as_json else texts
    left_out = diagnose(instance, result.schedule, wording=wording, deadline=deadline)
    if as_json:
        click.echo(summary_json(output, result.schedule, result.first_solution_s, left_out))
        return
    metrics = result.evaluation.metrics
    budget = budget_rows(result.schedule, metrics.travel_minutes, texts)
    for line in metrics_lines(metrics, texts, budget):
        click.echo(line)
    for line in unassigned_lines(left_out, texts):
        click.echo(line)
    click.echo(
        texts.t(
            "{output}: {status}, verified by the evaluator: {verdict}; first plan after "
            "{first:.1f}s, done in {done:.1f}s",
            output=output,
            status=texts.word("status", info.status.lower().replace("_", " ")),
            verdict=verdict(result.evaluation.metrics.unassigned_mandatory, texts),
            first=result.first_solution_s,
            done=info.wall_time_s,
        )
    )
