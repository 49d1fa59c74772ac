"""Progress of long work (solve, compare, bench) on the terminal.

A board holds one row per unit of work (a team, a method) and shows it one of three ways:
`live`, a table redrawn in place on stderr (rich), for a person at a terminal; `lines`, one
plain line per update, for logs and for tests that watch a run; `none`. The default, `auto`,
is live at a terminal and silent otherwise, so piped output and CI logs stay clean.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Literal

import click
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from hemplan.models.contract.problems import InputError, escape_controls
from hemplan.solver.method import Progress

Mode = Literal["auto", "live", "lines", "none"]
# "found at s": seconds from the start when the row's best plan so far was found
SCORE_COLUMNS = [
    "unassigned",
    "distinct carers",
    "bound",
    "worst excess",
    "travel",
    "found at s",
]
MODES: tuple[str, ...] = ("auto", "live", "lines", "none")
Cell = str | int | float | None


def resolve_mode(mode: str, quiet: bool) -> Mode:
    """`--quiet` wins; `auto` is live at a terminal and silent elsewhere."""
    if quiet:
        return "none"
    if mode == "auto":
        return "live" if sys.stderr.isatty() else "none"
    return mode  # type: ignore[return-value]


def progress_option(function: click.decorators.FC) -> click.decorators.FC:
    """The `--progress` and `--quiet` options shared by the long-running commands."""
    function = click.option(
        "--progress",
        "progress_mode",
        type=click.Choice(MODES),
        default="auto",
        show_default=True,
        help=(
            "live: a table redrawn on the terminal; lines: a line per update; "
            "auto: live at a terminal, else none."
        ),
    )(function)
    return click.option("--quiet", is_flag=True, help="No progress display.")(function)


class ProgressBoard:
    """Rows of named figures, shown live, as lines, or not at all."""

    def __init__(self, title: str, columns: list[str], mode: Mode) -> None:
        self.title = title
        self.columns = columns
        self.mode = mode
        self.rows: dict[str, dict[str, Cell]] = {}
        self.footer = ""
        self.started = time.monotonic()
        self._live: Live | None = None

    def __enter__(self) -> ProgressBoard:
        if self.mode == "live":
            console = Console(stderr=True)
            self._live = Live(
                console=console, get_renderable=self._render, refresh_per_second=4, transient=False
            )
            self._live.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._live is not None:
            if isinstance(error, InputError):  # refused before any work: its lines alone
                self._live.transient = True
            else:
                self._live.refresh()
            self._live.stop()
            self._live = None

    def set(self, key: str, **values: Cell) -> None:
        """Set figures of row `key` quietly: they show with the next redraw or line."""
        self.rows.setdefault(key, {}).update(values)

    def update(self, key: str, note: str = "", **values: Cell) -> None:
        """Set figures of row `key`; in lines mode print the row with `note` (what happened)."""
        self.set(key, **values)
        row = self.rows[key]
        if self.mode == "lines":
            figures = ", ".join(
                f"{name} {_cell(row.get(name))}" for name in self.columns if name in row
            )
            line = f"[{self.elapsed():7.1f}s] {key} {note}: {figures} {self.footer}".rstrip()
            click.echo(escape_controls(line), err=True)  # a row is named by a team id

    def set_footer(self, text: str) -> None:
        """A line of totals under the table (appended to each line in lines mode)."""
        self.footer = text

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def _render(self) -> Group:
        """The table; its title and row names (an instance's and teams' names) as written:
        control characters escaped, and no rich markup read in them (`[/b]` in a team id was
        a MarkupError)."""
        title = Text(escape_controls(f"{self.title} — {self.elapsed():.0f} s"))
        table = Table(title=title, title_justify="left")
        table.add_column("")
        for name in self.columns:
            table.add_column(name, justify="right")
        for key, row in self.rows.items():
            table.add_row(
                Text(escape_controls(key)), *(_cell(row.get(name)) for name in self.columns)
            )
        return Group(table, Text(escape_controls(self.footer)))


def _cell(value: Cell) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 10 or value == int(value) else f"{value:.2f}"
    return str(value)


class ScoreRows:
    """Feeds solver progress events to a board: each row sums the latest score of its teams
    (a row per team for `solve`, a row per method for `compare`), with totals underneath."""

    def __init__(self, board: ProgressBoard, time_limit: float | None = None) -> None:
        self.board = board
        self.latest: dict[str, dict[str, Progress]] = {}
        self.time_limit = time_limit  # seconds in all, to say how many are left

    def __call__(self, row: str, event: Progress) -> None:
        teams = self.latest.setdefault(row, {})
        teams[event.team] = event
        self.board.set_footer(self._totals())
        scores = [p.score for p in teams.values()]
        self.board.update(
            row,
            "first plan" if event.first else "improved",
            unassigned=sum(s.unassigned_mandatory + s.unassigned_deferrable for s in scores),
            **{
                "distinct carers": sum(s.distinct_carers for s in scores),
                "bound": sum(p.bound for p in teams.values()),
                "worst excess": max(s.worst_excess for s in scores),
                "travel": sum(s.travel for s in scores),
                "found at s": round(event.elapsed, 1),
            },
        )

    def _totals(self) -> str:
        events = [p for teams in self.latest.values() for p in teams.values()]
        left = ""
        if self.time_limit is not None and events:
            elapsed = max(p.elapsed for p in events)
            remaining = max(0.0, self.time_limit - elapsed)
            left = f"[about {remaining:.0f} s left of {self.time_limit:.0f} s]"
        if len(self.latest) < 2:
            return left
        return left + (
            f"[{len(self.latest)} rows: unassigned "
            f"{sum(p.score.unassigned_mandatory + p.score.unassigned_deferrable for p in events)}, "
            f"distinct carers {sum(p.score.distinct_carers for p in events)} "
            f"(bound {sum(p.bound for p in events)}), "
            f"travel {sum(p.score.travel for p in events)} min]"
        )
