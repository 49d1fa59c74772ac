"""`hemplan next`: plan the next period from the schedules of the last ones.

A planner rolls week after week (or fortnight after fortnight): the new period's instance
(new and ended clients, the changed rota) and the schedules already handed out. The earlier
schedules become the history: the solver prefers the carers each client met within the
look-back, and the summary counts the 14-day windows that reach back across the start. It is
`hemplan solve --history` with the schedules named first; every option of `solve` applies.
"""

from __future__ import annotations

from typing import Any

import click

from hemplan.cli.cmd_solve import solve

_SHARED = [p for p in solve.params if p.name not in ("instance_file", "history_files")]


def _next(instance_file: str, previous: tuple[str, ...], **options: Any) -> None:
    assert solve.callback is not None
    solve.callback(instance_file=instance_file, history_files=previous, **options)


next_period = click.Command(
    "next",
    callback=_next,
    params=[
        click.Argument(["instance_file"], type=click.Path()),
        click.Argument(["previous"], nargs=-1, required=True, type=click.Path(dir_okay=False)),
        *_SHARED,
    ],
    help=(
        "Plan INSTANCE_FILE, the next period, after the PREVIOUS schedule(s): the clients keep "
        "the carers they met where they can (see `hemplan solve --help` for the options). "
        "Clients who have left and carers who have gone since are skipped, with a note."
    ),
)
