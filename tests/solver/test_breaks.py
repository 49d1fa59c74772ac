"""Breaks clear of travel: the solver places them so, and the day lists show the journey
on the right side of the break."""

from __future__ import annotations

from hemplan.models.contract.schedule import Route, Stop
from hemplan.models.exports.carer_days import segments
from hemplan.solver.breaks import _off_the_road


def test_a_break_in_the_middle_of_a_journey_moves_to_rest_first() -> None:
    # visit ends 726, next starts 759, 3 minutes apart: a break at 728 straddles the journey
    assert _off_the_road(728, 30, 660, 780, free=726, due=759, leg=3) == 726


def test_when_resting_first_is_too_early_for_the_window_the_journey_goes_first() -> None:
    # free at 738, the window opens at 740: resting 740-770 leaves no room to travel before
    # 772, so the carer travels 738-741 and rests 742-772 at the next client's
    assert _off_the_road(740, 30, 740, 780, free=738, due=772, leg=3) == 742


def test_a_break_already_clear_of_the_journey_stays() -> None:
    assert _off_the_road(700, 30, 660, 780, free=690, due=760, leg=5) == 700  # rest, then travel
    assert _off_the_road(720, 30, 660, 780, free=690, due=750, leg=5) == 720  # travel, then rest


def test_day_list_puts_the_journey_before_a_break_that_ends_at_the_next_visit() -> None:
    route = Route(
        carer="A",
        day=0,
        stops=[
            Stop(kind="visit", visit="V1", client="K", start=960, end=985, travel=4),
            Stop(kind="break", start=1050, end=1070),
            Stop(kind="visit", visit="V2", client="L", start=1070, end=1100, travel=1),
        ],
        travel_back=6,
    )
    parts = [(p.kind, p.start, p.end) for p in segments(route)]
    assert parts == [
        ("travel", 956, 960),
        ("visit", 960, 985),
        ("wait", 985, 1049),
        ("travel", 1049, 1050),
        ("break", 1050, 1070),
        ("visit", 1070, 1100),
        ("travel", 1100, 1106),
    ]


def test_idle_time_is_spent_before_leaving_not_at_the_next_door() -> None:
    route = Route(
        carer="A",
        day=0,
        stops=[
            Stop(kind="visit", visit="V1", client="K", start=540, end=570, travel=5),
            Stop(kind="visit", visit="V2", client="L", start=690, end=720, travel=10),
        ],
        travel_back=6,
    )
    parts = [(p.kind, p.start, p.end) for p in segments(route)]
    assert parts == [
        ("travel", 535, 540),
        ("visit", 540, 570),
        ("wait", 570, 680),
        ("travel", 680, 690),
        ("visit", 690, 720),
        ("travel", 720, 726),
    ]
