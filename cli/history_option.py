"""`--history FILE` and `--look-back DAYS`: who met whom before the planned period.

Shared by the commands that plan or judge a period (solve, compare, replan, evaluate, report):
the instance is loaded with the past visits of every history file added to its own history,
so the solver prefers carers the clients know and the evaluator counts the 14-day windows
that reach back across the period's start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from hemplan.models.contract.instance import DEFAULT_LOOK_BACK_DAYS, Instance
from hemplan.models.contract.problems import readable
from hemplan.models.io.history import read_history, with_history
from hemplan.models.io.load import load_instance

F = TypeVar("F", bound=Callable[..., Any])


def history_options(command: F) -> F:
    """Add `--history` (repeatable) and `--look-back` to a command."""
    command = click.option(
        "--look-back",
        default=None,
        type=click.IntRange(min=1, max=366),
        metavar="DAYS",
        help=(
            "A carer the client met this many days before the start counts as known "
            f"[default: the instance's own, else {DEFAULT_LOOK_BACK_DAYS}]."
        ),
    )(command)
    return click.option(
        "--history",
        "history_files",
        multiple=True,
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help=(
            "Visits before the period: a CSV (date, client, carers[, start, service]), a JSON "
            "list of them, or the schedule of an earlier period. Repeatable."
        ),
    )(command)


def load_with_history(
    instance_file: str, history_files: tuple[str, ...], look_back: int | None
) -> Instance:
    """The instance of `instance_file` with the past visits of `history_files` (and its own)
    as its history; notes on what an earlier schedule held that the instance no longer has go
    to stderr."""
    instance = load_instance(instance_file)
    own = instance.history
    if not history_files and (own is None or look_back is None):
        return instance
    days = look_back or (own.look_back_days if own is not None else DEFAULT_LOOK_BACK_DAYS)
    visits = list(own.visits) if own is not None else []
    for path in history_files:
        past, notes = read_history(path, instance)
        visits += past
        for note in notes:
            click.echo(readable(note), err=True)
    return with_history(instance, visits, days)
