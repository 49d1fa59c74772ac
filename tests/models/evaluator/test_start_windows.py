"""The evaluator reads several start windows: a start inside any one is kept, a start between
them is a window violation that names them all; eligibility and diagnosis see every window."""

from __future__ import annotations

from pathlib import Path

from hemplan.models.contract.clock import parse_clock
from hemplan.models.contract.schedule import Assignment, Schedule
from hemplan.models.evaluator import evaluate
from hemplan.models.evaluator.diagnosis import diagnose
from hemplan.models.evaluator.eligibility import eligibility
from hemplan.models.evaluator.travel import TravelMinutes
from hemplan.solver.assemble import assemble_schedule
from hemplan.solver.problem import Problem
from tests.hand_instance import write_hand_instance
from tests.models.evaluator.test_evaluator import findings, plan
from tests.small_instances import late_shift_two_windows, shift, small, visit

# V2 (feasible plan: 09:00 by S1) may start 08:00-08:45 or 09:00-10:00
TWO_WINDOWS = {
    "visits.V2": {
        "window": {"earliest": "08:00", "latest": "10:00"},
        "windows": [["08:00", "08:45"], ["09:00", "10:00"]],
    }
}


def test_a_start_in_the_second_window_is_kept(tmp_path: Path) -> None:
    hand = write_hand_instance(tmp_path, TWO_WINDOWS)
    assert findings(hand, plan(hand)) == set()  # V2 at 09:00


def test_a_start_between_the_windows_is_a_window_violation(tmp_path: Path) -> None:
    hand = write_hand_instance(tmp_path, TWO_WINDOWS)
    schedule = plan(hand, {"V2": (0, "08:50", ["S1"])})
    result = evaluate(hand, schedule)
    assert {(v.kind, v.visit) for v in result.violations} == {("window", "V2")}
    [violation] = result.violations
    assert violation.message == "starts 08:50, outside the windows 08:00-08:45 or 09:00-10:00"


def test_a_carer_whose_shift_misses_the_first_window_can_serve_the_second() -> None:
    instance = late_shift_two_windows()
    assert eligibility(instance, TravelMinutes(instance)).carers == {"V": ["A"]}
    assert Problem.build(instance).eligible == {"V": ["A"]}
    first_only = small(
        [{"id": "A", "shifts": [shift(0, "10:00", "16:00")]}],
        [{"id": "K"}],
        [visit("V", "K", 0, "08:00", "09:00")],
        days=1,
    )
    assert eligibility(first_only, TravelMinutes(first_only)).carers == {"V": []}
    assert Problem.build(first_only).eligible == {"V": []}


def test_diagnosis_names_every_window_and_the_room_in_the_second() -> None:
    instance = late_shift_two_windows()
    [found] = diagnose(instance, Schedule())
    assert found.when.endswith("08:00-09:00 or 11:00-12:00")
    assert "A at 11:00" in found.reason


def test_a_start_in_the_second_window_evaluates_feasible() -> None:
    instance = late_shift_two_windows()
    schedule = assemble_schedule(
        Problem.build(instance),
        [Assignment(visit="V", day=0, start=parse_clock("11:00"), carers=["A"])],
        {},
        [],
    )
    assert evaluate(instance, schedule).feasible
