"""The construction heuristic: feasible by the independent evaluator, continuity-aware,
reproducible.

Every test that constructs a plan also asserts that the evaluator finds no violation.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Schedule
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import instance_from_data
from hemplan.models.io.write import to_json
from hemplan.solver.assemble import to_schedule
from hemplan.solver.continuity.carer_days import CarerDays
from hemplan.solver.continuity.construct import construct
from hemplan.solver.continuity.routes import (
    BreakRule,
    DayContext,
    RouteStop,
    best_insertion,
    time_route,
)
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Solution
from tests.hand_instance import write_hand_instance
from tests.small_instances import OFFICE, near, shift, small, visit


def build(
    instance: Instance, seed: int = 0, allow_borrowing: bool = False
) -> tuple[Solution, Schedule]:
    """Construct, assemble, and check with the evaluator: no violation, every visit accounted
    for."""
    problem = Problem.build(instance, allow_borrowing)
    plan = construct(problem, seed)
    schedule = to_schedule(problem, plan)
    result = evaluate(instance, schedule)
    assert [str(v) for v in result.violations] == []
    assert set(plan.assignments) | set(plan.unassigned) == {v.id for v in instance.visits}
    assert not set(plan.assignments) & set(plan.unassigned)
    return plan, schedule


def carers_of(plan: Solution, client: str, instance: Instance) -> set[str]:
    return {
        c
        for v, p in plan.assignments.items()
        if instance.visit_by_id[v].client == client
        for c in p.carers
    }


# --- the hand instance ---------------------------------------------------------------------


def test_hand_instance_is_served_completely(tmp_path: Path) -> None:
    hand = write_hand_instance(tmp_path)
    plan, schedule = build(hand)
    assert sorted(plan.assignments) == ["V1", "V2", "V3", "V4", "V5"]
    assert plan.unassigned == {}
    assert plan.assignments["V1"].carers == ("S1",)  # the only carer with medication
    assert ("S1", 0) in plan.breaks  # S1 works on day 0 and has a break that day
    assert evaluate(hand, schedule).metrics.assigned == 5


def test_daily_client_with_alternating_carers_meets_two() -> None:
    inst = small(
        staff=[
            {"id": "A", "shifts": [shift(d) for d in range(0, 7, 2)]},
            {"id": "B", "shifts": [shift(d) for d in range(1, 7, 2)]},
        ],
        clients=[{"id": "C"}],
        visits=[visit(f"V{d}", "C", d) for d in range(7)],
    )
    plan, schedule = build(inst)
    assert plan.unassigned == {}
    assert carers_of(plan, "C", inst) == {"A", "B"}
    metrics = evaluate(inst, schedule).metrics
    assert metrics.distinct_carers_total == metrics.lower_bound_total == 2


def test_a_carer_working_every_day_serves_a_daily_client_alone() -> None:
    """Cheapest insertion alone would spread the visits; the cover keeps them with one carer."""
    inst = small(
        staff=[
            {"id": "A", "shifts": [shift(d) for d in range(0, 7, 2)]},
            {"id": "B", "shifts": [shift(d) for d in range(1, 7, 2)]},
            {"id": "E", "shifts": [shift(d) for d in range(7)]},
        ],
        clients=[{"id": "C"}],
        visits=[visit(f"V{d}", "C", d) for d in range(7)],
    )
    plan, _ = build(inst)
    assert carers_of(plan, "C", inst) == {"E"}


def test_clients_are_kept_apart_when_a_carer_cannot_take_all() -> None:
    """Two carers, two clients whose morning visits collide: each client keeps one carer."""
    inst = small(
        staff=[
            {"id": "A", "shifts": [shift(d) for d in range(7)]},
            {"id": "B", "shifts": [shift(d) for d in range(7)]},
        ],
        clients=[{"id": "C1"}, {"id": "C2"}],
        visits=[
            visit(f"{c}-{d}", c, d, "08:00", "08:10", 60) for c in ("C1", "C2") for d in range(7)
        ],
    )
    plan, _ = build(inst)
    assert plan.unassigned == {}
    assert len(carers_of(plan, "C1", inst)) == len(carers_of(plan, "C2", inst)) == 1


def test_double_staffed_visit_gets_two_carers_starting_together() -> None:
    inst = small(
        staff=[
            {"id": "A", "shifts": [shift(0)]},
            {"id": "B", "shifts": [shift(0, "08:30", "16:00")]},
            {"id": "C", "travel_mode": "walk", "shifts": [shift(0)]},
        ],
        clients=[{"id": "K"}, {"id": "L"}],
        visits=[
            visit("D", "K", 0, "08:00", "10:00", 45, staff_needed=2),
            visit("X", "L", 0, "08:00", "08:05", 60),
        ],
    )
    plan, schedule = build(inst)
    placement = plan.assignments["D"]
    assert len(set(placement.carers)) == 2
    starts = {s.start for r in schedule.routes for s in r.stops if s.visit == "D"}
    assert starts == {placement.start}
    assert "X" in plan.assignments


def test_excluded_carer_is_never_used() -> None:
    inst = small(
        staff=[
            {"id": "A", "shifts": [shift(d) for d in range(7)]},
            {"id": "B", "travel_mode": "walk", "shifts": [shift(d) for d in range(7)]},
        ],
        clients=[{"id": "C", "excluded_carers": ["A"]}, {"id": "D"}],
        visits=[visit(f"V{d}", "C", d) for d in range(7)]
        + [visit(f"W{d}", "D", d, "10:00", "11:00") for d in range(7)],
    )
    plan, _ = build(inst)
    assert plan.unassigned == {}
    assert carers_of(plan, "C", inst) == {"B"}


def test_skill_visit_goes_to_the_skilled_carer() -> None:
    inst = small(
        staff=[
            {"id": "A", "shifts": [shift(0)]},
            {"id": "M", "skills": ["medication"], "travel_mode": "walk", "shifts": [shift(0)]},
        ],
        clients=[{"id": "C"}],
        visits=[visit("V", "C", 0, skills=["medication"]), visit("W", "C", 0, "12:00", "13:00")],
    )
    plan, _ = build(inst)
    assert plan.assignments["V"].carers == ("M",)
    assert plan.assignments["W"].carers == ("M",)  # and continuity keeps the other visit with M


@pytest.mark.parametrize("seed", range(8))
def test_a_visit_with_one_able_carer_goes_in_before_a_pair_that_could_take_that_carer(
    seed: int,
) -> None:
    """Least slack first: the medication visit only M can do is placed before the
    double-staffed visit that any two of the three could do, so both are served, though M
    is the double visit's client's own carer (placed first, the pair would take M)."""
    inst = small(
        staff=[
            {"id": "M", "skills": ["medication"], "shifts": [shift(0)]},
            {"id": "A", "shifts": [shift(0)]},
            {"id": "B", "shifts": [shift(0)]},
        ],
        clients=[{"id": "C"}, {"id": "D"}],
        visits=[
            visit("S", "C", 0, "08:00", "08:05", 60, skills=["medication"]),
            visit("P", "D", 0, "08:00", "08:05", 60, staff_needed=2),
            visit("Q", "D", 0, "12:00", "12:05", 30, skills=["medication"]),
        ],  # M is D's carer too
    )
    plan, _ = build(inst, seed)
    assert plan.unassigned == {}
    assert plan.assignments["S"].carers == ("M",)
    assert set(plan.assignments["P"].carers) == {"A", "B"}


def test_route_trials_nest() -> None:
    """An inner trial rolls back alone; the outer one still undoes everything it holds."""
    inst = small(
        staff=[{"id": "A", "shifts": [shift(0)]}],
        clients=[{"id": "C"}],
        visits=[visit("V", "C", 0, "08:00", "09:00", 30), visit("W", "C", 0, "10:00", "11:00", 30)],
    )
    routes = CarerDays(Problem.build(inst))
    v, w = (routes.stop(inst.visit_by_id[i]) for i in ("V", "W"))
    routes.begin()
    routes.insert("A", 0, v, routes.best_insertion("A", 0, v))
    routes.begin()
    routes.insert("A", 0, w, routes.best_insertion("A", 0, w))
    routes.rollback()
    assert [s.visit for s in routes.stops[("A", 0)]] == ["V"]
    routes.begin()
    routes.insert("A", 0, w, routes.best_insertion("A", 0, w))
    routes.commit()
    assert [s.visit for s in routes.stops[("A", 0)]] == ["V", "W"]
    routes.rollback()
    assert routes.stops[("A", 0)] == [] and routes.serving["C"] == {}


def test_remembered_insertions_follow_the_route_through_changes_and_rollbacks() -> None:
    """`best_insertion` answers from memory only for the route as it was asked: after an
    insertion the same question gets the changed route's answer, after a rollback the old one."""
    inst = small(
        staff=[{"id": "A", "shifts": [shift(0)]}],
        clients=[{"id": "C"}],
        visits=[visit("V", "C", 0, "08:00", "08:00", 60), visit("W", "C", 0, "08:00", "10:00", 30)],
    )
    routes = CarerDays(Problem.build(inst))
    v, w = (routes.stop(inst.visit_by_id[i]) for i in ("V", "W"))
    empty = routes.best_insertion("A", 0, w)
    assert empty is not None and empty.position == 0
    routes.begin()
    routes.insert("A", 0, v, routes.best_insertion("A", 0, v))
    after = routes.best_insertion("A", 0, w)
    assert after is not None and after.position == 1  # V holds 08:00-09:00
    assert after.timing.starts[0] == 480
    routes.rollback()
    again = routes.best_insertion("A", 0, w)
    assert again is not None and again.position == 0 and again.timing == empty.timing


