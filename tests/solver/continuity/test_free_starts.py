"""The step that frees the starts (`continuity.free_starts`): each constraint family satisfied
and violated, and the step itself taking a carer off a client where only a visit that stays
moving in time makes room (which the ordinary step, with that visit fixed, cannot).

The small plan of most tests (`_plan`): client K has a one-hour visit at 08:00-08:10 on days
0 and 1; client L a 45-minute one at 08:00-10:00 on day 1. Carer A works both days, B day 1
only. The plan gives K0 and L1 (at 08:00) to A, K1 to B: K meets two carers where A alone
could serve it, once L1 moves to after K1."""

from __future__ import annotations

import random

from ortools.sat.python import cp_model

from hemplan.models.evaluator import evaluate
from hemplan.solver.assemble import to_schedule
from hemplan.solver.continuity.free_starts import (
    FreeStartsModel,
    applies,
    build_model,
    draw_clients,
    solve_free_starts,
)
from hemplan.solver.continuity.neighbourhood import StepLimits
from hemplan.solver.continuity.search import merge
from hemplan.solver.problem import Problem
from hemplan.solver.score import client_carers
from hemplan.solver.solution import Placement, Solution
from tests.small_instances import shift, small, two_roles, visit

LIMITS = StepLimits(seconds=10, work=5.0, seed=0)


def _problem(brk: bool = False) -> Problem:
    return Problem.build(
        small(
            [
                {"id": "A", "shifts": [shift(0, brk=brk), shift(1, brk=brk)]},
                {"id": "B", "shifts": [shift(1, brk=brk)]},
            ],
            [{"id": "K"}, {"id": "L"}],
            [
                visit("K0", "K", 0, "08:00", "08:10", 60),
                visit("K1", "K", 1, "08:00", "08:10", 60),
                visit("L1", "L", 1, "08:00", "10:00", 45),
            ],
            days=2,
        )
    )


def _plan(problem: Problem) -> Solution:
    plan = Solution(
        assignments={
            "K0": Placement(0, 8 * 60, ("A",)),
            "K1": Placement(1, 8 * 60, ("B",)),
            "L1": Placement(1, 8 * 60, ("A",)),
        }
    )
    plan.breaks = {
        (c, d): 12 * 60 for c, d in plan.routes() if problem.carer(c).shift_by_day[d].break_
    }
    return plan


