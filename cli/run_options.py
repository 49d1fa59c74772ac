"""Options the long commands (solve, compare, bench, replan, ...) share: the budget, the seed
and the workers.

`--time-limit` and `--work-limit` take finite numbers up to a year (`MAX_BUDGET`): click's
FloatRange lets `nan` through any bound (no comparison with NaN is true) and `inf` through a
lower one, and a solver's clock cannot represent a time limit of 1e300 seconds. Such
values are refused with the option named, before any work (exit 2).

`--seed` takes any whole number, negative or beyond 64 bits: Python's random generators take it
as it is, and CP-SAT, whose seed is a 32-bit integer, gets it wrapped into that range
(`hemplan.solver.continuity.model.solve.cp_sat_seed`), so every 32-bit seed reaches it
unchanged and a seed always gives the same schedule.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

# a budget larger than this is a typo, not a plan: a year in seconds (and in work units, of
# which the continuity search spends about 0.3 a second)
MAX_BUDGET = 366 * 24 * 3600.0


class FiniteFloatRange(click.FloatRange):
    """A FloatRange that also refuses NaN and the infinities."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if isinstance(number, float) and not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


def time_limit_option(default: float, minimum: float, help: str) -> Callable[[F], F]:
    """`--time-limit S`: seconds, at least `minimum`, finite."""
    return click.option(
        "--time-limit",
        default=default,
        show_default=True,
        type=FiniteFloatRange(min=minimum, max=MAX_BUDGET),
        help=help,
    )


def work_limit_option(help: str) -> Callable[[F], F]:
    """`--work-limit U`: CP-SAT deterministic units, 0 or more, finite; default None (from the
    time limit)."""
    return click.option(
        "--work-limit",
        type=FiniteFloatRange(min=0, max=MAX_BUDGET),
        default=None,
        help=help,
    )


def workers_option(help: str) -> Callable[[F], F]:
    """`--workers N`: processes, at least 1 (default 2, the standard machine's cores)."""
    return click.option(
        "--workers", default=2, show_default=True, type=click.IntRange(min=1), help=help
    )


def seed_option(help: str) -> Callable[[F], F]:
    """`--seed N`: any whole number (default 0)."""
    return click.option(
        "--seed",
        default=0,
        show_default=True,
        type=int,
        help=help + " Any whole number.",
    )


def substitutes_option(help: str) -> Callable[[F], F]:
    """`--substitutes attached|shared`: how proposed teams take the pool's substitutes."""
    return click.option(
        "--substitutes",
        type=click.Choice(["attached", "shared"]),
        default="attached",
        show_default=True,
        help="Substitutes (staff with employment `substitute`): attached to the teams like "
        "every carer, or kept as one shared pool (team V) that the teams borrow from. " + help,
    )