def test_visit_outside_every_shift_is_unassigned_with_the_reason() -> None:
    inst = small(
        staff=[{"id": "A", "shifts": [shift(0)]}],
        clients=[{"id": "C"}],
        visits=[visit("Late", "C", 0, "21:00", "21:30"), visit("V", "C", 0)],
    )
    plan, _ = build(inst)
    assert "outside the shift" in plan.unassigned["Late"]
    assert "V" in plan.assignments


def test_full_routes_give_a_capacity_reason() -> None:
    inst = small(
        staff=[{"id": "A", "shifts": [shift(0)]}],
        clients=[{"id": "C"}, {"id": "D"}],
        visits=[visit("V", "C", 0, "08:00", "08:10", 60), visit("W", "D", 0, "08:00", "08:10", 60)],
    )
    plan, _ = build(inst)
    assert len(plan.assignments) == 1
    (reason,) = plan.unassigned.values()
    assert reason.startswith("capacity: no route of an eligible carer has room on day 0")


def test_flexible_visit_picks_a_working_day() -> None:
    inst = small(
        staff=[{"id": "A", "shifts": [shift(3, brk=True)]}],
        clients=[{"id": "C"}],
        visits=[visit("Clean", "C", 0, "09:00", "14:00", 120, last_day=4)],
    )
    plan, _ = build(inst)
    assert plan.assignments["Clean"].day == 3
    assert ("A", 3) in plan.breaks


