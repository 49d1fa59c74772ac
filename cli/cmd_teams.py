"""`hemplan teams`: propose small teams from a staff pool and write the teamed instance.

The instance is taken as one pool (whatever its `team` fields say); the proposal is written
as the same instance file with new teams, every client and carer re-teamed (see
`hemplan.solver.teaming`). A split that cannot work is an InputError naming the team, the day,
the shift type and the skill or capacity short: one line each, exit 2, no file written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from hemplan.cli.run_options import (
    FiniteFloatRange,
    seed_option,
    substitutes_option,
    time_limit_option,
    work_limit_option,
    workers_option,
)
from hemplan.cli.sweep_table import csv_text, markdown, plot_png, sweep_rows
from hemplan.cli.tables import daily_care_clients
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputError, InputProblem, escape_controls
from hemplan.models.io.bundled import bundled_path
from hemplan.models.io.load import instance_from_data, load_instance
from hemplan.models.io.read import read_json
from hemplan.models.io.write import write_bytes_atomic, write_model, write_text_atomic
from hemplan.solver.method import SolveOptions
from hemplan.solver.teaming import Proposal, TeamingOptions, propose_teams
from hemplan.solver.teaming.document import teamed_document
from hemplan.solver.teaming.pool import day_name, window_text
from hemplan.solver.teaming.propose import pool_problems
from hemplan.solver.teaming.sweep import REFERENCE, SweepPoint, run_sweep


@click.command("teams")
@click.argument("instance_file", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="Teamed instance file to write (JSON); with --sweep, the folder to write into.",
)
@click.option("--teams", type=click.IntRange(min=1), default=None, help="Number of teams.")
@click.option(
    "--team-size",
    type=click.IntRange(min=1),
    default=None,
    help="Carers per team (sets the number of teams; default 10 when --teams is not given).",
)
@click.option(
    "--min-size", type=click.IntRange(min=1), default=None, help="Fewest carers in a team."
)
@click.option("--max-size", type=click.IntRange(min=1), default=None, help="Most carers in a team.")
@click.option(
    "--keep-base",
    is_flag=True,
    help="Keep the existing office nearest each team instead of one at its clients' centre.",
)
@click.option(
    "--slack",
    type=FiniteFloatRange(min=0, max=5),
    default=0.2,
    show_default=True,
    help="Paid minutes over visit minutes each team needs on every day and shift type.",
)
@seed_option("Seed of the client grouping (and of the plans of --sweep).")
@click.option(
    "--teaming-work-limit",
    type=FiniteFloatRange(min=0.01, max=3600),
    default=2.0,
    show_default=True,
    help="CP-SAT work units for assigning carers (deterministic for a seed).",
)
@click.option(
    "--sweep",
    "sweep_range",
    default=None,
    metavar="A..B",
    help="For each team count A..B (or a list 2,4,6): propose, plan continuity-first and "
    "evaluate, with central-travel on the pool as the reference; -o is then a folder.",
)
@time_limit_option(60.0, 0.5, "Seconds for each plan of --sweep.")
@work_limit_option("Search work per team for each plan of --sweep (as `hemplan solve`).")
@workers_option("Processes for each plan of --sweep.")
@click.option(
    "--borrow-left-out",
    is_flag=True,
    help="In each plan of --sweep, a visit its team leaves out may go to a carer of another "
    "team (as `hemplan solve --borrow-left-out`).",
)
@substitutes_option("With shared, the plans of --sweep borrow left-out visits.")
def teams(
    instance_file: str,
    output: Path,
    teams: int | None,
    team_size: int | None,
    min_size: int | None,
    max_size: int | None,
    keep_base: bool,
    slack: float,
    seed: int,
    teaming_work_limit: float,
    sweep_range: str | None,
    time_limit: float,
    work_limit: float | None,
    workers: int,
    borrow_left_out: bool,
    substitutes: str,
) -> None:
    """Propose small teams from the staff pool of INSTANCE_FILE: clients grouped by place,
    carers so that every team covers its visits' skills, double staffing and minutes on every
    day and shift type; writes the instance with the new teams."""
    if teams is not None and team_size is not None:
        raise click.UsageError("give --teams or --team-size, not both")
    options = TeamingOptions(
        teams=teams,
        team_size=team_size,
        min_size=min_size,
        max_size=max_size,
        keep_base=keep_base,
        slack=slack,
        seed=seed,
        work_limit=teaming_work_limit,
        source=instance_file,
        shared_substitutes=substitutes == "shared",
    )
    if sweep_range is not None:
        counts = _counts(sweep_range)
        solve = SolveOptions(
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            work_limit=work_limit,
            borrow_left_out=borrow_left_out,
            source=instance_file,
        )
        run_teams_sweep(instance_file, counts, options, solve, output)
        return
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise click.BadParameter(f"folder {folder} does not exist", param_hint="'-o' / '--output'")
    instance = load_instance(instance_file)
    proposal = propose_teams(instance, options)
    write_teamed(instance_file, instance, proposal, output)
    for line in proposal_lines(instance, proposal):
        click.echo(escape_controls(line))  # team names from the instance (--keep-base), ids
    click.echo(escape_controls(f"wrote {output}"))


def raw_document(instance_file: str) -> dict[str, Any]:
    """The instance document as written (a file, or a bundled instance by name)."""
    path = Path(instance_file)
    if not path.exists():
        bundled = bundled_path(instance_file)
        if bundled is not None:
            path = bundled
    raw = read_json(path)
    assert isinstance(raw, dict)  # load_instance accepted it
    return raw


def write_teamed(instance_file: str, instance: Instance, proposal: Proposal, output: Path) -> None:
    """Write the teamed instance atomically, after loading it back as any command would."""
    raw = raw_document(instance_file)
    name = f"{instance.name or Path(instance_file).stem}-teams{len(proposal.teams)}"
    doc = teamed_document(raw, proposal, name)
    try:
        instance_from_data(doc, str(output), output.parent)
    except InputError as exc:  # a bug, not the user's: say so in one line rather than write it
        raise InputError(
            [InputProblem(str(output), "", "the teamed instance does not load back"), *exc.problems]
        ) from None
    write_text_atomic(output, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def proposal_lines(instance: Instance, proposal: Proposal) -> list[str]:
    """A line per team, then the totals and the visits nobody could serve."""
    lines = [team.line() for team in proposal.teams]
    if proposal.shared is not None:
        lines.append(proposal.shared.line())
    kept = f" ({len(proposal.shared.carers)} substitutes shared)" if proposal.shared else ""
    lines.append(
        f"{len(proposal.teams)} teams from {len(instance.staff)} carers{kept} and "
        f"{len(instance.clients)} clients"
    )
    for short in proposal.short_days:
        lines.append(
            f"{short.team}: its own carers cannot serve every visit of "
            f"{day_name(instance.horizon.start_date, short.day)} at "
            f"{window_text(*short.window)}, even with travel left out: the plan will leave "
            "some out (solve --borrow-left-out lets another team's carers serve them)"
        )
    if proposal.unservable:
        shown = ", ".join(v.id for v in proposal.unservable[:5])
        more = len(proposal.unservable) - 5
        lines.append(
            f"{len(proposal.unservable)} visits no carer of the pool could serve from their "
            f"team's office (they stay unassigned): {shown}"
            + (f" and {more} more" if more > 0 else "")
        )
    return lines


def _counts(text: str) -> list[int]:
    """`2..10` or `2,4,6` as team counts."""
    try:
        if ".." in text:
            low, high = (int(part) for part in text.split("..", 1))
            counts = list(range(low, high + 1))
        else:
            counts = [int(part) for part in text.split(",")]
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a range A..B or a list A,B,C", param_hint="'--sweep'"
        ) from None
    if not counts or min(counts) < 1 or len(counts) > 100:
        raise click.BadParameter(
            f"{text!r}: give 1 to 100 team counts, each at least 1", param_hint="'--sweep'"
        )
    return counts


def run_teams_sweep(
    instance_file: str,
    counts: list[int],
    teaming: TeamingOptions,
    solve: SolveOptions,
    folder: Path,
) -> None:
    """The sweep into `folder`: teams-K.json and its schedule per count, the reference's
    schedule, sweep.md, sweep.csv and sweep.png; a line per point as it is done."""
    if folder.exists() and not folder.is_dir():
        raise click.BadParameter(f"{folder} is not a folder", param_hint="'-o' / '--output'")
    instance = load_instance(instance_file)  # a bad input is said before any folder is made
    problems = pool_problems(instance, instance_file)
    if problems:
        raise InputError(problems)
    folder.mkdir(parents=True, exist_ok=True)

    def done(point: SweepPoint) -> None:
        if point.teams is None:
            assert point.result is not None
            write_model(folder / f"{REFERENCE}.json", point.result.schedule)
        elif point.proposal is not None and point.result is not None:
            write_teamed(
                instance_file, instance, point.proposal, folder / f"teams-{point.teams}.json"
            )
            write_model(folder / f"teams-{point.teams}-schedule.json", point.result.schedule)
        click.echo(_point_line(point))

    points = run_sweep(instance, counts, teaming, solve, done)
    rows = sweep_rows(points, daily_care_clients(instance))
    table = markdown(rows)
    write_text_atomic(folder / "sweep.md", table)
    write_text_atomic(folder / "sweep.csv", csv_text(rows))
    title = f"{instance.name or Path(instance_file).stem}: teams of each size"
    write_bytes_atomic(folder / "sweep.png", plot_png(rows, title))
    click.echo(table, nl=False)
    click.echo(f"wrote {folder}/: teams-K.json and schedules, sweep.md, sweep.csv, sweep.png")


def _point_line(point: SweepPoint) -> str:
    if point.result is None:
        return f"{point.label}: no split: {point.refusal[0] if point.refusal else 'refused'}"
    m = point.result.evaluation.metrics
    d = m.distinct_carers_horizon
    carers = "-" if d is None else f"mean {d.mean:.2f} p90 {d.p90:g} max {d.max:g}"
    indicator = "-" if m.national_indicator_14d is None else f"{m.national_indicator_14d:.2f}"
    return (
        f"{point.label}: carers/client {carers}, national 14-day indicator {indicator}, "
        f"travel {m.travel_minutes:,} min, unassigned "
        f"{m.unassigned_mandatory + m.unassigned_deferrable} ({point.wall_s:.0f} s)"
    )
