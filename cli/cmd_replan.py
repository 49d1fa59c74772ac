"""`hemplan replan`: after a sick call or an updated instance, keep the known plan and re-plan the
rest.

SIGINT (Ctrl-C) or SIGTERM stops the replan and writes nothing (the old schedule stands; a
re-plan cut short is no plan to hand out): exit 130 or 143.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

import hemplan.cli.early  # noqa: F401  first: exit 130/143 on a signal from here on
from hemplan.cli.history_option import history_options, load_with_history
from hemplan.cli.lang_option import lang_option, texts_of
from hemplan.cli.render import unassigned_lines, verdict
from hemplan.cli.run_options import (
    seed_option,
    time_limit_option,
    work_limit_option,
    workers_option,
)
from hemplan.cli.signals import CaughtSignals
from hemplan.cli.travel_budget_option import max_travel_increase_option
from hemplan.cli.weights_option import stable_week_option, weights_option, with_stable_week
from hemplan.models.contract.clock import format_clock
from hemplan.models.contract.problems import escape_controls, readable
from hemplan.models.contract.schedule import Assignment, Distribution, Metrics
from hemplan.models.evaluator.diagnosis import diagnose
from hemplan.models.io.load import load_schedule
from hemplan.models.io.write import write_model
from hemplan.models.report.summary import budget_rows
from hemplan.models.texts import ENGLISH, Texts
from hemplan.solver.change_list import Change
from hemplan.solver.method import SolveOptions
from hemplan.solver.replan import (
    Absence,
    ReplanResult,
    parse_days,
    renamed_plan,
    with_absences,
    with_substitutes,
)
from hemplan.solver.replan import replan as run_replan
from hemplan.solver.score import Weights

HEADER = (
    "visit",
    "client",
    "day",
    "old carers",
    "new carers",
    "old start",
    "new start",
    "change",
    "why",
)


@click.command()
@click.argument("instance_file", type=click.Path())
@click.argument("schedule_file", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="New schedule file to write.",
)
@click.option(
    "--absent",
    multiple=True,
    metavar="CARER",
    help="A carer absent on --days (repeat for several).",
)
@click.option(
    "--days",
    metavar="D|D-E|DATE[..DATE]",
    help="Absence days, inclusive: day numbers from 0 (4 or 3-5) or dates "
    "(2026-03-05 or 2026-03-05..2026-03-07).",
)
@click.option(
    "--substitute",
    "substitutes",
    multiple=True,
    metavar="ID",
    help="A substitute who works the shifts of the --absent carer of the same position on "
    "--days (same team; repeat for several).",
)
@click.option(
    "--substitute-skills",
    default="",
    metavar="S1|S2",
    help="The substitutes' skills (delegations), separated by | [default: none].",
)
@time_limit_option(8.0, 1.0, "Seconds for the whole replan, loading and verification included.")
@workers_option(
    "Processes: teams solved in parallel; with fewer teams than workers each team is "
    "searched again with other seeds and its best plan kept."
)
@seed_option("Seed of every random choice.")
@work_limit_option(
    "Search work per team in CP-SAT deterministic units (reproducible on any machine)."
)
@click.option("--allow-borrowing", is_flag=True, help="Carers may serve clients of other teams.")
@history_options
@weights_option
@stable_week_option
@max_travel_increase_option
@lang_option
@click.option(
    "--json", "as_json", is_flag=True, help="Print the change list and continuity as JSON."
)
def replan(
    instance_file: str,
    schedule_file: str,
    output: str,
    absent: tuple[str, ...],
    days: str | None,
    substitutes: tuple[str, ...],
    substitute_skills: str,
    time_limit: float,
    workers: int,
    seed: int,
    work_limit: float | None,
    allow_borrowing: bool,
    weights: Weights,
    stable_week: bool,
    max_travel_increase: float | None,
    as_json: bool,
    history_files: tuple[str, ...],
    look_back: int | None,
    lang: str | None,
) -> None:
    """Keep every assignment of SCHEDULE_FILE that INSTANCE_FILE still allows and re-plan the rest.

    With --absent and --days, the carers' shifts on those days are gone (a sick call); without,
    INSTANCE_FILE is an updated instance (new, cancelled or moved visits, changed shifts).
    Prints the change list and the change in continuity; writes the verified schedule atomically.
    """
    started = time.monotonic()
    if bool(absent) != (days is not None):
        raise click.UsageError("--absent and --days go together")
    folder = Path(output).parent
    if not folder.is_dir():
        raise click.BadParameter(f"folder {folder} does not exist", param_hint="'-o' / '--output'")
    instance = load_with_history(instance_file, history_files, look_back)
    old = load_schedule(schedule_file)
    if renamed_plan(instance, old):  # another instance's plan is refused later, not noted
        click.echo(
            readable(  # names from the files, shown with their control characters escaped
                f"{schedule_file}: note: made for instance '{old.instance}', this is "
                f"'{instance.name}'; replanned as the same plan (its visits are this instance's)"
            ),
            err=True,
        )
    span = (
        parse_days(days, instance.horizon.days, start_date=instance.horizon.start_date)
        if days is not None
        else range(0)
    )
    if substitutes and not absent:
        raise click.UsageError("--substitute stands in for an --absent carer")
    skills = [s.strip() for s in substitute_skills.replace(",", "|").split("|") if s.strip()]
    absences = [Absence(c, span) for c in absent]
    instance = with_substitutes(instance, absences, list(substitutes), skills)
    substituted = Path(output).with_suffix(".instance.json")
    options = SolveOptions(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        allow_borrowing=allow_borrowing,
        work_limit=work_limit,
        weights=with_stable_week(weights, stable_week),
        max_travel_increase=max_travel_increase,
    )
    signals = CaughtSignals()
    result: ReplanResult | None = None
    written = False
    try:
        with signals:
            result = run_replan(
                instance,
                old,
                absences,
                options,
                source=instance_file,
                schedule_source=schedule_file,
                started=started,
            )
            if not signals.signum:  # a signal the solver took as a stop: a replan cut short
                if substitutes:  # the schedule names them: the instance that has them too
                    write_model(substituted, with_absences(instance, absences))
                write_model(output, result.schedule)
                written = True
    except KeyboardInterrupt:  # before the result, or while writing it (atomic)
        result = None
    if result is None or signals.signum:
        if not written:
            click.echo(f"interrupted: {output} not written (the old schedule stands)", err=True)
        sys.exit(signals.exit_code or 130)
    # the visits left out, diagnosed against the instance as the absences leave it
    texts = ENGLISH if as_json else texts_of(lang)
    left_out = diagnose(
        with_absences(instance, absences),
        result.schedule,
        wording=texts,
        deadline=started + time_limit,  # the limit is for the whole replan
    )
    if as_json:
        click.echo(
            json.dumps(_as_json(result) | {"unassigned": [d.__dict__ for d in left_out]}, indent=2)
        )
    else:
        for line in _report(result, texts) + unassigned_lines(left_out, texts):
            click.echo(line)
    if substitutes:
        click.echo(
            f"{substituted}: the instance with {', '.join(substitutes)}; give it to evaluate, "
            "export and report with this schedule",
            err=as_json,
        )
    said = verdict(result.evaluation.metrics.unassigned_mandatory, texts)
    click.echo(
        texts.t(
            "{output}: verified by the evaluator: {verdict}; done in {done:.1f}s",
            output=output,
            verdict=said,
            done=time.monotonic() - started,
        ),
        err=as_json,
    )


def _report(result: ReplanResult, texts: Texts) -> list[str]:
    """The change list as a table (ids and reasons from the input shown with their control
    characters escaped, so they cannot drive the terminal), then the summary lines."""
    header = tuple(texts.t(name) for name in HEADER)
    rows = [header] + [
        tuple(escape_controls(cell) for cell in _row(c, texts)) for c in result.changes
    ]
    widths = [max(len(r[k]) for r in rows) for k in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    lines.append(
        texts.t(
            "kept {kept} assignment(s) exactly; re-planned {replanned}; {changes} change(s)",
            kept=len(result.kept),
            replanned=len(result.affected),
            changes=len(result.changes),
        )
    )
    lines += _continuity_lines(result.before.metrics, result.evaluation.metrics, texts)
    travel = result.evaluation.metrics.travel_minutes
    lines += [f"{label}  {value}" for label, value in budget_rows(result.schedule, travel, texts)]
    return lines


def _row(c: Change, texts: Texts) -> tuple[str, ...]:
    old_day, new_day = (str(a.day) if a else "" for a in (c.old, c.new))
    day = (
        old_day
        if not new_day or old_day in ("", new_day)
        else (new_day if not old_day else f"{old_day}->{new_day}")
    )
    return (
        c.visit,
        c.client,
        day,
        _carers(c.old),
        _carers(c.new),
        _start(c.old),
        _start(c.new),
        texts.word("change", c.kind),
        c.why,
    )


def _carers(a: Assignment | None) -> str:
    return "-" if a is None else ",".join(a.carers)


def _start(a: Assignment | None) -> str:
    return "-" if a is None else format_clock(a.start)


def _continuity_lines(before: Metrics, after: Metrics, texts: Texts) -> list[str]:
    lines = []
    for label, b, a in (
        (
            "distinct carers/client (horizon)",
            before.distinct_carers_horizon,
            after.distinct_carers_horizon,
        ),
        ("distinct carers/client (14 days)", before.distinct_carers_14d, after.distinct_carers_14d),
    ):
        lines.append(
            texts.t(
                "{label}: mean {before} before, {after} after ({change})",
                label=texts.t(label),
                before=_mean(b),
                after=_mean(a),
                change=_delta(b, a),
            )
        )
    lines.append(
        texts.t(
            "unassigned mandatory: {before} before, {after} after",
            before=before.unassigned_mandatory,
            after=after.unassigned_mandatory,
        )
    )
    return lines


def _mean(d: Distribution | None) -> str:
    return "-" if d is None else f"{d.mean:.2f}"


def _delta(before: Distribution | None, after: Distribution | None) -> str:
    return "-" if before is None or after is None else f"{after.mean - before.mean:+.2f}"


def _as_json(result: ReplanResult) -> dict:
    def means(m: Metrics) -> dict[str, float | None]:
        return {
            "horizon": m.distinct_carers_horizon.mean if m.distinct_carers_horizon else None,
            "14d": m.distinct_carers_14d.mean if m.distinct_carers_14d else None,
        }

    return {
        "kept": len(result.kept),
        "replanned": len(result.affected),
        "changes": [c.as_json() for c in result.changes],
        "distinct_carers_mean": {
            "before": means(result.before.metrics),
            "after": means(result.evaluation.metrics),
        },
    }
