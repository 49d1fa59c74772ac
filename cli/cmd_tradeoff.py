"""`hemplan tradeoff`: continuity against travel, one continuity plan per travel budget.

For each `--budgets` value P the instance is planned continuity-first with travel within P %
of the teams-travel plan (`hemplan solve --max-travel-increase P`; `none`: no budget), and
teams-travel and central-travel are planned as reference points. Every plan is verified and
measured by the evaluator; the folder gets each schedule, tradeoff.md, tradeoff.csv and
tradeoff.png.
"""

from __future__ import annotations

import math
from pathlib import Path

import click

import hemplan.cli.early  # noqa: F401  first: exit 130/143 on a signal from here on
from hemplan.cli.run_options import (
    seed_option,
    time_limit_option,
    work_limit_option,
    workers_option,
)
from hemplan.cli.tradeoff_table import csv_text, markdown, plot_png, print_table, tradeoff_rows
from hemplan.cli.travel_budget_option import MAX_INCREASE
from hemplan.models.io.load import load_instance
from hemplan.models.io.write import write_bytes_atomic, write_model, write_text_atomic
from hemplan.solver.continuity.tradeoff import TradeoffPoint, run_tradeoff
from hemplan.solver.method import SolveOptions

DEFAULT_BUDGETS = "0,5,10,20,40,none"
MAX_BUDGETS = 20  # each budget is a whole solve


@click.command("tradeoff")
@click.argument("instance_file", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to write the schedules, tradeoff.md, tradeoff.csv and tradeoff.png into.",
)
@click.option(
    "--budgets",
    default=DEFAULT_BUDGETS,
    show_default=True,
    metavar="P,P,...",
    help="Travel budgets in per cent over the teams-travel plan's travel; 'none': no budget.",
)
@time_limit_option(60.0, 0.5, "Seconds for each plan.")
@work_limit_option("Search work per team for each plan (as `hemplan solve`).")
@seed_option("Seed of every plan.")
@workers_option("Processes for each plan.")
def tradeoff(
    instance_file: str,
    output: Path,
    budgets: str,
    time_limit: float,
    work_limit: float | None,
    seed: int,
    workers: int,
) -> None:
    """Plan INSTANCE_FILE continuity-first within each travel budget and write one table and
    one plot of distinct carers per client against travel, with teams-travel and
    central-travel as reference points."""
    chosen = parse_budgets(budgets)
    if output.exists() and not output.is_dir():
        raise click.BadParameter(f"{output} is not a folder", param_hint="'-o' / '--output'")
    instance = load_instance(instance_file)  # a bad input is said before any folder is made
    output.mkdir(parents=True, exist_ok=True)
    options = SolveOptions(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        work_limit=work_limit,
        source=instance_file,
    )

    def done(point: TradeoffPoint) -> None:
        write_model(output / f"{point.slug}.json", point.result.schedule)
        m = point.result.evaluation.metrics
        d = m.distinct_carers_horizon
        carers = "-" if d is None else f"{d.mean:.2f}"
        click.echo(
            f"{point.label}: travel {m.travel_minutes:,} min, carers/client mean {carers}, "
            f"unassigned {m.unassigned_mandatory + m.unassigned_deferrable} "
            f"({point.wall_s:.0f} s)"
        )

    points = run_tradeoff(instance, chosen, options, done)
    teams_travel = points[0].result.evaluation.metrics.travel_minutes
    rows = tradeoff_rows(points, teams_travel)
    name = instance.name or Path(instance_file).stem
    write_text_atomic(output / "tradeoff.md", markdown(rows))
    write_text_atomic(output / "tradeoff.csv", csv_text(rows))
    write_bytes_atomic(
        output / "tradeoff.png", plot_png(rows, f"{name}: travel against continuity")
    )
    print_table(rows, f"{name}: travel against continuity")
    click.echo(f"wrote {output}/: the schedules, tradeoff.md, tradeoff.csv, tradeoff.png")


def parse_budgets(text: str) -> list[float | None]:
    """`0,5,10,none` as per cents (None: no budget), each once, 0 to MAX_INCREASE."""
    chosen: list[float | None] = []
    for part in (p.strip() for p in text.split(",")):
        if part.lower() == "none":
            value: float | None = None
        else:
            try:
                value = float(part)
            except ValueError:
                raise click.BadParameter(
                    f"{part!r} is not a per cent or 'none' (e.g. 0,5,10,none)",
                    param_hint="'--budgets'",
                ) from None
            if not math.isfinite(value) or not 0 <= value <= MAX_INCREASE:
                raise click.BadParameter(
                    f"{part!r}: a budget is 0 to {MAX_INCREASE:g} per cent",
                    param_hint="'--budgets'",
                )
        if value in chosen:
            raise click.BadParameter(f"{part!r} is given twice", param_hint="'--budgets'")
        chosen.append(value)
    if len(chosen) > MAX_BUDGETS:
        raise click.BadParameter(f"at most {MAX_BUDGETS} budgets", param_hint="'--budgets'")
    return chosen
