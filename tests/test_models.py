"""Unit tests of the data layer: clock times, patterns, travel, eligibility, the lower bound, metrics."""

from __future__ import annotations

import copy
import json
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hemplan.solver.bounds import min_carer_cover
from hemplan.models.contract.clock import format_clock, parse_clock
from hemplan.solver.eligibility import carer_rules_out, eligibility, fitting_days
from hemplan.models.evaluator import evaluate
from hemplan.models.evaluator.metrics import periods
from hemplan.models.contract.instance import Location
from hemplan.models.io.load import instance_from_data, load_instance
from hemplan.models.io.write import to_json
from hemplan.models.contract.schedule import Assignment, Schedule
from hemplan.solver.travel import great_circle_km, travel_times
from tests.hand_instance import BASE, MATRIX, write_hand_instance


@pytest.mark.parametrize(("text", "minutes"), [("07:30", 450), ("0:05", 5), ("24:00", 1440), (600, 600)])
def test_clock_parses_both_forms(text: str | int, minutes: int) -> None:
    assert parse_clock(text) == minutes


@pytest.mark.parametrize("bad", ["7.30", "25:00", "12:60", -1, True, "ab:cd"])
def test_clock_rejects_nonsense(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_clock(bad)


def test_clock_formats_hh_mm() -> None:
    assert format_clock(7 * 60 + 5) == "07:05"


def _with_patterns(patterns: list[dict], days: int = 14) -> dict:
    data = copy.deepcopy(BASE)
    data["horizon"] = {"start_date": "2026-01-07", "days": days}  # a Wednesday
    data["travel"] = {}
    data["visits"] = []
    data["patterns"] = patterns
    return data


def test_daily_pattern_expands_to_one_visit_a_day() -> None:
    inst = instance_from_data(_with_patterns([{
        "id": "P", "client": "C1", "window": {"earliest": "07:00", "latest": "08:30"}, "duration": 30}]), "x")
    assert [v.id for v in inst.visits] == [f"P/d{d}" for d in range(14)]
    assert all(v.window.earliest == 420 for v in inst.visits)
    assert inst.patterns == []


def test_weekday_and_fortnightly_flexible_patterns() -> None:
    inst = instance_from_data(_with_patterns([
        {"id": "shower", "client": "C1", "weekdays": [4], "window": {"earliest": "09:00", "latest": "12:00"}, "duration": 45},
        {"id": "clean", "client": "C2", "weekdays": [0, 1, 2, 3, 4], "every_weeks": 2, "flexible": True,
         "window": {"earliest": "09:00", "latest": "14:00"}, "duration": 60},
    ]), "x")
    showers = [v for v in inst.visits if v.id.startswith("shower")]
    assert [v.day for v in showers] == [2, 9]  # Fridays of a horizon starting on a Wednesday
    cleaning = [v for v in inst.visits if v.id.startswith("clean")]
    # calendar weeks 0, 2: week 0 holds Wed-Fri (days 0-2); week 2 Mon-Fri (days 12-13 only, horizon ends)
    assert [(v.day, v.last_day) for v in cleaning] == [(0, 2), (12, 13)]


def test_great_circle_distance_stockholm_to_gothenburg() -> None:
    km = great_circle_km(Location(lat=59.3293, lon=18.0686), Location(lat=57.7089, lon=11.9746))
    assert 395 < km < 400  # about 398 km as the crow flies


def test_travel_minutes_follow_speed_and_detour(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["travel"] = {"speed_kmh": {"walk": 5.0, "bike": 15.0, "car": 30.0}, "detour_factor": 1.5}
    inst = instance_from_data(data, "x")
    times = travel_times(inst)
    km = great_circle_km(inst.teams[0].office, inst.clients[0].location)
    a, b = times.office_index["T1"], times.client_index["C1"]
    assert times.between("walk", a, b) == pytest.approx(km * 1.5 / 5.0 * 60, abs=1)
    assert times.between("walk", a, b) >= times.between("bike", a, b) >= times.between("car", a, b)
    assert times.between("car", a, a) == 0


def test_matrix_file_is_read_relative_to_the_instance(tmp_path: Path) -> None:
    inst = write_hand_instance(tmp_path)
    times = travel_times(inst)
    assert times.between("bike", times.office_index["T1"], times.client_index["C3"]) == 10
    assert times.between("car", times.client_index["C1"], times.client_index["C2"]) == 15
    assert times.between("walk", times.client_index["C1"], times.client_index["C4"]) == 20


def test_matrix_missing_a_place_is_an_input_error(tmp_path: Path) -> None:
    from hemplan.models.contract.problems import InputError

    short = {"locations": MATRIX["locations"][:-1], "minutes": [row[:-1] for row in MATRIX["minutes"][:-1]]}
    (tmp_path / "matrix.json").write_text(json.dumps(short))
    (tmp_path / "hand.json").write_text(json.dumps(BASE))
    with pytest.raises(InputError, match="place 'C4' is missing"):
        load_instance(tmp_path / "hand.json")


def test_eligibility_explains_why_nobody_can_serve(tmp_path: Path) -> None:
    inst = write_hand_instance(tmp_path, {
        "visits.V5": {"skills": ["medication"], "day": 0, "window": {"earliest": "16:30", "latest": "17:00"}},
        "visits.V1": {"day": 1, "staff_needed": 2, "skills": []},
    })
    result = eligibility(inst, travel_times(inst))
    assert result.carers["V2"] == ["S1", "S2"]  # S3 excluded by C2, S4 in the other team
    assert "outside the shift" in result.reasons["V5"]
    assert result.reasons["V1"] == "needs 2 carers but only 1 could serve it (S1)"


@pytest.mark.parametrize(
    ("requirements", "expected"),
    [
        ([({"A", "B"}, 1), ({"A"}, 1)], 1),  # A covers both
        ([({"A"}, 1), ({"B"}, 1)], 2),  # alternate days: two carers
        ([({"A", "B", "C"}, 2)], 2),  # double staffing
        ([({"A", "B"}, 1), ({"B", "C"}, 1), ({"A", "C"}, 1)], 2),
        ([({"A"}, 2), ({"B"}, 1)], 1),  # an unservable visit forces nobody
        ([], 0),
    ],
)
def test_min_carer_cover(requirements: list, expected: int) -> None:
    assert min_carer_cover((frozenset(e), n) for e, n in requirements) == expected


def test_bound_and_continuity_for_alternating_carers(tmp_path: Path) -> None:
    # C2 has V2 on day 0 (S1 or S2 could serve) and V5 on day 1 (only S1 works): bound 1
    inst = write_hand_instance(tmp_path)
    schedule = Schedule(assignments=[
        Assignment(visit="V2", day=0, start=540, carers=["S2"]),
        Assignment(visit="V5", day=1, start=480, carers=["S1"]),
    ])
    result = evaluate(inst, schedule)
    c2 = result.clients["C2"]
    assert (c2.distinct, c2.lower_bound, c2.contact_share) == (2, 1, 0.5)


def test_periods_of_fourteen_days() -> None:
    assert periods(7) == [range(7)]
    assert periods(28) == [range(0, 14), range(14, 28)]
    assert periods(20) == [range(0, 14)]


def test_canonical_json_is_stable(tmp_path: Path) -> None:
    inst = write_hand_instance(tmp_path)
    assert to_json(inst) == to_json(load_instance(tmp_path / "hand.json"))


def test_a_partly_locked_double_visit_still_has_a_second_carer(tmp_path: Path) -> None:
    inst = write_hand_instance(tmp_path, {"visits.V3": {"locked_carers": ["S2"]}})
    result = eligibility(inst, travel_times(inst))
    assert "V3" not in result.reasons
    assert set(result.carers["V3"]) == {"S1", "S2", "S3"}


@given(st.lists(st.tuples(st.sets(st.sampled_from("ABCDEF"), min_size=1), st.integers(1, 2)), max_size=8))
@settings(max_examples=200, deadline=None)
def test_min_carer_cover_is_the_smallest_covering_set(requirements: list) -> None:
    """Against brute force over every subset: dropping implied requirements and checking the
    narrowest first must not change the minimum."""
    reqs = [(frozenset(e), n) for e, n in requirements]
    servable = [(e, n) for e, n in reqs if len(e) >= n]
    pool = sorted(set().union(*(e for e, _ in servable))) if servable else []
    smallest = min(
        (len(chosen) for size in range(len(pool) + 1) for chosen in combinations(pool, size)
         if all(len(e & set(chosen)) >= n for e, n in servable)),
        default=0,
    )
    assert min_carer_cover(reqs) == smallest


@pytest.mark.parametrize("allow_borrowing", [False, True])
def test_eligibility_applies_the_per_carer_rules_to_every_pair(allow_borrowing: bool) -> None:
    """The pool-at-once eligibility against the one-carer rules it vectorises."""
    inst = load_instance(Path(__file__).resolve().parents[1] / "instances" / "district-14d.json")
    travel = travel_times(inst)
    result = eligibility(inst, travel, allow_borrowing)
    for visit in inst.visits[::7]:
        team = inst.client_by_id[visit.client].team
        expected = [
            c.id for c in inst.staff
            if (allow_borrowing or c.team == team)
            and carer_rules_out(inst, c, visit, allow_borrowing) is None and fitting_days(inst, travel, c, visit)
        ]
        assert result.carers[visit.id] == expected, visit.id
