"""`hemplan import DIR -o instance.json`: turn a planner's CSV folder into an instance file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputProblem, readable
from hemplan.models.io.csv_import import import_csv_dir
from hemplan.models.io.write import write_model
from hemplan.solver.locks import lock_problems
from hemplan.solver.problem import Problem


def _lock_problems(instance: Instance, source: str) -> list[InputProblem]:
    """The locks no schedule could keep, as `hemplan validate` and every method judge them."""
    if not any(v.locked_carers or v.locked_start is not None for v in instance.visits):
        return []
    return lock_problems(Problem.build(instance), source)


@click.command("import")
@click.argument(
    "folder", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Instance JSON file to write (written atomically).",
)
@click.option(
    "--start-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date of day 0 (YYYY-MM-DD). Default: the earliest date in shifts.csv/visits.csv.",
)
@click.option(
    "--days",
    type=click.IntRange(1, 366),
    help="Length of the horizon in days. Default: up to the last day used.",
)
@click.option("--name", help="Name of the instance. Default: the folder's name.")
def import_command(
    folder: Path, output: Path, start_date: datetime | None, days: int | None, name: str | None
) -> None:
    """Import clients.csv, staff.csv, shifts.csv, visits.csv (and teams.csv) from DIR.

    Every problem in every file is listed as `file.csv:line: column: problem` (repeated ones
    summarised).
    """
    warnings: list[str] = []
    instance = import_csv_dir(
        folder,
        start_date=start_date.date() if start_date else None,
        days=days,
        name=name,
        warnings=warnings,
        check=_lock_problems,
    )
    for warning in warnings:
        click.echo(readable(f"warning: {warning}"), err=True)  # names and cells from the input
    write_model(output, instance)
    horizon = instance.horizon
    shifts = sum(len(s.shifts) for s in instance.staff)
    click.echo(
        readable(
            f"{output}: {len(instance.teams)} teams, {len(instance.clients)} clients, "
            f"{len(instance.staff)} staff, {shifts} shifts, {len(instance.visits)} visits, "
            f"{horizon.days} days from {horizon.start_date}"
        )
    )
