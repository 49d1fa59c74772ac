"""A small team stuck at the continuity bound is polished by one CP-SAT step over the whole
team (`search._polished_whole`): the plan is the first stage's answer, CP-SAT's own large
neighbourhoods polish its minutes, the same seed gives the same plan."""

from __future__ import annotations

import time
from typing import Any

from pytest import MonkeyPatch

from hemplan.solver.continuity import search
from hemplan.solver.continuity.search import Budget, SearchSettings, improve
from hemplan.solver.score import Score, solution_travel
from hemplan.solver.solution import Solution
from tests.solver.continuity.test_relabel import _pairs
from tests.solver.continuity.test_travel_start import _lawful, _three_on_a_line


def _budget(work: float) -> Budget:
    return Budget(work, time.monotonic() + 120.0)


def test_a_zigzag_at_the_bound_is_polished_shorter_with_the_same_pairs() -> None:
    problem, zigzag = _three_on_a_line()
    movable = set(zigzag.assignments)
    found, cost = search._polished_whole(
        problem, zigzag, movable, _budget(1.0), 0, SearchSettings()
    )
    assert found is not None
    polished, value = found
    _lawful(problem, polished)
    assert _pairs(problem, polished) == 3 and not polished.unassigned
    assert solution_travel(problem, polished) < solution_travel(problem, zigzag)
    assert value.travel == solution_travel(problem, polished) and cost > 0
    again, _ = search._polished_whole(problem, zigzag, movable, _budget(1.0), 0, SearchSettings())
    assert again is not None and again[0].assignments == polished.assignments


def _polish_calls(monkeypatch: MonkeyPatch) -> list[int]:
    """Record the size of each whole-team polish `improve` asks for (and do it)."""
    calls: list[int] = []
    real = search._polished_whole

    def recorded(*args: Any) -> tuple[tuple[Solution, Score] | None, float]:
        calls.append(len(args[2]))  # the movable visits
        return real(*args)

    monkeypatch.setattr(search, "_polished_whole", recorded)
    return calls


def test_a_small_team_stuck_at_the_bound_is_handed_to_the_whole_polish(
    monkeypatch: MonkeyPatch,
) -> None:
    problem, zigzag = _three_on_a_line()
    calls = _polish_calls(monkeypatch)
    best, _ = improve(problem, zigzag, _budget(2.0), 0, SearchSettings(whole_polish_after=0))
    assert calls == [3]
    _lawful(problem, best)
    assert solution_travel(problem, best) < solution_travel(problem, zigzag)


def test_a_team_larger_than_the_whole_polish_keeps_to_small_steps(
    monkeypatch: MonkeyPatch,
) -> None:
    problem, zigzag = _three_on_a_line()
    calls = _polish_calls(monkeypatch)
    settings = SearchSettings(whole_polish_after=0, whole_polish_visits=2)
    best, _ = improve(problem, zigzag, _budget(2.0), 0, settings)
    assert calls == []
    _lawful(problem, best)