def _feasible(m: FreeStartsModel, *fixings: tuple[cp_model.IntVar, int]) -> bool:
    """Whether the model has a solution with each variable at its value."""
    for var, value in fixings:
        m.model.add(var == value)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.num_workers = 1
    return solver.solve(m.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _model(brk: bool = False) -> FreeStartsModel:
    problem = _problem(brk)
    return build_model(problem, _plan(problem), ["K"])[0]


# ------------------------------------------------------------------ the step


def test_a_visit_that_stays_moves_in_time_so_the_client_keeps_one_carer() -> None:
    problem = _problem()
    plan = _plan(problem)
    assert client_carers(problem, plan)["K"] == {"A", "B"}
    result = solve_free_starts(problem, plan, ["K"], LIMITS)
    assert result is not None
    after = merge(plan, result)
    assert client_carers(problem, after)["K"] == {"A"}
    # L1 stayed with A and moved after K1 (K1 from 08:00-08:10 for an hour, then the leg)
    assert after.assignments["L1"].carers == ("A",)
    assert after.assignments["L1"].start > after.assignments["K1"].start + 60
    evaluation = evaluate(problem.instance, to_schedule(problem, after))
    assert evaluation.feasible, evaluation.violations


def test_with_breaks_the_plan_stays_lawful() -> None:
    problem = _problem(brk=True)
    result = solve_free_starts(problem, _plan(problem), ["K"], LIMITS)
    assert result is not None
    after = merge(_plan(problem), result)
    assert client_carers(problem, after)["K"] == {"A"}
    evaluation = evaluate(problem.instance, to_schedule(problem, after))
    assert evaluation.feasible, evaluation.violations


def test_a_visit_the_plan_serves_stays_served() -> None:
    assert _feasible(_model())
    m = _model()
    assert not _feasible(m, (m.day_of[("K1", 1)], 0))


# ------------------------------------------------------------------ families


def test_choices_give_a_visit_as_many_carers_as_it_needs() -> None:
    m = _model()
    assert _feasible(m, (m.chosen[("K1", "A", 1)], 1), (m.chosen[("K1", "B", 1)], 0))
    m = _model()
    assert not _feasible(m, (m.chosen[("K1", "A", 1)], 1), (m.chosen[("K1", "B", 1)], 1))
    m = _model()
    assert not _feasible(m, (m.chosen[("K1", "A", 1)], 0), (m.chosen[("K1", "B", 1)], 0))


def test_choices_of_a_visit_with_roles_need_each_roles_skills() -> None:
    # K's V needs a nurse (A) and any carer; its W (later that day) is C's: K meets A, B, C
    problem = Problem.build(
        small(
            [
                {"id": c, "skills": held, "shifts": [shift(0)]}
                for c, held in (("A", ["nurse"]), ("B", []), ("C", []))
            ],
            [{"id": "K"}],
            [
                visit("V", "K", 0, staff_needed=2, roles=[{"skills": ["nurse"]}, {"skills": []}]),
                visit("W", "K", 0, "13:00", "14:00"),
            ],
            days=1,
            skills=["nurse"],
        )
    )
    plan = Solution(
        assignments={"V": Placement(0, 8 * 60, ("A", "B")), "W": Placement(0, 13 * 60, ("C",))}
    )
    m = build_model(problem, plan, ["K"])[0]
    assert _feasible(m, (m.chosen[("V", "A", 0)], 1), (m.chosen[("V", "C", 0)], 1))
    m = build_model(problem, plan, ["K"])[0]
    assert not _feasible(m, (m.chosen[("V", "B", 0)], 1), (m.chosen[("V", "C", 0)], 1))


def test_starts_stay_inside_the_windows() -> None:
    m = _model()
    assert _feasible(m, (m.start["L1"], 9 * 60 + 15))  # 09:15, inside 08:00-10:00
    m = _model()
    assert not _feasible(m, (m.start["L1"], 10 * 60 + 1))


def test_separation_keeps_two_visits_of_one_carer_apart_by_the_leg() -> None:
    problem = _problem()
    leg = problem.minutes(
        problem.carer("A"), problem.home(problem.visit("K1")), problem.home(problem.visit("L1"))
    )
    assert leg > 0
    m = _model()
    k1_on_a = (m.chosen[("K1", "A", 1)], 1)
    assert _feasible(m, k1_on_a, (m.start["K1"], 8 * 60), (m.start["L1"], 9 * 60 + leg))
    m = _model()
    k1_on_a = (m.chosen[("K1", "A", 1)], 1)
    assert not _feasible(m, k1_on_a, (m.start["K1"], 8 * 60), (m.start["L1"], 9 * 60 + leg - 1))
    m = _model()  # on different carers they may overlap
    k1_on_b = (m.chosen[("K1", "B", 1)], 1)
    assert _feasible(m, k1_on_b, (m.start["K1"], 8 * 60), (m.start["L1"], 8 * 60))


def test_separation_adds_the_break_when_it_falls_between() -> None:
    problem = _problem(brk=True)
    leg = problem.minutes(
        problem.carer("A"), problem.home(problem.visit("K1")), problem.home(problem.visit("L1"))
    )
    m = _model(brk=True)
    k1_on_a = (m.chosen[("K1", "A", 1)], 1)
    # the break at 09:00 between K1 (08:00-09:00) and L1: L1 after the break and the leg
    fits = (
        (m.start["K1"], 8 * 60),
        (m.break_start[("A", 1)], 11 * 60),
        (m.start["L1"], 9 * 60 + leg),
    )
    assert _feasible(m, k1_on_a, *fits)
    m = _model(brk=True)
    k1_on_a = (m.chosen[("K1", "A", 1)], 1)
    early = (m.start["K1"], 8 * 60), (m.start["L1"], 9 * 60 + 30 + leg - 1)
    # a break window of 11:00-13:00 cannot sit between 09:00 and L1's start before 10:00 ...
    assert not _feasible(m, k1_on_a, *early, (m.break_start[("A", 1)], 11 * 60 - 1))


def _around_the_break(a_shift: dict) -> tuple[Problem, Solution]:
    """A works day 0 with a break of 30 minutes at 11:00-13:00 (`a_shift`): P0 (10:30 sharp,
    30 minutes) on A, and Q0 (11:00-12:30, 30 minutes) left out, so that any carer may take
    it when its client is freed."""
    problem = Problem.build(
        small(
            [{"id": "A", "shifts": [a_shift]}, {"id": "B", "shifts": [shift(0)]}],
            [{"id": "P"}, {"id": "Q"}],
            [visit("P0", "P", 0, "10:30", "10:30", 30), visit("Q0", "Q", 0, "11:00", "12:30", 30)],
            days=1,
        )
    )
    plan = Solution(
        assignments={"P0": Placement(0, 10 * 60 + 30, ("A",))}, unassigned={"Q0": "left out"}
    )
    plan.breaks = {("A", 0): 12 * 60}
    return problem, plan


def test_separation_counts_the_rest_only_when_the_break_falls_between() -> None:
    problem, plan = _around_the_break(shift(0, brk=True))
    a = problem.carer("A")
    leg = problem.minutes(a, problem.home(problem.visit("P0")), problem.home(problem.visit("Q0")))

    def q0_on_a(start: int, brk: int) -> bool:
        m = build_model(problem, plan, ["Q"])[0]
        return _feasible(
            m, (m.chosen[("Q0", "A", 0)], 1), (m.start["Q0"], start), (m.break_start[("A", 0)], brk)
        )

    # the break at 11:00, between P0 (10:30-11:00) and Q0: Q0 after the break and the leg
    assert q0_on_a(11 * 60 + 30 + leg, 11 * 60)
    assert not q0_on_a(11 * 60 + 30 + leg - 1, 11 * 60)
    # the break at 12:30, after both: the leg alone
    assert q0_on_a(11 * 60 + leg, 12 * 60 + 30)
    assert not q0_on_a(11 * 60 + leg - 1, 12 * 60 + 30)


def test_shift_legs_count_the_rest_on_the_breaks_side() -> None:
    # A's shift ends at 13:30: the break (30 minutes) starts by 13:00 at the latest
    problem, plan = _around_the_break(shift(0, end="13:30", brk=True))
    a = problem.carer("A")
    back = problem.minutes(a, problem.home(problem.visit("Q0")), problem.office(a))
    assert back > 0
    # Q0 on A before the break ends in time for the break and the leg back, not just the
    # leg back (then it could end at 13:00, the break's latest start)
    latest = 13 * 60 + 30 - back - 30 - 30

    def q0_on_a_before_the_break(start: int) -> bool:
        m = build_model(problem, plan, ["Q"])[0]
        return _feasible(
            m,
            (m.chosen[("Q0", "A", 0)], 1),
            (m.start["Q0"], start),
            (m.before_break[("Q0", "A", 0)], 1),
        )

    assert q0_on_a_before_the_break(latest)
    assert not q0_on_a_before_the_break(latest + 1)


def test_breaks_stay_inside_their_window_and_off_the_visits() -> None:
    m = _model(brk=True)
    assert _feasible(m, (m.break_start[("A", 1)], 11 * 60))
    m = _model(brk=True)
    assert not _feasible(m, (m.break_start[("A", 1)], 10 * 60 + 59))  # window 11:00-13:00
    m = _model(brk=True)  # L1 at 09:45-10:30 cannot overlap a break moved to 10:00
    assert not _feasible(
        m,
        (m.start["L1"], 9 * 60 + 45),
        (m.break_start[("A", 1)], 11 * 60),
        (m.before_break[("L1", "A", 1)], 0),
    )


def _l_on_a(a_shift: dict) -> tuple[Problem, Solution]:
    """K0 on A on day 0; L1 (08:00-10:00, 45 minutes, a few minutes from the office) on A on
    day 1, whose shift is `a_shift`; B works day 1 too."""
    problem = Problem.build(
        small(
            [{"id": "A", "shifts": [shift(0), a_shift]}, {"id": "B", "shifts": [shift(1)]}],
            [{"id": "K"}, {"id": "L"}],
            [visit("K0", "K", 0, "08:00", "08:10", 60), visit("L1", "L", 1, "08:00", "10:00", 45)],
            days=2,
        )
    )
    plan = Solution(
        assignments={"K0": Placement(0, 8 * 60, ("A",)), "L1": Placement(1, 9 * 60, ("A",))}
    )
    return problem, plan


def _legs(problem: Problem) -> tuple[int, int]:
    a = problem.carer("A")
    home = problem.home(problem.visit("L1"))
    return problem.minutes(a, problem.office(a), home), problem.minutes(a, home, problem.office(a))


def test_shift_legs_leave_the_office_after_the_shift_starts() -> None:
    problem, plan = _l_on_a(shift(1, start="08:00"))
    out, _ = _legs(problem)
    assert out > 0  # L lives a few minutes from the office
    m = build_model(problem, plan, ["L"])[0]
    on_a = (m.chosen[("L1", "A", 1)], 1)
    assert _feasible(m, on_a, (m.start["L1"], 8 * 60 + out))
    m = build_model(problem, plan, ["L"])[0]
    on_a = (m.chosen[("L1", "A", 1)], 1)
    assert not _feasible(m, on_a, (m.start["L1"], 8 * 60 + out - 1))


def test_shift_legs_come_back_before_the_shift_ends() -> None:
    problem, plan = _l_on_a(shift(1, end="10:30"))
    _, back = _legs(problem)
    latest = 10 * 60 + 30 - 45 - back
    m = build_model(problem, plan, ["L"])[0]
    on_a = (m.chosen[("L1", "A", 1)], 1)
    assert _feasible(m, on_a, (m.start["L1"], latest))
    m = build_model(problem, plan, ["L"])[0]
    on_a = (m.chosen[("L1", "A", 1)], 1)
    assert not _feasible(m, on_a, (m.start["L1"], latest + 1))


def test_pair_costs_count_the_carers_a_client_meets() -> None:
    problem = _problem()
    m, _ = build_model(problem, _plan(problem), ["K"])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(m.model) == cp_model.OPTIMAL
    # one pair (K, A) at 1000, and K1 moved off B: 1
    assert round(solver.objective_value) == 1001


# ------------------------------------------------------------------ when and whom


def test_draw_takes_a_client_above_its_bound_and_its_fellows() -> None:
    problem = _problem()
    plan = _plan(problem)
    assert draw_clients(problem, plan, random.Random(0)) == ["K", "L"]  # L shares carer A
    result = solve_free_starts(problem, plan, ["K"], LIMITS)
    assert result is not None
    assert draw_clients(problem, merge(plan, result), random.Random(0)) == []  # all at bound


def test_the_step_applies_only_where_it_models_every_rule() -> None:
    assert applies(_problem())
    assert not applies(Problem.build(two_roles(gap=(10, 20))))
    assert not applies(_problem().with_travel_budget(100))


def test_a_visit_left_out_is_drawn_and_served() -> None:
    problem = _problem()
    plan = _plan(problem)
    del plan.assignments["K1"]
    plan.unassigned["K1"] = "capacity"
    # no client above its bound: the draw goes to K1's client and whom K1's carers serve
    clients = draw_clients(problem, plan, random.Random(0))
    assert clients == ["K", "L"]
    result = solve_free_starts(problem, plan, clients, LIMITS)
    assert result is not None
    after = merge(plan, result)
    assert "K1" in after.assignments and not after.unassigned
    evaluation = evaluate(problem.instance, to_schedule(problem, after))
    assert evaluation.feasible, evaluation.violations
