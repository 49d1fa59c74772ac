"""`hemplan report`: one self-contained HTML page to look at a schedule (no network needed)."""

from __future__ import annotations

import click

from hemplan.cli.history_option import history_options, load_with_history
from hemplan.cli.lang_option import lang_option, texts_of
from hemplan.models.evaluator import evaluate
from hemplan.models.exports.matching import check_matches
from hemplan.models.io.load import load_schedule
from hemplan.models.io.write import write_text_atomic
from hemplan.models.report.html import report_page


@click.command()
@click.argument("instance_file", type=click.Path())
@click.argument("schedule_file", type=click.Path(dir_okay=False))
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="HTML file to write."
)
@history_options
@click.option("--allow-borrowing", is_flag=True, help="Carers may serve clients of other teams.")
@click.option(
    "--pack-days/--inline-days",
    "packed",
    default=None,
    help="Pack each day's charts and maps (drawn by the browser when a day is shown) or write "
    "them inline; by default packed when they are over about a megabyte.",
)
@lang_option
def report(
    instance_file: str,
    schedule_file: str,
    output: str,
    allow_borrowing: bool,
    history_files: tuple[str, ...],
    look_back: int | None,
    lang: str | None,
    packed: bool | None,
) -> None:
    """Write an HTML report of SCHEDULE_FILE: metrics, Gantt charts, route maps, continuity."""
    instance = load_with_history(instance_file, history_files, look_back)
    schedule = load_schedule(schedule_file)
    check_matches(instance, schedule, schedule_file)
    evaluation = evaluate(instance, schedule, allow_borrowing=allow_borrowing or None)
    if (
        evaluation.violations
    ):  # shown, not refused: the report is how a planner looks at what is wrong
        click.echo(
            (
                f"warning: {schedule_file}: {len(evaluation.violations)} violation(s), "
                "listed in the report"
            ),
            err=True,
        )
    page = report_page(instance, schedule, evaluation, texts_of(lang), packed)
    write_text_atomic(output, page)
    how = " (days packed, drawn when shown)" if 'id="print-all"' in page else ""
    click.echo(
        f"{output}: {len(page.encode('utf-8')) // 1024} KB, {instance.horizon.days} day(s){how}"
    )
