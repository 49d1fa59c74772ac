"""Ruin and recreate at the bound (`continuity.recreate`): strings of stops come off the
routes and go back by the inserter; the walk keeps continuity, serves what it served, lowers
the cost, repeats with a seed and keeps to its iterations and deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from pytest import MonkeyPatch

from hemplan.models.contract.clock import parse_clock
from hemplan.solver.continuity import search
from hemplan.solver.continuity.recreate import RuinSettings, heat_at, ruin_and_recreate
from hemplan.solver.continuity.search import Budget, SearchSettings, improve
from hemplan.solver.continuity.team_job import OPENING_SHARE
from hemplan.solver.problem import Problem
from hemplan.solver.score import Score, Weights, score, solution_travel
from hemplan.solver.solution import Placement, Solution
from tests.small_instances import shift, small, visit
from tests.solver.continuity.test_relabel import _pairs
from tests.solver.continuity.test_travel_start import _lawful, _three_on_a_line

LATER = 600.0  # seconds: a deadline no test reaches


def test_a_zigzag_at_the_bound_is_walked_shorter_with_the_same_pairs() -> None:
    problem, zigzag = _three_on_a_line()
    walked, value, asked = ruin_and_recreate(
        problem, zigzag, 50, 0, Weights(), time.monotonic() + LATER
    )
    _lawful(problem, walked)
    assert _pairs(problem, walked) == 3 and not walked.unassigned
    assert solution_travel(problem, walked) < solution_travel(problem, zigzag)
    # the walk ends once its insertions are spent: the last ruin is put back whole (3 visits
    # at most, one route each)
    assert value == score(problem, walked, Weights()) and 50 <= asked < 50 + 3
    again, _, _ = ruin_and_recreate(problem, zigzag, 50, 0, Weights(), time.monotonic() + LATER)
    assert again.assignments == walked.assignments


def test_the_walk_ends_after_its_patience_without_a_better_plan() -> None:
    problem, zigzag = _three_on_a_line()
    patient = RuinSettings(patience=100, patience_insertions=0)
    _, _, asked = ruin_and_recreate(
        problem, zigzag, 10**7, 0, Weights(), time.monotonic() + LATER, settings=patient
    )
    # at most three visits out and back per ruin, and a handful of ruins found better ones
    assert 0 < asked < 3 * 3 * 200


def test_a_walk_of_cheap_ruins_goes_on_for_its_patience_in_insertions() -> None:
    problem, zigzag = _three_on_a_line()
    patient = RuinSettings(patience=100, patience_insertions=5_000)
    _, _, asked = ruin_and_recreate(
        problem, zigzag, 10**7, 0, Weights(), time.monotonic() + LATER, settings=patient
    )
    # 100 ruins of three visits ask at most 900 insertions; the walk goes on to 5,000 after
    # its last better plan, which a handful of early ruins found
    assert 5_000 <= asked < 5_000 + 3 * 3 * 200


def test_no_iterations_or_a_passed_deadline_leave_the_plan_as_it_is() -> None:
    problem, zigzag = _three_on_a_line()
    for insertions, deadline in ((0, LATER), (50, -1.0)):
        kept, value, asked = ruin_and_recreate(
            problem, zigzag, insertions, 0, Weights(), time.monotonic() + deadline
        )
        assert kept is zigzag and asked == 0
        assert value == score(problem, zigzag, Weights())


def _two_clients_two_carers() -> tuple[Problem, Solution]:
    """Carers A and B, clients K (two visits) and L (two visits) at one home east and one
    west of the office; each client is served by both carers, criss-cross: 4 pairs against a
    bound of 2, and a walk may never add a pair."""
    east, west = {"lat": 62.392, "lon": 17.330}, {"lat": 62.392, "lon": 17.270}
    instance = small(
        [{"id": "A", "shifts": [shift(0)]}, {"id": "B", "shifts": [shift(0)]}],
        [{"id": "K", "location": east}, {"id": "L", "location": west}],
        [
            visit("K1", "K", 0, "08:00", "09:00"),
            visit("K2", "K", 0, "12:00", "13:00"),
            visit("L1", "L", 0, "08:00", "09:00"),
            visit("L2", "L", 0, "12:00", "13:00"),
        ],
        days=1,
    )
    problem = Problem.build(instance)
    at = {"K1": ("A", "08:00"), "L1": ("B", "08:00"), "K2": ("B", "12:00"), "L2": ("A", "12:00")}
    plan = Solution(assignments={v: Placement(0, parse_clock(t), (c,)) for v, (c, t) in at.items()})
    _lawful(problem, plan)
    return problem, plan


def test_a_visit_left_out_is_offered_again_and_served() -> None:
    problem, zigzag = _three_on_a_line()
    out = Solution(
        assignments={v: p for v, p in zigzag.assignments.items() if v != "V1"},
        unassigned={"V1": "not yet"},
    )
    walked, value, _ = ruin_and_recreate(problem, out, 20, 0, Weights(), time.monotonic() + LATER)
    _lawful(problem, walked)
    assert not walked.unassigned and value.unassigned_mandatory == 0


def test_the_walk_never_adds_a_pair_nor_leaves_a_visit_out() -> None:
    problem, crisscross = _two_clients_two_carers()
    walked, value, _ = ruin_and_recreate(
        problem, crisscross, 100, 1, Weights(), time.monotonic() + LATER
    )
    _lawful(problem, walked)
    assert not walked.unassigned and len(walked.assignments) == 4
    assert _pairs(problem, walked) <= _pairs(problem, crisscross)
    assert value <= score(problem, crisscross, Weights())


def test_a_visit_with_two_roles_and_a_gap_goes_back_lawfully() -> None:
    home = {"lat": 62.392, "lon": 17.304}
    far = {"lat": 62.392, "lon": 17.360}
    instance = small(
        [
            {"id": "A", "skills": ["nurse"], "shifts": [shift(0)]},
            {"id": "B", "shifts": [shift(0)]},
        ],
        [{"id": "K", "location": home}, {"id": "L", "location": far}],
        [
            visit(
                "V",
                "K",
                0,
                "08:00",
                "10:00",
                staff_needed=2,
                roles=[{"skills": ["nurse"]}, {"skills": []}],
                gap={"min": 20, "max": 40},
            ),
            visit("W", "L", 0, "08:00", "12:00"),
        ],
        days=1,
        skills=["nurse"],
    )
    problem = Problem.build(instance)
    nine, twenty_past, eleven = parse_clock("09:00"), parse_clock("09:20"), parse_clock("11:00")
    plan = Solution(
        assignments={
            "V": Placement(0, nine, ("A", "B"), (nine, twenty_past)),
            "W": Placement(0, eleven, ("A",)),
        }
    )
    _lawful(problem, plan)
    walked, _, asked = ruin_and_recreate(problem, plan, 400, 0, Weights(), time.monotonic() + LATER)
    _lawful(problem, walked)
    v = walked.assignments["V"]
    assert asked >= 400 and not walked.unassigned
    # the nurse A starts first; B within 20-40 minutes after
    assert v.carers == ("A", "B") and 20 <= v.starts[1] - v.starts[0] <= 40


def _walks(monkeypatch: MonkeyPatch, what: Callable[..., Any] = lambda *a, **k: a[2]) -> list:
    """Record `what` of each walk `improve` starts (its arguments; by default the insertions
    it is given), and walk."""
    calls: list = []
    real = search.ruin_and_recreate

    def recorded(*args: Any, **kwargs: Any) -> tuple[Solution, Score, int]:
        calls.append(what(*args, **kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(search, "ruin_and_recreate", recorded)
    return calls


def test_a_small_team_at_the_bound_walks_once_its_steps_are_stuck(
    monkeypatch: MonkeyPatch,
) -> None:
    problem, zigzag = _three_on_a_line()
    walks = _walks(monkeypatch)
    settings = SearchSettings(recreate_after=0)
    best, ended = improve(problem, zigzag, Budget(50.0, time.monotonic() + LATER), 0, settings)
    # the whole budget in insertions, none spent on steps before it; the walk ends when it
    # finds nothing more, long before the budget, and so does the search
    assert walks == [round(50.0 / settings.work_per_insertion)] and ended == "bound"
    _lawful(problem, best)
    assert solution_travel(problem, best) < solution_travel(problem, zigzag)


def test_a_team_no_step_can_free_whole_walks_at_once(monkeypatch: MonkeyPatch) -> None:
    problem, zigzag = _three_on_a_line()
    walks = _walks(monkeypatch)
    settings = SearchSettings(initial_free=2, recreate_after=10**6)
    best, _ = improve(problem, zigzag, Budget(0.05, time.monotonic() + LATER), 0, settings)
    assert len(walks) == 1
    _lawful(problem, best)
    # a small team with steps that may still find something does not walk yet
    walks.clear()
    improve(problem, zigzag, Budget(0.05, time.monotonic() + LATER), 0, SearchSettings())
    assert walks == []


def test_a_visit_left_out_goes_to_the_steps_before_the_walk(monkeypatch: MonkeyPatch) -> None:
    problem, zigzag = _three_on_a_line()
    out = Solution(
        assignments={v: p for v, p in zigzag.assignments.items() if v != "V1"},
        unassigned={"V1": "not yet"},
    )
    handed = _walks(monkeypatch, lambda *args, **kwargs: args[1])
    settings = SearchSettings(initial_free=2)  # no step frees the whole team
    best, _ = improve(problem, out, Budget(1.0, time.monotonic() + LATER), 0, settings)
    # the steps serve V1 first; the walk gets a plan with nothing left out
    assert len(handed) == 1 and not handed[0].unassigned
    _lawful(problem, best)
    assert not best.unassigned


def test_rounds_walk_one_cooling_not_a_hot_start_each() -> None:
    settings = RuinSettings(start_heat=0.5, end_heat=0.005)
    opening, second, later = (0.0, OPENING_SHARE), (OPENING_SHARE, 1.0), (1.0, 1.0)
    assert heat_at(settings, opening, 0.0) == pytest.approx(0.5)
    # the second round's walk starts where the opening's ended, and ends cold
    assert heat_at(settings, second, 0.0) == pytest.approx(heat_at(settings, opening, 1.0))
    assert heat_at(settings, second, 1.0) == pytest.approx(0.005)
    assert heat_at(settings, later, 0.0) == pytest.approx(0.005)  # a later round: cold
    assert heat_at(settings, opening, 0.5) > heat_at(settings, opening, 0.9)


def test_improve_hands_its_part_of_the_cooling_to_the_walk(monkeypatch: MonkeyPatch) -> None:
    problem, zigzag = _three_on_a_line()
    cooling = _walks(monkeypatch, lambda *args, **kwargs: kwargs["cooling"])
    settings = SearchSettings(recreate_after=0)
    budget = Budget(1.0, time.monotonic() + LATER, (OPENING_SHARE, 1.0))
    best, _ = improve(problem, zigzag, budget, 0, settings)
    assert cooling == [(OPENING_SHARE, 1.0)]
    _lawful(problem, best)
