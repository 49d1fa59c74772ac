"""`hemplan generate`: write a realistic, seeded instance (see models/generator).

The same options always give a byte-identical file.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from hemplan.models.generator import (
    DEFAULT_START_DATE,
    LIMITS,
    MAX_ABSENCE_RATE,
    ORGANISATIONS,
    SETTINGS,
    GeneratorError,
    generate_instance,
    summarize,
)
from hemplan.models.io.limits import horizon_past_last_day
from hemplan.models.io.write import write_model


def _range(key: str) -> click.IntRange:
    low, high = LIMITS[key]
    return click.IntRange(low, high)


@click.command("generate")
@click.option(
    "--teams", type=_range("teams"), default=1, show_default=True, help="Number of teams."
)
@click.option(
    "--clients-per-team",
    type=_range("clients_per_team"),
    default=26,
    show_default=True,
    help="Clients of each team.",
)
@click.option(
    "--staff-per-team",
    type=_range("staff_per_team"),
    default=10,
    show_default=True,
    help="Carers of each team; the clients' care is sized to them.",
)
@click.option(
    "--days", type=_range("days"), default=14, show_default=True, help="Days in the horizon."
)
@click.option(
    "--seed",
    type=click.IntRange(0, 2**32 - 1),
    default=1,
    show_default=True,
    help="Random seed; the same options give the same file.",
)
@click.option(
    "--start-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=DEFAULT_START_DATE.isoformat(),
    show_default=True,
    help="Date of day 0 (YYYY-MM-DD).",
)
@click.option(
    "--absence-rate",
    type=click.FloatRange(0.0, MAX_ABSENCE_RATE),
    default=0.0,
    show_default=True,
    help="Share of regular shifts worked by substitutes instead (sick leave and other "
    "absence, in spells; same shifts, other people).",
)
@click.option(
    "--organisation",
    type=click.Choice(ORGANISATIONS),
    default="teams",
    show_default=True,
    help="teams: small teams, each with its office among its clients; pool: the same district "
    "as one pool of carers working from one base, before the reform (substitutes shared).",
)
@click.option(
    "--area",
    "setting",
    type=click.Choice(SETTINGS),
    default="urban",
    show_default=True,
    help="urban: teams in neighbourhoods of Sundsvall; rural: teams in the villages of a "
    "sparsely populated municipality (Strömsund), clients kilometres apart, every carer "
    "driving (at most 6 teams; figures cited in models/generator/rural.py).",
)
@click.option("--name", default="", help="Instance name (default: describes the options).")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Instance file to write (JSON).",
)
def generate(
    teams: int,
    clients_per_team: int,
    staff_per_team: int,
    days: int,
    seed: int,
    start_date: datetime,
    absence_rate: float,
    organisation: str,
    setting: str,
    name: str,
    output: Path,
) -> None:
    """Generate a realistic home-care instance (teams in Sundsvall, or in a rural
    municipality) and write it as JSON."""
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise click.BadParameter(f"folder {folder} does not exist", param_hint="'-o' / '--output'")
    past = horizon_past_last_day(start_date.date(), days)
    if past is not None:  # validate would refuse the file
        raise click.BadParameter(past, param_hint="'--start-date' / '--days'")
    live = sys.stderr.isatty()

    def on_team(done: int, total: int) -> None:
        if live and total > 1:  # a city takes a minute: say how far it is
            click.echo(f"\rteam {done}/{total}", err=True, nl=done == total)

    try:
        instance = generate_instance(
            teams=teams,
            clients_per_team=clients_per_team,
            staff_per_team=staff_per_team,
            days=days,
            seed=seed,
            start_date=start_date.date(),
            name=name,
            absence_rate=absence_rate,
            on_team=on_team,
            organisation=organisation,
            setting=setting,
        )
    except GeneratorError as exc:
        raise click.UsageError(str(exc)) from None
    write_model(output, instance)
    click.echo(f"wrote {output}: {summarize(instance).line()}")
