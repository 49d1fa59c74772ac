"""central-travel on days whose answer follows by reasoning: places on a line with a travel-time
matrix (minutes = distance), so the best day can be worked out by hand. Every schedule is
checked by the independent evaluator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hemplan.models.contract.clock import parse_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance
from hemplan.solver.assemble import to_schedule
from hemplan.solver.baselines.by_day import offered
from hemplan.solver.baselines.pair_insertion import insert_pairs
from hemplan.solver.method import SolveOptions, SolveResult
from hemplan.solver.methods import METHODS
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Placement, Solution

OPTIONS = SolveOptions(time_limit=20.0, work_limit=1.0, workers=1)


def _line_instance(
    folder: Path,
    offices: dict[str, int],
    staff: list[dict[str, Any]],
    homes: dict[str, int],
    visits: list[dict[str, Any]],
) -> Instance:
    """An instance of one day whose offices and homes sit at points of a line (minutes from
    0); travel between two places takes the distance between them in minutes, by every mode."""
    places = [f"office:{t}" for t in offices] + list(homes)
    where = [*offices.values(), *homes.values()]
    minutes = [[abs(a - b) for b in where] for a in where]
    (folder / "line.matrix.json").write_text(
        json.dumps({"locations": places, "minutes": minutes}), encoding="utf-8"
    )
    team_of_client = next(iter(offices))
    doc = {
        "name": "line",
        "horizon": {"start_date": "2026-01-05", "days": 1},
        "skills": ["medication"],
        "travel": {"matrix_file": "line.matrix.json"},
        "teams": [{"id": t, "office": {"lat": 62.39, "lon": 17.3}} for t in offices],
        "staff": [{"travel_mode": "car", **s} for s in staff],
        "clients": [
            {"id": c, "team": team_of_client, "location": {"lat": 62.39, "lon": 17.3}}
            for c in homes
        ],
        "visits": [
            {"day": 0, "duration": 10, "window": {"earliest": "08:00", "latest": "14:00"}, **v}
            for v in visits
        ],
    }
    path = folder / "line.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return load_instance(path)


def _routed(instance: Instance, options: SolveOptions = OPTIONS) -> SolveResult:
    result = METHODS["central-travel"].solve(instance, options)
    assert [str(v) for v in evaluate(instance, result.schedule).violations] == []
    return result


def _carers(result: SolveResult) -> dict[str, set[str]]:
    return {a.visit: set(a.carers) for a in result.schedule.assignments}


def test_a_day_with_a_known_best_route_is_routed_exactly(tmp_path: Path) -> None:
    """Offices at -15 (A) and +15 (B); homes at -20, -10, +10, +20; the visit at -10 needs a
    skill only B holds. B must go to -10; the rest is cheapest as A: -20 and back (10) and B:
    +20, +10, -10 and back (5 + 10 + 20 + 25 = 60), 70 minutes in all. Every other split
    travels at least 80 (B alone: 80; A with any visit right of the offices: 120 or more)."""
    shift = [{"day": 0, "start": "07:00", "end": "16:00"}]
    instance = _line_instance(
        tmp_path,
        {"TA": -15, "TB": 15},
        [
            {"id": "A", "team": "TA", "shifts": shift},
            {"id": "B", "team": "TB", "shifts": shift, "skills": ["medication"]},
        ],
        {"L2": -20, "L1": -10, "R1": 10, "R2": 20},
        [
            {"id": "vL2", "client": "L2"},
            {"id": "vL1", "client": "L1", "skills": ["medication"]},
            {"id": "vR1", "client": "R1"},
            {"id": "vR2", "client": "R2"},
        ],
    )
    result = _routed(instance)
    assert result.evaluation.metrics.travel_minutes == 70
    assert _carers(result) == {"vL2": {"A"}, "vL1": {"B"}, "vR1": {"B"}, "vR2": {"B"}}


def test_a_double_staffed_visit_starts_together_on_two_carers(tmp_path: Path) -> None:
    """A's morning is held by a visit far out at 08:00-08:30; the double at +20 must wait for
    A to arrive (A reaches +20 at 09:10 at the earliest), while B could start at once: the two
    start together, on two carers, after A's arrival."""
    shift = [{"day": 0, "start": "07:00", "end": "16:00"}]
    instance = _line_instance(
        tmp_path,
        {"T": 0},
        [{"id": "A", "team": "T", "shifts": shift}, {"id": "B", "team": "T", "shifts": shift}],
        {"F": -30, "D": 20},
        [
            {
                "id": "far",
                "client": "F",
                "duration": 30,
                "locked_carers": ["A"],
                "window": {"earliest": "08:00", "latest": "08:00"},
            },
            {
                "id": "double",
                "client": "D",
                "staff_needed": 2,
                "duration": 20,
                "window": {"earliest": "08:00", "latest": "12:00"},
            },
        ],
    )
    result = _routed(instance)
    (double,) = [a for a in result.schedule.assignments if a.visit == "double"]
    assert set(double.carers) == {"A", "B"}
    assert parse_clock(double.start) >= parse_clock("08:30") + 50  # A: 08:30 at -30, 50 min away