def test_locks_are_kept() -> None:
    inst = small(
        staff=[{"id": "A", "shifts": [shift(0)]}, {"id": "B", "shifts": [shift(0)]}],
        clients=[{"id": "C"}],
        visits=[
            visit("V", "C", 0, "08:00", "10:00", locked_carers=["B"], locked_start="09:10"),
            visit("W", "C", 0, "08:00", "10:00"),
        ],
    )
    plan, _ = build(inst)
    assert plan.assignments["V"].carers == ("B",) and plan.assignments["V"].start == 9 * 60 + 10
    assert plan.assignments["W"].carers == ("B",)


def test_borrowing_is_used_only_when_the_own_team_has_no_room() -> None:
    raw_staff = [
        {"id": "A", "team": "T", "shifts": [shift(0)]},
        {"id": "O", "team": "U", "shifts": [shift(0)]},
    ]
    inst = instance_from_data(
        {
            "horizon": {"start_date": "2026-01-05", "days": 1},
            "teams": [{"id": "T", "office": OFFICE}, {"id": "U", "office": OFFICE}],
            "staff": raw_staff,
            "clients": [
                {"id": "C", "team": "T", "location": near(1)},
                {"id": "D", "team": "T", "location": near(2)},
            ],
            "visits": [
                visit("V", "C", 0, "08:00", "08:10", 60),
                visit("W", "D", 0, "08:00", "08:10", 60),
            ],
        },
        "borrow",
    )
    plan, _ = build(inst)
    assert len(plan.unassigned) == 1
    plan, _ = build(inst, allow_borrowing=True)
    assert plan.unassigned == {}
    assert sorted(p.carers for p in plan.assignments.values()) == [("A",), ("O",)]


