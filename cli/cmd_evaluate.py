"""`hemplan evaluate`: judge a schedule against its instance with the independent evaluator."""

from __future__ import annotations

import json
import sys

import click

from hemplan.cli.history_option import history_options, load_with_history
from hemplan.cli.lang_option import lang_option, texts_of
from hemplan.cli.render import metrics_lines, unassigned_lines, verdict
from hemplan.models.contract.problems import readable
from hemplan.models.evaluator import evaluate as run_evaluator
from hemplan.models.evaluator.diagnosis import diagnose
from hemplan.models.io.load import load_schedule
from hemplan.models.texts import ENGLISH

EXIT_VIOLATIONS = 1


@click.command()
@click.argument("instance_file", type=click.Path())
@click.argument("schedule_file", type=click.Path(dir_okay=False))
@click.option("--allow-borrowing", is_flag=True, help="Carers may serve clients of other teams.")
@history_options
@lang_option
@click.option("--json", "as_json", is_flag=True, help="Print violations and metrics as JSON.")
def evaluate(
    instance_file: str,
    schedule_file: str,
    allow_borrowing: bool,
    as_json: bool,
    history_files: tuple[str, ...],
    look_back: int | None,
    lang: str | None,
) -> None:
    """Check every hard constraint and recompute every metric; exit 1 on any violation."""
    instance = load_with_history(instance_file, history_files, look_back)
    schedule = load_schedule(schedule_file)
    result = run_evaluator(instance, schedule, allow_borrowing=allow_borrowing or None)
    texts = ENGLISH if as_json else texts_of(lang)
    left_out = diagnose(instance, schedule, allow_borrowing or None, texts)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "feasible": result.feasible,
                    "unassigned": [d.__dict__ for d in left_out],
                    "violations": [v.__dict__ for v in result.violations],
                    "metrics": result.metrics.model_dump(mode="json"),
                },
                indent=2,
            )
        )
    else:
        for violation in result.violations:
            click.echo(readable(f"violation {violation}"))  # ids from the schedule, escaped
        for line in metrics_lines(result.metrics, texts):
            click.echo(line)
        for line in unassigned_lines(left_out, texts):
            click.echo(line)
        said = (
            verdict(result.metrics.unassigned_mandatory, texts)
            if result.feasible
            else texts.t("{count} violation(s)", count=len(result.violations))
        )
        click.echo(readable(f"{schedule_file}: {said}"))
    if not result.feasible:
        sys.exit(EXIT_VIOLATIONS)
