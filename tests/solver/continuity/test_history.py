"""The continuity solver with a history: a client keeps the carers it already knows."""

from __future__ import annotations

from dataclasses import replace

from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator import evaluate
from hemplan.solver.continuity.construct import construct
from hemplan.solver.continuity.solve import solve
from hemplan.solver.method import SolveOptions
from hemplan.solver.problem import Problem
from hemplan.solver.score import Weights, pair_cost
from tests.small_instances import shift, small, visit

HOME = {"lat": 62.391, "lon": 17.301}


def three_days(met: str | None, days_of: dict[str, range] | None = None) -> Instance:
    """Client K with a visit on each of days 0-2 that A or B could do; K met `met` on the
    Sunday before the horizon."""
    days_of = days_of or {"A": range(3), "B": range(3)}
    history = (
        {"history": {"visits": [{"date": "2026-01-04", "client": "K", "carers": [met]}]}}
        if met
        else {}
    )
    return small(
        [{"id": c, "shifts": [shift(d) for d in days]} for c, days in days_of.items()],
        [{"id": "K", "location": HOME}],
        [visit(f"V{d}", "K", d) for d in range(3)],
        days=3,
        **history,
    )


def carers_of(instance: Instance) -> set[str]:
    schedule = solve(instance, SolveOptions(workers=1, work_limit=1.0)).schedule
    assert [str(v) for v in evaluate(instance, schedule).violations] == []
    assert len(schedule.assignments) == 3
    return {c for a in schedule.assignments for c in a.carers}


def test_a_client_met_by_a_carer_in_the_history_keeps_that_carer() -> None:
    assert carers_of(three_days("A")) == {"A"}
    assert carers_of(three_days("B")) == {"B"}  # the history decides, not the ids


def test_a_known_carer_who_cannot_come_every_day_does_not_bring_a_second_one() -> None:
    """A works days 0-1 only: A and B would cost a new carer and a known one, B alone just
    the new one (and one carer in the period's own windows)."""
    assert carers_of(three_days("A", {"A": range(2), "B": range(3)})) == {"B"}


def test_a_known_carer_costs_a_tenth_of_a_new_one() -> None:
    problem = Problem.build(three_days("A"))
    assert problem.known == {"K": frozenset({"A"})}
    assert pair_cost(problem, {"K": {"A"}}) == 10
    assert pair_cost(problem, {"K": {"B"}}) == 100
    assert pair_cost(problem, {"K": {"A", "B"}}) == 110


def test_history_older_than_the_look_back_is_not_known() -> None:
    instance = three_days("A")
    assert instance.history is not None
    older = instance.history.model_copy(update={"look_back_days": 1})
    problem = Problem.build(instance.model_copy(update={"history": older}))
    assert problem.known == {"K": frozenset({"A"})}  # the Sunday is one day back
    oldest = instance.history.visits[0].model_copy(
        update={"date": instance.history.visits[0].date.replace(day=3)}
    )
    far = instance.history.model_copy(update={"look_back_days": 1, "visits": [oldest]})
    assert Problem.build(instance.model_copy(update={"history": far})).known == {}


def two_visits_at_once(first_week: dict[str, str]) -> Instance:
    """K needs X and Y at 08:00 on days 0 and 7 (two carers each day, whoever does which);
    day 0's carers are locked as `first_week` says."""
    visits = [
        visit(f"{s}{d}", "K", d, "08:00", "08:00", service=s)
        | ({"locked_carers": [first_week[s]]} if d == 0 else {})
        for s in ("X", "Y")
        for d in (0, 7)
    ]
    staff = [{"id": c, "shifts": [shift(0), shift(7)]} for c in ("A", "B")]
    return small(staff, [{"id": "K", "location": HOME}], visits, days=8)


def test_a_stable_week_gives_each_visit_the_carer_of_the_week_before() -> None:
    for first in ({"X": "A", "Y": "B"}, {"X": "B", "Y": "A"}):
        instance = two_visits_at_once(first)
        options = SolveOptions(workers=1, work_limit=1.0, weights=replace(Weights(), week=100))
        schedule = solve(instance, options).schedule
        assert [str(v) for v in evaluate(instance, schedule).violations] == []
        carers = {a.visit: a.carers for a in schedule.assignments}
        assert carers == {
            "X0": [first["X"]],
            "Y0": [first["Y"]],
            "X7": [first["X"]],
            "Y7": [first["Y"]],
        }


def test_the_first_plan_repeats_the_visit_of_a_fortnight_before() -> None:
    """B did K's visit at 10:30 on Monday 2025-12-22, two weeks before day 0 (Monday
    2026-01-05); the first plan does it so again, though A at 08:00 would do as well."""
    history = {
        "visits": [
            {"date": "2025-12-22", "client": "K", "carers": ["B"], "start": "10:30"},
        ],
        "look_back_days": 14,
    }
    instance = small(
        [{"id": c, "shifts": [shift(0)]} for c in ("A", "B")],
        [{"id": "K", "location": HOME}],
        [visit("V0", "K", 0, "08:00", "12:00")],
        days=1,
        history=history,
    )
    plan = construct(Problem.build(instance), seed=0)
    assert plan.assignments["V0"].carers == ("B",)
    assert plan.assignments["V0"].start == 10 * 60 + 30
