"""Borrowing for visits left out: teams plan alone, then a visit its own team has no room for
goes to a carer of another team; nothing else moves, and every schedule is checked by the
evaluator."""

from __future__ import annotations

from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import instance_from_data
from hemplan.solver.continuity.borrow import place_left_out
from hemplan.solver.continuity.solve import solve
from hemplan.solver.method import SolveOptions
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Solution
from tests.small_instances import OFFICE, near, shift, visit


def two_teams() -> Instance:
    """Team N: carer A, clients K and L, each an hour between 08:00 and 09:00 on day 0 — A can do
    one. Team S: carer B, client M, one visit at 13:00; B is free in the morning."""
    raw = {
        "name": "two-teams",
        "horizon": {"start_date": "2026-01-05", "days": 1},
        "skills": [],
        "teams": [{"id": "N", "office": OFFICE}, {"id": "S", "office": OFFICE}],
        "staff": [
            {"id": "A", "team": "N", "travel_mode": "bike", "shifts": [shift(0)]},
            {"id": "B", "team": "S", "travel_mode": "bike", "shifts": [shift(0)]},
        ],
        "clients": [
            {"id": "K", "team": "N", "location": near(1)},
            {"id": "L", "team": "N", "location": near(2)},
            {"id": "M", "team": "S", "location": near(3)},
        ],
        "visits": [
            visit("K0", "K", 0, "08:00", "08:15", 60),
            visit("L0", "L", 0, "08:00", "08:15", 60),
            visit("M0", "M", 0, "13:00", "13:30", 30),
        ],
    }
    return instance_from_data(raw, "two-teams")


def test_teams_alone_leave_a_visit_out_and_borrowing_serves_it() -> None:
    instance = two_teams()
    alone = solve(instance, SolveOptions(work_limit=1, workers=1))
    assert len(alone.schedule.unassigned) == 1 and alone.evaluation.feasible
    assert not alone.schedule.allow_borrowing

    borrowed = solve(instance, SolveOptions(work_limit=1, workers=1, borrow_left_out=True))
    assert borrowed.schedule.unassigned == [] and borrowed.evaluation.feasible
    assert borrowed.schedule.allow_borrowing  # judged as a plan that borrows
    assert evaluate(instance, borrowed.schedule).metrics.borrowed_visits == 1
    carers = {a.visit: a.carers for a in borrowed.schedule.assignments}
    assert carers["M0"] == ["B"]  # team S's own visit stays with its own carer
    assert sorted(carers["K0"] + carers["L0"]) == ["A", "B"]
    kept = {a.visit for a in alone.schedule.assignments}
    assert all(
        carers[v] == next(a.carers for a in alone.schedule.assignments if a.visit == v)
        for v in kept
    )  # the teams' own plans did not move


def test_nothing_changes_when_nothing_is_left_out() -> None:
    instance = two_teams()
    district = Problem.build(instance, allow_borrowing=True)
    empty = Solution(assignments={}, breaks={}, unassigned={})
    assert place_left_out(district, empty, 0) is empty
