"""`hemplan bench`: a quality and speed table over a suite of instances and methods.

Each (instance, method, repeat) runs in its own process, is verified by the evaluator and
gives one row; DIR/bench.md, DIR/bench.csv and DIR/scaling.png are written atomically.
SIGINT (Ctrl-C) or SIGTERM kills the running job at once and starts no other; the rows done are
written with one more for the job killed, marked `interrupted` in the OK column (table, CSV
and JSON) and empty otherwise, and the exit code is 130 or 143.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import click

import hemplan.cli.early  # noqa: F401  first: exit 130/143 on a signal from here on
from hemplan.benchmarks.harness import Job, Row, run_jobs
from hemplan.benchmarks.suites import SUITES, suite_cases
from hemplan.cli.bench_table import COLUMNS, csv_text, markdown, scaling_png
from hemplan.cli.methods_option import chosen_methods
from hemplan.cli.progress import ProgressBoard, progress_option, resolve_mode
from hemplan.cli.run_options import (
    seed_option,
    time_limit_option,
    work_limit_option,
    workers_option,
)
from hemplan.cli.signals import CaughtSignals
from hemplan.models.io.write import write_bytes_atomic, write_text_atomic
from hemplan.solver.method import SolveOptions
from hemplan.solver.methods import METHODS


@click.command()
@click.argument("suite", type=click.Choice(SUITES))
@click.option(
    "-o",
    "--output-dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for bench.md, bench.csv and scaling.png (created if missing).",
)
@click.option(
    "--methods",
    default="continuity",
    show_default=True,
    help=f"Comma-separated methods: {', '.join(METHODS)}.",
)
@time_limit_option(60.0, 0.5, "Seconds per instance and method.")
@click.option(
    "--repeat",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Runs per instance and method, with seeds seed, seed+1, ...",
)
@seed_option("Seed of the first repeat.")
@workers_option("Workers of every run.")
@work_limit_option("Reproducible search budget (see hemplan solve).")
@click.option(
    "--public",
    "public_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Folder of the public sets, needed by the public-* suites (see instances/README.md).",
)
@click.option(
    "--instances",
    "only",
    default="",
    help="Comma-separated instance names of the suite to run (default all).",
)
@progress_option
@click.option("--json", "as_json", is_flag=True, help="Print the table's rows as JSON.")
def bench(
    suite: str,
    output_dir: str,
    methods: str,
    time_limit: float,
    repeat: int,
    seed: int,
    workers: int,
    work_limit: float | None,
    public_dir: str | None,
    only: str,
    quiet: bool,
    progress_mode: str,
    as_json: bool,
) -> None:
    """Plan every instance of SUITE with every method and write the quality and speed table."""
    chosen = chosen_methods(methods)
    cases = suite_cases(suite, None if public_dir is None else Path(public_dir))
    names = [n.strip() for n in only.split(",") if n.strip()]
    missing = [n for n in names if n not in {c.name for c in cases}]
    if missing:
        raise click.BadParameter(
            f"not in suite {suite}: {', '.join(missing)}; it holds "
            f"{', '.join(c.name for c in cases)}",
            param_hint="'--instances'",
        )
    cases = [c for c in cases if not names or c.name in names]
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    base = SolveOptions(time_limit=time_limit, workers=workers, seed=seed, work_limit=work_limit)
    jobs = [
        Job(case, method, replace(base, seed=seed + r))
        for case in cases
        for method in chosen
        for r in range(repeat)
    ]
    heading = (
        f"# hemplan bench {suite}\n\nMethods {', '.join(chosen)}; time limit {time_limit:g} s, "
        f"{workers} worker(s), seeds {seed}..{seed + repeat - 1}"
        + (f", work limit {work_limit:g}" if work_limit is not None else "")
        + ".\n\n"
    )
    columns = ["visits", "OK", "unassigned", "carers mean", "travel", "wall s"]
    signals = CaughtSignals()
    try:
        with signals:
            with ProgressBoard(
                f"hemplan bench {suite}", columns, resolve_mode(progress_mode, quiet)
            ) as board:

                def done(row: Row) -> None:
                    board.update(
                        f"{row['instance']} {row['method']} seed {row['seed']}",
                        "done",
                        visits=row["visits"],
                        OK=row["ok"],
                        unassigned=row["unassigned"],
                        **{
                            "carers mean": row["carers_mean"],
                            "travel": row["travel_min"],
                            "wall s": row["wall_s"],
                        },
                    )

                results = run_jobs(jobs, done)
            rows = [row for row in results if row is not None]
            killed = _killed_row(jobs, results) if signals.signum else None
            if signals.signum:
                click.echo(
                    f"interrupted: {len(rows)} of {len(jobs)} job(s) done"
                    + (
                        f"; {killed['instance']} {killed['method']} seed {killed['seed']} "
                        "killed (marked interrupted)"
                        if killed
                        else ""
                    ),
                    err=True,
                )
            if rows:
                _write(folder, heading, suite, rows, [killed] if killed else [], as_json)
    except KeyboardInterrupt:  # again while writing (each file atomic: written whole or not at all)
        click.echo(f"interrupted: {folder} not fully written", err=True)
    if signals.signum:
        sys.exit(signals.exit_code)


def _killed_row(jobs: list[Job], results: list[Row | None]) -> Row | None:
    """The row of the job a signal killed (jobs run one at a time: the first without a row),
    every figure empty and OK `interrupted`; None if the signal came after the last job."""
    for job, result in zip(jobs, results):
        if result is None:
            row: Row = {key: None for key, _ in COLUMNS}
            row.update(
                instance=job.case.name,
                method=job.method,
                seed=job.options.seed,
                ok="interrupted",
                reference=job.case.reference,
                objective_note="",
            )
            return row
    return None


def _write(
    folder: Path, heading: str, suite: str, rows: list[Row], killed: list[Row], as_json: bool
) -> None:
    """The table, the CSV and the plot (of the rows done), and the table (or the rows as JSON)
    on stdout; `killed` adds the row of a job a signal killed."""
    table = markdown(rows + killed)
    write_text_atomic(folder / "bench.md", heading + table)
    write_text_atomic(folder / "bench.csv", csv_text(rows + killed))
    write_bytes_atomic(folder / "scaling.png", scaling_png(rows, f"hemplan bench {suite}"))
    written = f"wrote {folder}/bench.md, bench.csv and scaling.png"
    if as_json:
        click.echo(json.dumps(rows + killed, indent=2))
        click.echo(written, err=True)
        return
    click.echo(table, nl=False)
    click.echo(written)
