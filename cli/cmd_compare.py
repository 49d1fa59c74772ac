"""`hemplan compare`: every planning method on one instance, one table, one plot.

Each method gets the same time limit, seed and workers; each schedule is verified by the
evaluator (a violation stops the run as a solver bug). Writes DIR/compare.md,
DIR/compare.csv, DIR/carers_per_client.png and DIR/<method>.json, all atomically.

SIGINT (Ctrl-C) or SIGTERM stops the comparison as a whole: the running method keeps its best
plan, verified, the methods not started are not run; what has a result is written, the
interrupted method's row marked `(interrupted)` in the table, the CSV and the JSON (`status`),
and the exit code is 130 or 143.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import click

import hemplan.cli.early  # noqa: F401  first: exit 130/143 on a signal from here on
from hemplan.cli.cmd_teams import write_teamed
from hemplan.cli.compare_plot import plot_png
from hemplan.cli.compare_table import csv_text, markdown, price_lines, proposed_label, table_rows
from hemplan.cli.history_option import history_options, load_with_history
from hemplan.cli.methods_option import chosen_methods
from hemplan.cli.progress import (
    SCORE_COLUMNS,
    ProgressBoard,
    ScoreRows,
    progress_option,
    resolve_mode,
)
from hemplan.cli.run_options import (
    seed_option,
    substitutes_option,
    time_limit_option,
    work_limit_option,
    workers_option,
)
from hemplan.cli.signals import CaughtSignals
from hemplan.cli.tables import daily_care_clients
from hemplan.models.contract.instance import Instance
from hemplan.models.io.write import write_bytes_atomic, write_model, write_text_atomic
from hemplan.solver.compare import MethodRun, run_methods
from hemplan.solver.executors import EXECUTORS
from hemplan.solver.method import Progress, SolveOptions
from hemplan.solver.methods import METHODS
from hemplan.solver.teaming.propose import Proposal, TeamingOptions, propose_teams


@click.command()
@click.argument("instance_file", type=click.Path())
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False),
    default=None,
    help=(
        "Folder for the table, plot and schedules (created if missing). "
        "Default: compare-<instance>."
    ),
)
@time_limit_option(60.0, 0.5, "Seconds for each method.")
@seed_option("Seed of every method.")
@workers_option("Workers of every method.")
@work_limit_option(
    "Reproducible search budget (see hemplan solve; central-travel: x100 solutions per day)."
)
@click.option(
    "--methods",
    default=",".join(METHODS),
    show_default=True,
    help="Comma-separated methods to run.",
)
@click.option(
    "--executor",
    default="local",
    show_default=True,
    type=click.Choice(EXECUTORS),
    help=(
        "local: methods one after another here; dask: every method at once as a task on a cluster."
    ),
)
@click.option(
    "--scheduler",
    default=None,
    metavar="tcp://HOST:PORT",
    help="Run the methods on this existing dask.distributed scheduler (implies --executor dask).",
)
@click.option(
    "--propose-teams",
    "propose",
    type=click.IntRange(min=1),
    default=None,
    metavar="K",
    help="Before and after the reform: also plan continuity on K small teams proposed from "
    "the pool (as `hemplan teams --teams K`), judged by the same evaluator; the teamed "
    "instance is written as DIR/teams-K.json.",
)
@click.option(
    "--borrow-left-out",
    is_flag=True,
    help="continuity: a visit its team leaves out may go to a carer of another team "
    "(as `hemplan solve --borrow-left-out`).",
)
@substitutes_option("With --propose-teams and shared, the proposed teams borrow left-out visits.")
@history_options
@progress_option
@click.option(
    "--json", "as_json", is_flag=True, help="Print the table and the price of continuity as JSON."
)
def compare(
    instance_file: str,
    output_dir: str | None,
    time_limit: float,
    seed: int,
    workers: int,
    work_limit: float | None,
    methods: str,
    executor: str,
    scheduler: str | None,
    quiet: bool,
    progress_mode: str,
    as_json: bool,
    history_files: tuple[str, ...],
    look_back: int | None,
    propose: int | None,
    borrow_left_out: bool,
    substitutes: str,
) -> None:
    """Plan INSTANCE_FILE with every method and print how they differ (continuity, travel, time).

    SIGINT (Ctrl-C) or SIGTERM stops the comparison; what has a result is written, the
    interrupted method marked, and the exit code is 130 or 143."""
    chosen = chosen_methods(methods)
    instance = load_with_history(instance_file, history_files, look_back)
    # the proposal first: a pool that cannot be split is said before any plan is made
    proposal = (
        propose_teams(
            instance,
            TeamingOptions(
                teams=propose,
                seed=seed,
                source=instance_file,
                shared_substitutes=substitutes == "shared",
            ),
        )
        if propose is not None
        else None
    )
    folder = Path(output_dir or f"compare-{Path(instance_file).stem}")
    folder.mkdir(parents=True, exist_ok=True)
    options = SolveOptions(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        work_limit=work_limit,
        executor=executor,
        scheduler=scheduler,
        borrow_left_out=borrow_left_out,
        source=instance_file,
    )
    heading = (
        f"# hemplan compare: {instance.name or Path(instance_file).stem}\n\n"
        f"Time limit {time_limit:g} s per method, seed {seed}, workers {workers}"
        + (f", work limit {work_limit:g}" if work_limit is not None else "")
        + ".\n\n"
    )
    signals = CaughtSignals()
    try:
        with signals:
            runs = _run(instance, instance_file, options, chosen, progress_mode, quiet, signals)
            if proposal is not None and not signals.signum and not any(r.interrupted for r in runs):
                runs += _run_proposed(
                    instance_file,
                    instance,
                    proposal,
                    folder,
                    options,
                    progress_mode,
                    quiet,
                    signals,
                )
            stopped = _interruption(signals, runs, chosen)
            if stopped:
                click.echo(f"interrupted: {stopped}", err=True)
            if runs:
                daily = daily_care_clients(instance)
                _write(folder, heading, instance.name, runs, daily, stopped, as_json)
            elif stopped:
                click.echo(f"interrupted: nothing written to {folder}", err=True)
    except KeyboardInterrupt:  # again while writing (each file atomic: written whole or not at all)
        click.echo(f"interrupted: {folder} not fully written", err=True)
        sys.exit(signals.exit_code or 130)
    if signals.signum:
        sys.exit(signals.exit_code)


def _run(
    instance: Instance,
    instance_file: str,
    options: SolveOptions,
    chosen: list[str],
    progress_mode: str,
    quiet: bool,
    signals: CaughtSignals,
) -> list[MethodRun]:
    """Every chosen method, with a progress board; stops as a whole on a signal."""
    columns = ["state", *SCORE_COLUMNS]
    with ProgressBoard(
        f"hemplan compare {Path(instance_file).name}", columns, resolve_mode(progress_mode, quiet)
    ) as board:
        for name in chosen:
            board.set(name, state="waiting")
        rows = ScoreRows(board)

        def done(run: MethodRun) -> None:
            m = run.result.evaluation.metrics
            state = "interrupted" if run.interrupted else "done"
            board.update(
                run.method,
                f"{state}, verified",
                state=f"{state} in {run.wall_s:.0f}s",
                unassigned=m.unassigned_mandatory + m.unassigned_deferrable,
                **{"distinct carers": m.distinct_carers_total},
                travel=m.travel_minutes,
            )

        def running(method: str, event: Progress) -> None:
            board.set(method, state="running")
            rows(method, event)

        return run_methods(
            instance, options, chosen, done, running, stopped=lambda: signals.signum is not None
        )


def _run_proposed(
    instance_file: str,
    instance: Instance,
    proposal: Proposal,
    folder: Path,
    options: SolveOptions,
    progress_mode: str,
    quiet: bool,
    signals: CaughtSignals,
) -> list[MethodRun]:
    """Continuity on the proposed teams (the same clients, visits and carers in small teams,
    each with an office among its clients), its row named by `proposed_label`; the teamed
    instance written beside the schedules, so `evaluate` and `report` can read them."""
    k = len(proposal.teams)
    write_teamed(instance_file, instance, proposal, folder / f"teams-{k}.json")
    teamed = proposal.teamed(instance)
    if proposal.shared is not None:  # the shared substitutes serve only what is borrowed
        options = replace(options, borrow_left_out=True)
    runs = _run(teamed, instance_file, options, ["continuity"], progress_mode, quiet, signals)
    return [replace(run, method=proposed_label(k)) for run in runs]


def _interruption(signals: CaughtSignals, runs: list[MethodRun], chosen: list[str]) -> str:
    """What a signal cut short, in words; "" if the comparison ran to its end."""
    cut = [run.method for run in runs if run.interrupted]
    missing = [name for name in chosen if name not in {run.method for run in runs}]
    if not signals.signum and not cut and not missing:
        return ""
    parts = []
    if cut:
        parts.append(f"{', '.join(cut)} stopped early (best plan so far, marked interrupted)")
    if missing:
        parts.append(f"{', '.join(missing)} not run or not finished")
    return "; ".join(parts) or "every method had finished"


def _label(run: MethodRun) -> str:
    """The method's name in the table, the CSV, the JSON and the plot: marked if interrupted."""
    return f"{run.method} (interrupted)" if run.interrupted else run.method


