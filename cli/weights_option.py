"""The `--weights travel=10,arrival=5,workload=1,tardiness=10` option of `solve` and `replan`:
the cost's exchange rates."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import click

from hemplan.solver.score import Weights

HELP = (
    "Exchange rates of the cost, in tenths per minute: travel, arrival (deviation from a recurring "
    "visit's usual start), workload (deviation from a carer's fair share), tardiness (a "
    "carer starting after the window, soft windows only) and max_tardiness (the plan's "
    "largest such delay, once more), e.g. travel=10,arrival=0. Unserved "
    "visits, carers per client, the worst client and preferred carers always come first. "
    "Default: travel=10,arrival=5,workload=1,tardiness=10,max_tardiness=0."
)


class WeightsType(click.ParamType):
    """Parses NAME=WHOLE_NUMBER pairs into `Weights`, naming the pair that is wrong."""

    name = "NAME=N,..."

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Weights:
        if isinstance(value, Weights):
            return value
        known = Weights().cost_weights()
        chosen: dict[str, int] = {}
        for pair in (p.strip() for p in str(value).split(",") if p.strip()):
            key, sep, number = (part.strip() for part in pair.partition("="))
            if not sep or key not in known:
                self.fail(
                    f"{pair!r}: expected NAME=N with NAME one of {', '.join(known)}", param, ctx
                )
            if not number.isdigit():
                self.fail(f"{pair!r}: the weight must be a whole number, 0 or more", param, ctx)
            chosen[key] = int(number)
        if not chosen:
            self.fail("no weights given", param, ctx)
        return replace(Weights(), **chosen)


weights_option = click.option("--weights", type=WeightsType(), default=Weights(), help=HELP)


STABLE_WEEK = 100  # `Weights.week` with --stable-week: below preferred carers (500)


def with_stable_week(weights: Weights, stable_week: bool) -> Weights:
    """The weights with the stable week's level on when asked for."""
    return replace(weights, week=STABLE_WEEK) if stable_week else weights


stable_week_option = click.option(
    "--stable-week",
    is_flag=True,
    help=(
        "Each week repeats the one before where it can: a visit by the carers who did it seven "
        "days before (the history's in the first week), after fewest carers per client."
    ),
)
