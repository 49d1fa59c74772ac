"""The evaluator catches each hard-constraint kind, and only that, on the hand instance.

Each violating schedule differs from a feasible one in one decision; the test asserts the
exact set of findings as (kind, visit, carer).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hemplan.models.contract.clock import parse_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Assignment, Schedule, Unassigned
from hemplan.models.evaluator import evaluate
from hemplan.solver.assemble import assemble_schedule
from hemplan.solver.problem import Problem
from tests.hand_instance import write_hand_instance

# visit -> (day, start, carers) of a feasible plan for the hand instance
FEASIBLE = {
    "V1": (0, "08:00", ["S1"]),
    "V2": (0, "09:00", ["S1"]),
    "V3": (0, "08:00", ["S2", "S3"]),
    "V4": (0, "10:00", ["S4"]),
    "V5": (1, "08:00", ["S1"]),
}
BREAKS = {("S1", 0): "11:00"}


def plan(
    instance: Instance,
    changes: dict | None = None,
    breaks: dict | None = None,
    unassigned: list[str] = (),
) -> Schedule:
    decisions = {**FEASIBLE, **(changes or {})}
    assignments = [
        Assignment(visit=v, day=d, start=parse_clock(s), carers=c)
        for v, (d, s, c) in decisions.items()
        if v not in unassigned
    ]
    brk = {k: parse_clock(s) for k, s in (BREAKS if breaks is None else breaks).items()}
    return assemble_schedule(
        Problem.build(instance),
        assignments,
        brk,
        [Unassigned(visit=v, reason="test") for v in unassigned],
    )


def findings(instance: Instance, schedule: Schedule) -> set[tuple[str, str | None, str | None]]:
    return {(v.kind, v.visit, v.carer) for v in evaluate(instance, schedule).violations}


@pytest.fixture
def hand(tmp_path: Path) -> Instance:
    return write_hand_instance(tmp_path)


def test_feasible_plan_has_no_violation(hand: Instance) -> None:
    result = evaluate(hand, plan(hand))
    assert result.violations == []
    assert result.metrics.assigned == 5
    assert result.metrics.unassigned_mandatory == 0


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"V2": (0, "10:30", ["S1"])}, {("window", "V2", None)}),
        ({"V5": (0, "08:00", ["S4"])}, {("window", "V5", None), ("team", "V5", "S4")}),
        ({"V2": (0, "08:40", ["S1"])}, {("travel", "V2", "S1")}),
        ({"V1": (0, "08:20", ["S1"]), "V2": (0, "08:30", ["S1"])}, {("overlap", "V2", "S1")}),
        ({"V1": (0, "08:30", ["S1"]), "V2": (0, "08:30", ["S1"])}, {("overlap", "V2", "S1")}),
        ({"V1": (0, "08:00", ["S2"]), "V3": (0, "08:45", ["S2", "S3"])}, {("skill", "V1", "S2")}),
        ({"V2": (0, "09:15", ["S3"])}, {("exclusion", "V2", "S3")}),
        ({"V4": (0, "10:00", ["S2"])}, {("team", "V4", "S2")}),
        ({"V5": (1, "08:00", ["S2"])}, {("shift", "V5", "S2")}),
        ({"V3": (0, "08:00", ["S2"])}, {("staffing", "V3", None), ("route", "V3", "S3")}),
    ],
    ids=[
        "window",
        "day-outside-range",
        "travel",
        "overlap",
        "overlap-same-start",
        "skill",
        "exclusion",
        "team",
        "no-shift",
        "staffing",
    ],
)
def test_each_violation_kind_is_found_exactly(hand: Instance, changes: dict, expected: set) -> None:
    schedule = plan(hand, changes)
    if (
        "staffing",
        "V3",
        None,
    ) in expected:  # S3's route still lists V3: keep it, so the route disagrees
        schedule.routes.extend(r for r in plan(hand).routes if r.carer == "S3")
    assert findings(hand, schedule) == expected


def test_shift_start_is_found(tmp_path: Path) -> None:
    late_start = write_hand_instance(
        tmp_path, {"staff.S2": {"shifts": [{"day": 0, "start": "07:55", "end": "16:00"}]}}
    )
    assert findings(late_start, plan(late_start)) == {("shift", "V3", "S2")}


def test_shift_end_is_found(tmp_path: Path) -> None:
    early_end = write_hand_instance(
        tmp_path, {"staff.S3": {"shifts": [{"day": 0, "start": "07:00", "end": "09:05"}]}}
    )
    assert findings(early_end, plan(early_end)) == {("shift", "V3", "S3")}
    in_time = write_hand_instance(
        tmp_path, {"staff.S3": {"shifts": [{"day": 0, "start": "07:00", "end": "09:10"}]}}
    )
    assert findings(in_time, plan(in_time)) == set()


@pytest.mark.parametrize(
    ("breaks", "expected"),
    [
        ({}, {("break", None, "S1")}),
        ({("S1", 0): "13:30"}, {("break", None, "S1")}),
        ({("S1", 0): "09:10"}, {("break", "V2", "S1")}),
    ],
    ids=["missing", "outside-window", "overlaps-visit"],
)
def test_break_violations(hand: Instance, breaks: dict, expected: set) -> None:
    if expected == {("break", "V2", "S1")}:  # keep the break rule satisfied but collide with V2
        schedule = plan(hand, breaks={("S1", 0): "11:00"})
        route = next(r for r in schedule.routes if r.carer == "S1" and r.day == 0)
        route.stops.append(route.stops[-1].model_copy(update={"start": 545, "end": 575}))
        route.stops.sort(key=lambda s: s.start)
    else:
        schedule = plan(hand, breaks=breaks)
    assert findings(hand, schedule) == expected


def test_double_staffed_carers_must_start_together(hand: Instance) -> None:
    schedule = plan(hand)
    route = next(r for r in schedule.routes if r.carer == "S3")
    route.stops[0] = route.stops[0].model_copy(update={"start": 490, "end": 550})
    assert findings(hand, schedule) == {("double_staffing", "V3", "S3")}


def test_locked_carer_and_start_are_kept(tmp_path: Path) -> None:
    locked = write_hand_instance(
        tmp_path, {"visits.V2": {"locked_carers": ["S1"], "locked_start": "09:00"}}
    )
    assert findings(locked, plan(locked)) == set()
    moved = plan(locked, {"V2": (0, "09:10", ["S1"])})
    assert findings(locked, moved) == {("lock", "V2", None)}
    other = plan(locked, {"V2": (0, "09:15", ["S2"])})
    assert ("lock", "V2", "S1") in findings(locked, other)


def test_route_must_match_assignments(hand: Instance) -> None:
    schedule = plan(hand)
    route = next(r for r in schedule.routes if r.carer == "S1" and r.day == 0)
    route.stops = [s for s in route.stops if s.visit != "V2"]
    route.travel_back = 10
    route.travel_minutes = 20
    assert findings(hand, schedule) == {("route", "V2", "S1")}


def test_wrong_travel_figures_on_a_route_are_found(hand: Instance) -> None:
    schedule = plan(hand)
    route = next(r for r in schedule.routes if r.carer == "S4")
    route.stops[0] = route.stops[0].model_copy(update={"travel": 1})
    assert findings(hand, schedule) == {("route", "V4", "S4")}


def test_duplicate_and_unknown_references(hand: Instance) -> None:
    schedule = plan(hand)
    schedule.unassigned.append(Unassigned(visit="V2", reason="test"))
    schedule.unassigned.append(Unassigned(visit="V99", reason="test"))
    assert findings(hand, schedule) == {("duplicate", "V2", None), ("unknown_visit", "V99", None)}


def test_visits_left_out_count_as_unassigned_not_violations(hand: Instance) -> None:
    result = evaluate(hand, Schedule())
    assert result.violations == []
    assert result.metrics.assigned == 0
    assert result.metrics.unassigned_mandatory == 5


def test_borrowing_is_allowed_when_said(hand: Instance) -> None:
    schedule = plan(hand, {"V4": (0, "10:00", ["S2"])})
    result = evaluate(hand, schedule, allow_borrowing=True)
    assert result.violations == []
    assert result.metrics.borrowed_visits == 1


def test_unknown_carer_is_found(hand: Instance) -> None:
    schedule = plan(hand)
    schedule.assignments = [
        a.model_copy(update={"carers": ["S9"]}) if a.visit == "V4" else a
        for a in schedule.assignments
    ]
    schedule.routes = [r for r in schedule.routes if r.carer != "S4"]
    assert findings(hand, schedule) == {("unknown_carer", "V4", "S9")}