def test_a_break_is_taken_where_the_carer_is_inside_its_window(tmp_path: Path) -> None:
    """Two one-hour visits at +20, at 10:30 and at 12:00 sharp, and a 30-minute break to start
    between 11:00 and 13:00: the only room is 11:30-12:00 at the client's home (a break at the
    office, 20 minutes away, leaves no time to come back by 12:00). Both visits are served,
    the break lies inside its window, and the carer travels out and back only (40 minutes)."""
    shift = [
        {
            "day": 0,
            "start": "07:00",
            "end": "16:00",
            "break": {"minutes": 30, "earliest": "11:00", "latest": "13:00"},
        }
    ]
    instance = _line_instance(
        tmp_path,
        {"T": 0},
        [{"id": "A", "team": "T", "shifts": shift}],
        {"K": 20},
        [
            {
                "id": "first",
                "client": "K",
                "duration": 60,
                "window": {"earliest": "10:30", "latest": "10:30"},
            },
            {
                "id": "second",
                "client": "K",
                "duration": 60,
                "window": {"earliest": "12:00", "latest": "12:00"},
            },
        ],
    )
    result = _routed(instance)
    assert _carers(result) == {"first": {"A"}, "second": {"A"}}
    assert result.evaluation.metrics.travel_minutes == 40
    (route,) = result.schedule.routes
    (pause,) = [s for s in route.stops if s.kind == "break"]
    assert parse_clock("11:00") <= parse_clock(pause.start) <= parse_clock("13:00")


def test_a_double_left_out_is_put_back_where_two_carers_are_free_at_one_start(
    tmp_path: Path,
) -> None:
    """A's day holds a visit at -30 until 08:30, B's one at +10 until 08:10; a double at +20
    (window 08:00-12:00) left out by the router goes back at the first minute both can be
    there: A arrives 08:30 + 50 = 09:20 (B could at 08:20), so both start it at 09:20, and
    nothing routed moves. The day, with the double, passes the evaluator."""
    shift = [{"day": 0, "start": "07:00", "end": "16:00"}]
    instance = _line_instance(
        tmp_path,
        {"T": 0},
        [{"id": "A", "team": "T", "shifts": shift}, {"id": "B", "team": "T", "shifts": shift}],
        {"F": -30, "N": 10, "D": 20},
        [
            {"id": "far", "client": "F", "duration": 30},
            {"id": "near", "client": "N", "duration": 10},
            {
                "id": "double",
                "client": "D",
                "staff_needed": 2,
                "duration": 20,
                "window": {"earliest": "08:00", "latest": "12:00"},
            },
        ],
    )
    problem = Problem.build(instance, allow_borrowing=True)
    offer = offered(problem, 0, list(instance.visits))
    routed = {
        "far": Placement(0, parse_clock("08:00"), ("A",)),
        "near": Placement(0, parse_clock("08:00"), ("B",)),
    }
    placed = insert_pairs(problem, offer, routed, rank={})
    assert placed["far"] == routed["far"] and placed["near"] == routed["near"]
    assert placed["double"] == Placement(0, parse_clock("09:20"), ("A", "B"))
    schedule = to_schedule(problem, Solution(placed, {}))
    assert [str(v) for v in evaluate(instance, schedule, allow_borrowing=True).violations] == []


def test_a_single_visit_moves_to_make_room_for_a_double(tmp_path: Path) -> None:
    """The double at +20 must start at 09:00 sharp and its client refuses C, so A and B must do
    it; B's routed day holds a visit at +10 from 08:50 to 09:20 whose window runs to 12:00. That
    visit moves (to C, or to another time of B's day) and A and B start the double together at
    09:00; every visit is served and the day passes the evaluator."""
    shift = [{"day": 0, "start": "07:00", "end": "16:00"}]
    instance = _line_instance(
        tmp_path,
        {"T": 0},
        [{"id": c, "team": "T", "shifts": shift} for c in ("A", "B", "C")],
        {"N": 10, "D": 20},
        [
            {
                "id": "single",
                "client": "N",
                "duration": 30,
                "window": {"earliest": "08:00", "latest": "12:00"},
            },
            {
                "id": "double",
                "client": "D",
                "staff_needed": 2,
                "duration": 20,
                "window": {"earliest": "09:00", "latest": "09:00"},
            },
        ],
    )
    raw = json.loads((tmp_path / "line.json").read_text(encoding="utf-8"))
    raw["clients"][1]["excluded_carers"] = ["C"]
    (tmp_path / "line.json").write_text(json.dumps(raw), encoding="utf-8")
    instance = load_instance(tmp_path / "line.json")
    problem = Problem.build(instance, allow_borrowing=True)
    offer = offered(problem, 0, list(instance.visits))
    routed = {"single": Placement(0, parse_clock("08:50"), ("B",))}
    placed = insert_pairs(problem, offer, routed, rank={})
    assert placed["double"] == Placement(0, parse_clock("09:00"), ("A", "B"))
    assert placed["single"] != routed["single"]
    schedule = to_schedule(problem, Solution(placed, {}))
    assert [str(v) for v in evaluate(instance, schedule, allow_borrowing=True).violations] == []