def test_same_seed_gives_the_same_schedule(tmp_path: Path) -> None:
    inst = instance_from_data(random_instance(7), "random")
    first = to_json(build(inst, seed=5)[1])
    again = to_json(build(inst, seed=5)[1])
    assert first == again
    shuffled = json.loads(json.dumps(random_instance(7)))
    random.Random(1).shuffle(shuffled["visits"])
    random.Random(2).shuffle(shuffled["staff"])
    reordered = to_json(build(instance_from_data(shuffled, "random"), seed=5)[1])
    assert json.loads(reordered)["assignments"] == json.loads(first)["assignments"]


# --- the route timing ----------------------------------------------------------------------


def _ctx(brk: BreakRule | None = None, start: int = 420, end: int = 960) -> DayContext:
    travel = [[0, 10, 10], [10, 0, 15], [10, 15, 0]]  # place 0 is the office
    return DayContext("A", 0, start, end, 0, brk, travel)


def test_break_fits_after_travel_before_the_next_visit() -> None:
    """Visit ends 10:00, 15 min travel, break window opens 10:15: the next visit can start 10:45."""
    ctx = _ctx(BreakRule(30, 615, 640))
    stops = [RouteStop("a", 1, 570, 570, 30), RouteStop("b", 2, 600, 700, 30)]
    timing = time_route(ctx, stops)
    assert timing is not None
    assert timing.starts == (570, 645) and timing.break_start == 615


def test_break_can_come_before_the_first_or_after_the_last_visit() -> None:
    early = time_route(_ctx(BreakRule(30, 420, 430)), [RouteStop("a", 1, 480, 600, 30)])
    assert early is not None and early.break_start == 420 and early.starts == (480,)
    late = time_route(_ctx(BreakRule(30, 700, 720)), [RouteStop("a", 1, 480, 600, 30)])
    assert late is not None and late.break_start == 700


def test_a_route_that_cannot_hold_its_break_is_infeasible() -> None:
    ctx = _ctx(BreakRule(30, 600, 610))
    stops = [RouteStop("a", 1, 570, 570, 60)]  # 09:30-10:30 covers the whole break window
    assert time_route(ctx, stops) is None
    assert best_insertion(ctx, [], time_route(ctx, []), stops[0]) is None


def test_fixed_start_is_met_exactly_or_refused() -> None:
    ctx = _ctx()
    stops = [RouteStop("a", 1, 480, 480, 60)]
    timing = time_route(ctx, stops)
    assert timing is not None
    assert (
        best_insertion(ctx, stops, timing, RouteStop("b", 2, 480, 600, 30, fixed=555)) is not None
    )  # 09:00 + 15
    assert best_insertion(ctx, stops, timing, RouteStop("b", 2, 480, 600, 30, fixed=554)) is None


def test_cheapest_position_is_chosen() -> None:
    travel = [
        [0, 10, 30, 10],
        [10, 0, 2, 20],
        [30, 2, 0, 20],
        [10, 20, 20, 0],
    ]  # b is near a, far from the office
    ctx = DayContext("A", 0, 420, 960, 0, None, travel)
    stops = [RouteStop("a", 1, 480, 600, 30), RouteStop("c", 3, 480, 700, 30)]
    timing = time_route(ctx, stops)
    assert timing is not None
    found = best_insertion(ctx, stops, timing, RouteStop("b", 2, 480, 700, 30))
    assert found is not None and found.position == 1 and found.extra_travel == 2


