"""`hemplan export`: day lists (CSV) or calendars (iCalendar) per carer, for handing out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from hemplan.models.contract.problems import InputError, InputProblem
from hemplan.models.evaluator import evaluate
from hemplan.models.exports.daylist_csv import day_lists
from hemplan.models.exports.ical import calendars
from hemplan.models.exports.matching import check_matches
from hemplan.models.io.load import load_instance, load_schedule
from hemplan.models.io.write import write_text_atomic


def output_folder(path: str) -> Path:
    """The folder to write into, made if only its last part is missing (never a whole tree)."""
    folder = Path(path)
    if folder.is_dir():
        return folder
    if folder.exists():
        raise InputError([InputProblem(path, "", "is a file, not a folder")])
    if not (folder.parent if str(folder.parent) else Path(".")).is_dir():
        raise InputError([InputProblem(path, "", f"folder {folder.parent} does not exist")])
    folder.mkdir()
    return folder


@click.command("export")
@click.argument("schedule_file", type=click.Path(dir_okay=False))
@click.option(
    "--instance",
    "instance_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="The instance the schedule was made for (names, places, notes, dates).",
)
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["csv", "ics"]),
    help="csv: a day list per carer; ics: an iCalendar file per carer.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for the files (made if missing); one file per carer, named by carer id.",
)
def export(schedule_file: str, instance_file: str, fmt: str, output: str) -> None:
    """Write one day list or calendar per carer of SCHEDULE_FILE."""
    instance = load_instance(instance_file)
    schedule = load_schedule(schedule_file)
    check_matches(instance, schedule, schedule_file)
    violations = evaluate(instance, schedule).violations
    if violations:
        click.echo(
            f"warning: {schedule_file}: {len(violations)} violation(s); "
            f"'hemplan evaluate' lists them",
            err=True,
        )
    if fmt == "csv":
        files = day_lists(instance, schedule)
    else:
        files = calendars(instance, schedule, datetime.now(UTC).replace(microsecond=0))
    folder = output_folder(output)
    for name, text in files.items():
        write_text_atomic(folder / name, text)
    click.echo(f"{output}: {len(files)} {fmt} file(s), one per carer with visits")