def _write(
    folder: Path,
    heading: str,
    name: str,
    runs: list[MethodRun],
    daily: set[str],
    stopped: str,
    as_json: bool,
) -> None:
    """The schedules, the table, the CSV and the plot, and the table (or JSON) on stdout."""
    for run in runs:
        write_model(folder / f"{run.method}.json", run.result.schedule)
    figures = table_rows(runs, daily)
    for run, row in zip(runs, figures):
        row["method"] = _label(run)
    prices = price_lines(figures)  # an interrupted method's row does not count: its label differs
    table = markdown(figures)
    notes = list(prices)
    if stopped:
        notes.append(f"interrupted: {stopped}")
    write_text_atomic(
        folder / "compare.md",
        heading + table + ("\n" + "\n".join(f"- {n}" for n in notes) + "\n" if notes else ""),
    )
    write_text_atomic(folder / "compare.csv", csv_text(figures))
    write_bytes_atomic(
        folder / "carers_per_client.png",
        plot_png(
            [replace(run, method=_label(run)) for run in runs],
            f"{name}: distinct carers per client",
        ),
    )
    written = (
        f"wrote {folder}/compare.md, compare.csv, carers_per_client.png and one schedule per "
        + ("method" if not stopped else "method with a result")
    )
    if as_json:
        rows = [
            {**row, "status": "interrupted" if run.interrupted else "done"}
            for run, row in zip(runs, figures)
        ]
        click.echo(
            json.dumps(
                {
                    "rows": rows,
                    "price_of_continuity": prices,
                    "folder": str(folder),
                    "interrupted": bool(stopped),
                },
                indent=2,
            )
        )
        click.echo(written, err=True)
        return
    click.echo(table, nl=False)
    for line in prices:
        click.echo(line)
    click.echo(written)