# --- random instances ----------------------------------------------------------------------


def random_instance(seed: int) -> dict[str, Any]:
    """A small instance with every feature: breaks, skills, exclusions, double staffing, flexible
    days, locks, two teams, mixed travel modes, and more visits than fit."""
    rng = random.Random(seed)
    days = 4
    raw: dict[str, Any] = {
        "name": f"random{seed}",
        "horizon": {"start_date": "2026-01-05", "days": days},
        "skills": ["medication"],
        "teams": [
            {"id": "T", "office": OFFICE},
            {"id": "U", "office": {"lat": 62.395, "lon": 17.31}},
        ],
        "staff": [],
        "clients": [],
        "visits": [],
    }
    for k in range(6):
        shifts = []
        for d in range(days):
            if rng.random() < 0.75:
                start = rng.choice([420, 450, 840])
                s: dict[str, Any] = {
                    "day": d,
                    "start": start,
                    "end": start + rng.choice([300, 480]),
                }
                if rng.random() < 0.7:
                    s["break"] = {"minutes": 30, "earliest": start + 180, "latest": start + 240}
                shifts.append(s)
        raw["staff"].append(
            {
                "id": f"S{k}",
                "team": "TU"[k % 2],
                "skills": ["medication"] if rng.random() < 0.5 else [],
                "travel_mode": rng.choice(["walk", "bike", "car"]),
                "shifts": shifts,
            }
        )
    for c in range(8):
        excluded = [f"S{rng.randrange(6)}"] if rng.random() < 0.2 else []
        raw["clients"].append(
            {
                "id": f"C{c}",
                "team": "TU"[c % 2],
                "excluded_carers": excluded,
                "location": {
                    "lat": 62.385 + rng.random() * 0.02,
                    "lon": 17.29 + rng.random() * 0.03,
                },
            }
        )
    n = 0
    for c in range(8):
        for d in range(days):
            for _ in range(rng.randint(0, 3)):
                earliest = rng.randrange(420, 1200, 15)
                v: dict[str, Any] = {
                    "id": f"V{n}",
                    "client": f"C{c}",
                    "day": d,
                    "duration": rng.choice([15, 30, 45, 60]),
                    "window": {
                        "earliest": earliest,
                        "latest": earliest + rng.choice([0, 30, 60, 120]),
                    },
                }
                roll = rng.random()
                if roll < 0.1:
                    v["staff_needed"] = 2
                elif roll < 0.2:
                    v["skills"] = ["medication"]
                elif roll < 0.3 and d + 1 < days:
                    v["last_day"] = d + 1
                elif roll < 0.35:
                    v["priority"] = "deferrable"
                raw["visits"].append(v)
                n += 1
    return raw


@pytest.mark.parametrize("seed", range(12))
def test_random_instances_are_planned_without_violation(seed: int) -> None:
    inst = instance_from_data(random_instance(seed), "random")
    plan, _ = build(inst, seed=seed)
    assert plan.assignments  # something is always servable in these instances
    borrowed, _ = build(inst, seed=seed, allow_borrowing=True)
    assert len(borrowed.assignments) >= len(plan.assignments) - 2  # borrowing rarely hurts


@pytest.mark.parametrize("seed", range(4))
def test_random_instances_with_locks_keep_them(seed: int) -> None:
    """Lock part of a first plan; the second plan keeps exactly those locks."""
    raw = random_instance(100 + seed)
    first, _ = build(instance_from_data(raw, "random"), seed=seed)
    locked = copy.deepcopy(raw)
    chosen = sorted(first.assignments)[::3]
    for v in locked["visits"]:
        if v["id"] in chosen:
            p = first.assignments[v["id"]]
            v["locked_carers"], v["locked_start"] = list(p.carers), p.start
            v.pop("last_day", None)
            v["day"] = p.day
    inst = instance_from_data(locked, "locked")
    plan, _ = build(inst, seed=seed + 1)
    for vid in chosen:
        assert plan.assignments[vid] == first.assignments[vid]
