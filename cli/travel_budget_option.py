"""The `--max-travel-increase P` option of `solve` (so of `next`) and `replan`: continuity
within a travel budget (`hemplan.solver.continuity.travel_budget`)."""

from __future__ import annotations

import click

from hemplan.cli.run_options import FiniteFloatRange

MAX_INCREASE = 1000.0  # per cent: ten times the travel-only plan's travel is no budget at all

HELP = (
    "Fewest carers per client while travel stays within P % of the travel-only plan of the "
    "same teams (teams-travel, planned first with part of the time limit); visits served come "
    "first. Default: no budget."
)

max_travel_increase_option = click.option(
    "--max-travel-increase",
    type=FiniteFloatRange(min=0, max=MAX_INCREASE),
    default=None,
    metavar="P",
    help=HELP,
)


def check_method(method: str, increase: float | None) -> None:
    """A budget is the continuity method's: any other method would ignore it silently."""
    if increase is not None and method != "continuity":
        raise click.BadParameter(
            f"a travel budget needs --method continuity, not {method}",
            param_hint="'--max-travel-increase'",
        )
