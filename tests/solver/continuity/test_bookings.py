"""A shared pool of substitutes (a team without clients): each shift is booked to the team
short of carers that day, which plans with it; every schedule checked by the evaluator."""

from __future__ import annotations

from typing import Any

from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import instance_from_data
from hemplan.solver.continuity.bookings import book_shifts, shared_pools
from hemplan.solver.continuity.solve import solve
from hemplan.solver.method import SolveOptions
from tests.small_instances import OFFICE, near, shift, visit


def with_pool(substitute_skills: list[str] | None = None) -> Instance:
    """Team N: carer A, clients K and L, each an hour starting 08:00-08:15 on day 0 (A can do
    one). Team S: carer B, client M, one visit at 13:00. Pool V, no clients: substitute X
    working day 0 (with `substitute_skills`; K's and L's visits need insulin when given)."""
    skills = substitute_skills if substitute_skills is not None else []
    needs: dict[str, Any] = {"skills": ["insulin"]} if substitute_skills is not None else {}
    raw = {
        "name": "with-pool",
        "horizon": {"start_date": "2026-01-05", "days": 1},
        "skills": ["insulin"],
        "teams": [
            {"id": "N", "office": OFFICE},
            {"id": "S", "office": OFFICE},
            {"id": "V", "name": "Substitutes (shared)", "office": OFFICE},
        ],
        "staff": [
            {"id": "A", "team": "N", "skills": ["insulin"], "shifts": [shift(0)]},
            {"id": "B", "team": "S", "shifts": [shift(0)]},
            {
                "id": "X",
                "team": "V",
                "skills": skills,
                "employment": "substitute",
                "shifts": [shift(0)],
            },
        ],
        "clients": [
            {"id": "K", "team": "N", "location": near(1)},
            {"id": "L", "team": "N", "location": near(2)},
            {"id": "M", "team": "S", "location": near(3)},
        ],
        "visits": [
            visit("K0", "K", 0, "08:00", "08:15", 60, **needs),
            visit("L0", "L", 0, "08:00", "08:15", 60, **needs),
            visit("M0", "M", 0, "13:00", "13:30", 30),
        ],
    }
    return instance_from_data(raw, "with-pool")


def test_a_team_without_clients_is_a_shared_pool() -> None:
    assert [t.id for t in shared_pools(with_pool())] == ["V"]


def test_the_shift_is_booked_to_the_team_short_of_carers() -> None:
    booked = book_shifts(with_pool(), ["N", "S"], {"V"})
    assert list(booked) == ["N"] and [s.day for s in booked["N"]["X"]] == [0]


def test_a_substitute_is_not_booked_where_they_can_do_nothing() -> None:
    """N's visits need insulin, which X lacks: the shift goes to S, where X could help."""
    booked = book_shifts(with_pool(substitute_skills=[]), ["N", "S"], {"V"})
    assert list(booked) == ["S"]


def test_the_booked_substitute_serves_the_short_team_and_is_counted_as_borrowed() -> None:
    instance = with_pool()
    result = solve(instance, SolveOptions(work_limit=1, workers=1, borrow_left_out=True))
    assert result.evaluation.feasible and result.schedule.unassigned == []
    carers = {a.visit: a.carers for a in result.schedule.assignments}
    assert sorted(carers["K0"] + carers["L0"]) == ["A", "X"] and carers["M0"] == ["B"]
    assert evaluate(instance, result.schedule).metrics.borrowed_visits == 1


def test_without_borrowing_the_pool_serves_nobody() -> None:
    result = solve(with_pool(), SolveOptions(work_limit=1, workers=1))
    assert result.evaluation.feasible and len(result.schedule.unassigned) == 1
    assert all("X" not in a.carers for a in result.schedule.assignments)
