"""Where a team's search starts without a budget (`continuity.travel_start`): its own
travel-only plan, routed day by day in the team's process, handed over and tidied, when that
scores better than the construction; a construction at the continuity bound is routed too,
for its minutes."""

from __future__ import annotations

import time
from typing import Any

from pytest import MonkeyPatch

from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance
from hemplan.solver.assemble import to_schedule
from hemplan.solver.baselines.by_day import offered
from hemplan.solver.continuity import rounds as rounds_module
from hemplan.solver.continuity.construct import construct
from hemplan.solver.continuity.team_job import TeamJob, TeamStart
from hemplan.solver.continuity.travel_start import on_time, team_travel_plan, travel_start
from hemplan.solver.problem import Problem
from hemplan.solver.score import Weights, solution_travel
from hemplan.solver.solution import Placement, Solution
from tests.paths import INSTANCES
from tests.small_instances import late_carer, shift, small, visit
from tests.solver.continuity.test_relabel import BOTH_DAYS, EIGHT, _pairs


def _lawful(problem: Problem, plan: Solution) -> None:
    assert evaluate(problem.instance, to_schedule(problem, plan)).violations == []


def test_a_teams_own_travel_plan_is_lawful_repeats_and_travels_less_than_its_construction() -> None:
    problem = Problem.build(load_instance(INSTANCES / "team-14d.json"))
    plan = team_travel_plan(problem, seconds=300.0, work=0.2, seed=0)
    assert plan is not None
    _lawful(problem, plan)
    again = team_travel_plan(problem, seconds=300.0, work=0.2, seed=0)
    assert again is not None and again.assignments == plan.assignments
    built = construct(problem, 0)
    assert solution_travel(problem, plan) < solution_travel(problem, built)


def test_a_stop_request_leaves_no_travel_only_plan() -> None:
    problem = Problem.build(load_instance(INSTANCES / "team-14d.json"))
    assert team_travel_plan(problem, 300.0, 0.2, 0, should_stop=lambda: True) is None


def _plan(x0: str, y0: str, x1: str, y1: str) -> Solution:
    """X's and Y's 08:00 visits on days 0 and 1 served by the carers named."""
    carers = {"X0": x0, "Y0": y0, "X1": x1, "Y1": y1}
    return Solution(assignments={v: Placement(int(v[1]), EIGHT, (c,)) for v, c in carers.items()})


def _one_carer_each(locked: dict[str, Any] | None = None) -> tuple[Problem, Solution, Solution]:
    """Clients X (who prefers A) and Y (who prefers B), one visit each at 08:00 on days 0 and
    1 (X0 with the fields `locked`); the crosswise plan (four pairs) and a plan at the bound:
    A serves X, B serves Y."""
    extra = {"X0": locked or {}}
    instance = small(
        [{"id": c, "shifts": BOTH_DAYS} for c in "AB"],
        [{"id": "X", "preferred_carers": ["A"]}, {"id": "Y", "preferred_carers": ["B"]}],
        [
            visit(v, v[0], int(v[1]), "08:00", "08:00", **extra.get(v, {}))
            for v in ("X0", "X1", "Y0", "Y1")
        ],
        days=2,
    )
    problem = Problem.build(instance)
    crosswise, at_bound = _plan("A", "B", "B", "A"), _plan("A", "B", "A", "B")
    _lawful(problem, crosswise)
    _lawful(problem, at_bound)
    return problem, crosswise, at_bound


def test_the_search_starts_from_the_travel_only_plan_handed_over() -> None:
    """A construction short of the bound (here it serves nothing) gives way to the travel-only
    plan handed over (two pairs instead of its four), whatever it scores."""
    problem, crosswise, _ = _one_carer_each()
    nothing = Solution(unassigned={v: "test" for v in crosswise.assignments})
    start = travel_start(problem, nothing, crosswise, Weights(), 0)
    assert _pairs(problem, start) == 2 and set(start.assignments) == set(crosswise.assignments)
    assert solution_travel(problem, start) == solution_travel(problem, crosswise)
    _lawful(problem, start)


def test_the_travel_start_is_taken_only_when_it_scores_better_than_the_construction() -> None:
    problem, crosswise, at_bound = _one_carer_each()
    # handed over, the crosswise plan is the plan at the bound: no better, the construction stays
    assert travel_start(problem, at_bound, crosswise, Weights(), 0) is at_bound
    # a construction that leaves Y1 out scores worse than the travel plan serving it
    short = Solution(
        assignments={v: p for v, p in at_bound.assignments.items() if v != "Y1"},
        unassigned={"Y1": "test"},
    )
    start = travel_start(problem, short, at_bound, Weights(), 0)
    assert start.assignments == at_bound.assignments and not start.unassigned


def test_the_handed_over_start_serves_what_the_repair_can_place() -> None:
    """A travel-only plan that left Y1 out: the start is tidied as a construction ends, so Y1
    goes to the carer Y already meets (B), and the start serves every visit with two pairs."""
    problem, _, at_bound = _one_carer_each()
    partial = Solution(
        assignments={v: p for v, p in at_bound.assignments.items() if v != "Y1"},
        unassigned={"Y1": "teams-travel: no room"},
    )
    nothing = Solution(unassigned={v: "test" for v in at_bound.assignments})
    start = travel_start(problem, nothing, partial, Weights(), 0)
    assert start.assignments == at_bound.assignments and not start.unassigned
    _lawful(problem, start)


