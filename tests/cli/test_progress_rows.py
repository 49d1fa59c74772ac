"""The progress rows: what each figure is, and how many seconds are left."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console

from hemplan.cli.progress import SCORE_COLUMNS, ProgressBoard, ScoreRows
from hemplan.solver.method import Progress
from hemplan.solver.score import Score


class Board:
    """Records what the rows hand to a progress board."""

    def __init__(self) -> None:
        self.footer = ""
        self.rows: dict[str, dict[str, Any]] = {}

    def set_footer(self, text: str) -> None:
        self.footer = text

    def update(self, row: str, status: str, **cells: Any) -> None:
        self.rows[row] = cells


def event(elapsed: float, team: str, distinct: int) -> Progress:
    score = Score(0, 0, 0, 100 * distinct, distinct, 1, 0, 0, 500, 50, 0, 0)
    return Progress(elapsed=elapsed, team=team, score=score, bound=distinct - 1, first=False)


def test_rows_say_when_the_plan_was_found_and_the_footer_the_seconds_left() -> None:
    board = Board()
    rows = ScoreRows(board, time_limit=60)  # type: ignore[arg-type]
    rows("team Skönsmon (T01)", event(12.0, "T01", 20))
    assert board.rows["team Skönsmon (T01)"]["found at s"] == 12.0
    assert set(board.rows["team Skönsmon (T01)"]) == set(SCORE_COLUMNS)
    assert board.footer == "[about 48 s left of 60 s]"
    rows("team Bydalen (T02)", event(30.5, "T02", 25))
    assert board.footer.startswith("[about 30 s left of 60 s][2 rows: unassigned 0")


def test_without_a_clock_to_end_the_search_no_seconds_are_promised() -> None:
    board = Board()
    rows = ScoreRows(board)  # type: ignore[arg-type]
    rows("team T01", event(5.0, "T01", 20))
    assert board.footer == ""


def test_a_row_named_with_markup_and_control_characters_is_shown_as_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A row is named by a team's id and name, the title by the instance: `[/b]` in them was
    read as rich markup (a MarkupError ended the live board), and a control character was
    printed raw in lines mode."""
    name = "team T[/b]\x1b[31m"
    with ProgressBoard("plan [/i]\x1b", ["travel"], "lines") as board:
        board.update(name, "first plan", travel=10)
    assert "team T[/b]\\x1b[31m first plan: travel 10" in capsys.readouterr().err
    live = ProgressBoard("plan [/i]\x1b", ["travel"], "none")
    live.set(name, travel=10)
    console = Console(file=io.StringIO(), width=120)
    console.print(live._render())  # what the live board draws, four times a second
    drawn = console.file.getvalue()  # type: ignore[attr-defined]
    assert "T[/b]\\x1b[31m" in drawn and "plan [/i]\\x1b" in drawn
    assert "\x1b" not in drawn
