"""`hemplan compare`: every planning method on one instance, one table, one plot.

Each method gets the same time limit, seed and workers; each schedule is verified by the
evaluator (a violation stops the run as a solver bug). Writes DIR/compare.md,
DIR/compare.csv, DIR/carers_per_client.png and DIR/<method>.json, all atomically.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from hemplan.cli.compare_plot import plot_png
from hemplan.cli.compare_table import csv_text, markdown, price_lines, table_rows
from hemplan.cli.methods_option import chosen_methods
from hemplan.cli.progress import (
    SCORE_COLUMNS,
    ProgressBoard,
    ScoreRows,
    progress_option,
    resolve_mode,
)
from hemplan.models.io.load import load_instance
from hemplan.models.io.write import write_bytes_atomic, write_model, write_text_atomic
from hemplan.solver.compare import MethodRun, run_methods
from hemplan.solver.executors import EXECUTORS
from hemplan.solver.method import Progress, SolveOptions
from hemplan.solver.methods import METHODS


@click.command()
@click.argument("instance_file", type=click.Path(dir_okay=False))
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
@click.option(
    "--time-limit",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=0.5),
    help="Seconds for each method.",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of every method.")
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="Workers of every method.",
)
@click.option(
    "--work-limit",
    type=click.FloatRange(min=0),
    default=None,
    help="Reproducible search budget (see hemplan solve; central-travel: x100 solutions per day).",
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
) -> None:
    """Plan INSTANCE_FILE with every method and print how they differ (continuity, travel, time)."""
    chosen = chosen_methods(methods)
    instance = load_instance(instance_file)
    folder = Path(output_dir or f"compare-{Path(instance_file).stem}")
    folder.mkdir(parents=True, exist_ok=True)
    options = SolveOptions(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        work_limit=work_limit,
        executor=executor,
        scheduler=scheduler,
        source=instance_file,
    )

    columns = ["state", *SCORE_COLUMNS]
    with ProgressBoard(
        f"hemplan compare {Path(instance_file).name}", columns, resolve_mode(progress_mode, quiet)
    ) as board:
        for name in chosen:
            board.set(name, state="waiting")
        rows = ScoreRows(board)

        def done(run: MethodRun) -> None:
            m = run.result.evaluation.metrics
            board.update(
                run.method,
                "done, verified",
                state=f"done in {run.wall_s:.0f}s",
                unassigned=m.unassigned_mandatory + m.unassigned_deferrable,
                **{"distinct carers": m.distinct_carers_total},
                travel=m.travel_minutes,
            )

        def running(method: str, event: Progress) -> None:
            board.set(method, state="running")
            rows(method, event)

        runs = run_methods(instance, options, chosen, done, running)
    for run in runs:
        write_model(folder / f"{run.method}.json", run.result.schedule)
    figures = table_rows(runs)
    prices = price_lines(figures)
    table = markdown(figures)
    heading = (
        f"# hemplan compare: {instance.name or Path(instance_file).stem}\n\n"
        f"Time limit {time_limit:g} s per method, seed {seed}, workers {workers}"
        + (f", work limit {work_limit:g}" if work_limit is not None else "")
        + ".\n\n"
    )
    write_text_atomic(
        folder / "compare.md",
        heading + table + ("\n" + "\n".join(f"- {p}" for p in prices) + "\n" if prices else ""),
    )
    write_text_atomic(folder / "compare.csv", csv_text(figures))
    write_bytes_atomic(
        folder / "carers_per_client.png",
        plot_png(runs, f"{instance.name}: distinct carers per client"),
    )
    written = (
        f"wrote {folder}/compare.md, compare.csv, carers_per_client.png and one schedule per method"
    )
    if as_json:
        click.echo(
            json.dumps(
                {"rows": figures, "price_of_continuity": prices, "folder": str(folder)}, indent=2
            )
        )
        click.echo(written, err=True)
        return
    click.echo(table, nl=False)
    for line in prices:
        click.echo(line)
    click.echo(written)
