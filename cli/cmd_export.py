"""`hemplan export`: day lists (CSV), calendars (iCalendar) or printable day sheets per carer,
and letters to clients ("who comes when"), for handing out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from hemplan.cli.lang_option import lang_option, texts_of
from hemplan.models.contract.problems import InputError, InputProblem
from hemplan.models.evaluator import evaluate
from hemplan.models.exports.client_letters import client_letters
from hemplan.models.exports.day_sheets import day_sheets
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
@click.argument("paths", nargs=-1, metavar="[INSTANCE] SCHEDULE", type=click.Path(dir_okay=False))
@click.option(
    "--instance",
    "instance_file",
    default=None,
    type=click.Path(dir_okay=False),
    help="The instance the schedule was made for, when only SCHEDULE is given as an argument.",
)
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["csv", "ics", "sheets", "letters"]),
    help=(
        "csv: a day list per carer; ics: an iCalendar file per carer; sheets: printable day "
        "sheets (HTML, a page per day) per carer; letters: a 'who comes when' letter (HTML) "
        "per client for one week."
    ),
)
@lang_option
@click.option(
    "--week",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Letters: which week of the schedule (1 = its first seven days).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for the files (made if missing); one file per carer, named by carer id.",
)
def export(
    paths: tuple[str, ...],
    instance_file: str | None,
    fmt: str,
    lang: str | None,
    week: int,
    output: str,
) -> None:
    """Write one day list, calendar or sheet per carer of the schedule, or a letter per
    client: `hemplan export INSTANCE SCHEDULE` (as `report` and `evaluate` take them), or
    `hemplan export SCHEDULE --instance INSTANCE`."""
    if len(paths) == 2 and instance_file is None:
        instance_file, schedule_file = paths
    elif len(paths) == 1 and instance_file is not None:
        schedule_file = paths[0]
    else:
        raise click.UsageError("give INSTANCE SCHEDULE, or SCHEDULE --instance INSTANCE")
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
    texts = texts_of(lang)
    if fmt == "csv":
        files = day_lists(instance, schedule, texts)
    elif fmt == "sheets":
        files = day_sheets(instance, schedule, texts)
    elif fmt == "letters":
        first = (week - 1) * 7
        if first >= instance.horizon.days:
            raise InputError(
                [
                    InputProblem(
                        "--week", str(week), f"the schedule has {instance.horizon.days} days"
                    )
                ]
            )
        files = client_letters(instance, schedule, texts, first_day=first)
    else:
        files = calendars(instance, schedule, datetime.now(UTC).replace(microsecond=0), texts)
    folder = output_folder(output)
    for name, text in files.items():
        write_text_atomic(folder / name, text)
    per = "client with visits that week" if fmt == "letters" else "carer with visits"
    click.echo(f"{output}: {len(files)} {fmt} file(s), one per {per}")