def test_a_travel_plan_that_leaves_out_a_locked_visit_is_no_start() -> None:
    """The search keeps a locked visit where it is: from a plan without it, it would stay out
    (a replan's schedule would break its lock). The construction, short of the bound, stays."""
    problem, crosswise, at_bound = _one_carer_each({"locked_carers": ["A"]})
    without = Solution(
        assignments={v: p for v, p in at_bound.assignments.items() if v != "X0"},
        unassigned={"X0": "test"},
    )
    assert travel_start(problem, crosswise, without, Weights(), 0) is crosswise
    # the same plan serving X0 is the start
    start = travel_start(problem, crosswise, at_bound, Weights(), 0)
    assert start.assignments == at_bound.assignments


def _job() -> TeamJob:
    now = time.time()
    return TeamJob(now + 60.0, 1, 1, 0.1, 0, False, now)


def test_held_to_its_own_window_a_visit_that_can_only_be_late_is_left_out() -> None:
    # V may start 08:00-09:00, 30 minutes late at most; its carer starts at 09:20: the plain
    # travel-only plan serves it late, the held one leaves it to the tidy pass
    problem = Problem.build(late_carer(lateness=30))
    loose = team_travel_plan(problem, 30.0, 1.0, 0)
    held = team_travel_plan(problem, 30.0, 1.0, 0, held=True)
    assert loose is not None and loose.assignments["V"].start > 9 * 60
    assert held is not None and "V" in held.unassigned and not held.assignments


def test_on_time_holds_soft_windows_only() -> None:
    instance = small(
        [{"id": "A", "shifts": [shift(0)]}],
        [{"id": "K"}],
        [
            visit("SOFT", "K", 0, "08:00", "09:00", lateness={"max": 60}),
            visit("HARD", "K", 0, "10:00", "11:00"),
            visit("LOCKED", "K", 0, "12:00", "13:00", lateness={"max": 60}, locked_start="12:30"),
        ],
        days=1,
    )
    problem = Problem.build(instance)
    offer = offered(problem, 0, list(instance.visits))
    windows = {dv.visit.id: (dv.earliest, dv.latest, dv.windows) for dv in on_time(offer).visits}
    assert windows["SOFT"] == (480, 540, ((480, 540),))  # 09:00, not 10:00
    assert windows["HARD"] == (600, 660, ((600, 660),))
    assert windows["LOCKED"] == (750, 750, ((750, 750),))
    before = {dv.visit.id: dv.windows for dv in offer.visits}
    assert before["SOFT"] == ((480, 600),)  # the offer itself reaches as far as the lateness


def _routings(monkeypatch: MonkeyPatch) -> list[bool]:
    """The `held` of every travel-only plan `_from_travel` asks for (each still made)."""
    asked: list[bool] = []
    real = rounds_module.team_travel_plan

    def recorded(*args: Any, **kwargs: Any) -> Solution | None:
        asked.append(bool(args[5] if len(args) > 5 else kwargs.get("held", False)))
        return real(*args, **kwargs)

    monkeypatch.setattr(rounds_module, "team_travel_plan", recorded)
    return asked


def _three_on_a_line() -> tuple[Problem, Solution]:
    """One carer and three clients 1, 2 and 3 km east of the office, a visit each on day 0
    (08:00-14:00); every plan is at the bound, and this one zigzags 3 km, 1 km, 2 km out."""
    east = [{"lat": 62.390, "lon": 17.300 + 0.0194 * k} for k in (1, 2, 3)]
    instance = small(
        [{"id": "A", "shifts": [shift(0)]}],
        [{"id": f"K{k}", "location": east[k]} for k in range(3)],
        [visit(f"V{k}", f"K{k}", 0, "08:00", "14:00") for k in range(3)],
        days=1,
    )
    problem = Problem.build(instance)
    zigzag = {"V2": 8 * 60, "V0": 10 * 60, "V1": 12 * 60}
    plan = Solution(assignments={v: Placement(0, t, ("A",)) for v, t in zigzag.items()})
    _lawful(problem, plan)
    return problem, plan


def test_a_construction_at_the_bound_is_routed_for_its_minutes(monkeypatch: MonkeyPatch) -> None:
    problem, zigzag = _three_on_a_line()
    asked = _routings(monkeypatch)
    moved = rounds_module._from_travel(TeamStart(problem, zigzag, 0.0), _job())
    assert asked == [False]  # at the bound, one travel-only plan all the same
    _lawful(problem, moved.solution)
    assert _pairs(problem, moved.solution) == 3 and not moved.solution.unassigned
    assert solution_travel(problem, moved.solution) < solution_travel(problem, zigzag)


def test_short_of_the_bound_one_travel_plan_is_made_and_handed_over(
    monkeypatch: MonkeyPatch,
) -> None:
    problem, crosswise, _ = _one_carer_each()
    asked = _routings(monkeypatch)
    moved = rounds_module._from_travel(TeamStart(problem, crosswise, 0.0), _job())
    assert asked == [False] and _pairs(problem, moved.solution) == 2
    _lawful(problem, moved.solution)


def test_with_soft_windows_a_plan_held_to_them_is_made_too(monkeypatch: MonkeyPatch) -> None:
    problem = Problem.build(late_carer(lateness=30))
    asked = _routings(monkeypatch)
    nothing = Solution(unassigned={"V": "test"})
    moved = rounds_module._from_travel(TeamStart(problem, nothing, 0.0), _job())
    assert asked == [False, True]
    assert "V" in moved.solution.assignments  # the plain plan serves it late; the held one not
    _lawful(problem, moved.solution)
