"""Converters of the public sets: each on a tiny inline sample (no ../shared needed), the
conservative rounding, the exact recomputation of the set's objective (each set's own, on
hand-made routes whose value follows by hand), and the CLI."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Assignment, Route, Schedule, Stop, Unassigned
from hemplan.models.evaluator import Evaluation, evaluate
from hemplan.models.io.convert import SETS
from hemplan.models.io.convert.common import (
    down,
    exact_route_cost,
    keyword_blocks,
    time_scale,
    up,
    write_converted,
)
from hemplan.models.io.convert.hosseini import day_blocks
from hemplan.models.io.convert.mankowska import routes_timed_in_source
from hemplan.solver.assemble import assemble_schedule
from hemplan.solver.method import SolveOptions
from hemplan.solver.methods import METHODS
from hemplan.solver.problem import Problem
from tests.paths import PUBLIC

SOLOMON = """NAME : T3
TYPE : CVRPTW
DIMENSION : 4
VEHICLES : 2
CAPACITY : 10
SERVICE_TIME : 10
EDGE_WEIGHT_TYPE : EXACT_2D
NODE_COORD_SECTION
1 0 0
2 3 4
3 6 8
4 0 5
DEMAND_SECTION
1 0
2 4
3 4
4 4
TIME_WINDOW_SECTION
1 0 230
2 0 100
3 10 120
4 50 200
DEPOT_SECTION
1
-1
EOF
"""

MANKOWSKA = """nbNodes
5
nbVehi
2
nbServi
2
r
1 1
1 0
0 1
1 1
1 1
DS
4
a
1 0
0 1
x
0 10 0 10 0
y
0 0 10 10 0
d
0 10 10 14.142136 0
10 0 14.142136 10 10
10 14.142136 0 10 10
14.142136 10 10 0 14.142136
0 10 10 14.142136 0
p
0 0
0 0
20 0
20 0
0 15
0 15
30 30
30 30
0 0
0 0
mind
0 0 0 0 0
maxd
0 0 0 0 0
e
0 0 0 100 0
l
600 300 300 300 1000
"""

CONVRP = """NAME: CVRP_RAND_3_2
TYPE: CVRP
DIMENSION: 4
NUM_DAYS: 2
CAPACITY:  15
DISTANCE:  35
EDGE_WEIGHT_FORMAT: EUC_2D
NODE_COORD_SECTION
1\t1.0 0.0
2\t0.0 2.0
3\t3.0 4.0
DEMAND_SECTION
1\t3\t3
2\t-1\t5
3\t4\t-1
SVC_TIME_SECTION
1\t1\t1
2\t0\t1
3\t1\t0
DEPOT_SECTION
0.0 0.0
-1
EOF
"""

HOSSEINI = """nPatients 7
nNurses 2
nDays 5
nurseAvail
2 1
patAvail
2 1 2
release
48 48 50 60 48 48 48
deadline
102 102 90 90 100 102 102
duration
0 0 6 6 9 0 0
dayReq
0 0 2 3 1 0 0
code
0 0 0 0 0 0 0
nurseType
1 1
maxWeekly
240 240
base
1 6 2 7
travelTime
0 0 2 3 1 0 0
0 0 1 2 2 0 0
2 1 0 2 3 2 1
3 2 2 0 1 3 2
1 2 3 1 0 1 2
0 0 2 3 1 0 0
0 0 1 2 2 0 0
preAssignNurse
0 2 0
preAssignDays
0 0 0 0 0
1 0 1 0 1
0 0 0 0 0
preAssignWindows
0 0
60 66
0 0
"""

UHHC = {
    "metadata": {
        "time_window_met": "at_service_end",
        "horizon": 600,
        "cost_components": {"travel_time": 1},
    },
    "distances": [[0, 10, 20], [10, 0, 15], [20, 15, 0]],
    "terminal_points": [{"id": "d0", "distance_matrix_index": 0, "location": [11.3, 53.8]}],
    "caregivers": [
        {
            "id": "c1",
            "abilities": ["s0"],
            "departing_point": "d0",
            "arrival_point": "d0",
            "working_shift": {"start": 60, "end": 400},
            "lunch_break": True,
        },
        {
            "id": "c2",
            "abilities": ["s0", "s1"],
            "departing_point": "d0",
            "arrival_point": "d0",
            "working_shift": {"start": 60, "end": 400},
            "lunch_break": False,
        },
    ],
    "patients": [
        {
            "id": "p0",
            "required_services": [{"service": "s1", "duration": 30}],
            "distance_matrix_index": 1,
            "time_windows": [{"start": 100, "end": 200}, {"start": 300, "end": 350}],
            "location": [11.4, 53.9],
            "preferred_caregivers": ["c2"],
            "optional": False,
        },
        {
            "id": "p1",
            "required_services": [{"service": "s0", "duration": 20}],
            "distance_matrix_index": 2,
            "time_windows": [{"start": 90, "end": 300}],
            "location": [11.5, 53.7],
            "optional": True,
        },
    ],
    "services": [
        {"id": "s0", "type": "t0", "default_duration": 15},
        {"id": "s1", "type": "t0", "default_duration": 15},
    ],
    "lunch_breaks": {"start": 180, "end": 300, "min_duration": 30},
}


def _sample(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _solve(instance: Instance, method: str = "continuity") -> tuple[Schedule, Evaluation]:
    result = METHODS[method].solve(
        instance, SolveOptions(time_limit=2, workers=1), lambda event: None
    )
    evaluation = evaluate(instance, result.schedule)
    assert evaluation.violations == []
    return result.schedule, evaluation


def _route_length(
    schedule: Schedule, instance: Instance, points: Mapping[str, tuple[float, float]]
) -> float:
    """Route lengths recomputed here from coordinates (independently of the converter)."""
    client = {v.id: v.client for v in instance.visits}
    total = 0.0
    for route in schedule.routes:
        stops = [
            points[client[s.visit]]
            for s in route.stops
            if s.kind == "visit" and s.visit is not None
        ]
        if stops:
            path = [points["office"], *stops, points["office"]]
            total += sum(math.dist(a, b) for a, b in itertools.pairwise(path))
    return total


def test_rounding_is_conservative() -> None:
    assert (
        time_scale(230) == 6
        and time_scale(600) == 2
        and time_scale(3390) == pytest.approx(1440 / 3390)
    )
    assert up(10.2, 1) == 11 and down(10.8, 1) == 10 and up(3.0, 2) == 6  # integers stay exact


def test_solomon_sample_solves_and_its_distance_is_exact(tmp_path: Path) -> None:
    converted = SETS["solomon"](_sample(tmp_path, "T3.4.2.vrptw", SOLOMON))
    assert converted.scale == 6
    instance = write_converted(converted, tmp_path / "t3.json")
    assert [v.window.earliest for v in instance.visits] == [0, 60, 300] and len(instance.staff) == 2
    assert instance.visits[0].duration == 60  # 10 units x 6 minutes
    schedule, evaluation = _solve(instance, "central-travel")
    assert evaluation.metrics.unassigned_mandatory == 0
    distance, _ = exact_route_cost(schedule, instance, converted)
    points = {"office": (0, 0), "N1": (3, 4), "N2": (6, 8), "N3": (0, 5)}
    assert distance == pytest.approx(_route_length(schedule, instance, points))
    assert distance >= 15 + math.sqrt(45) - 1e-9  # the shortest tour through all three


def test_mankowska_sample_maps_skills_and_double_service(tmp_path: Path) -> None:
    path = _sample(tmp_path, "Z1__sample.txt", MANKOWSKA)
    converted = SETS["mankowska"](path)
    instance = write_converted(converted, tmp_path / "z1.json")
    assert sorted(v.id for v in instance.visits) == ["V1-s1", "V2-s2", "V3-s1-s2"]
    assert {s.id: s.skills for s in instance.staff} == {"K1": ["s1"], "K2": ["s2"]}
    double = instance.visit_by_id["V3-s1-s2"]
    assert (double.staff_needed, double.slot_skills, double.gap) == (
        2,
        (frozenset({"s1"}), frozenset({"s2"})),
        None,  # simultaneous: the carers start together
    )
    assert (double.window.earliest, double.window.latest, double.duration) == (100, 300, 30)
    assert instance.visit_by_id["V1-s1"].duration == 20
    # a minute per source unit: the routes end by the depot copy's 1000; tardiness: any start
    # within the shift is allowed, at a cost
    assert instance.staff[0].shifts[0].end == 1000
    assert all(v.allowed_starts[-1][1] == 1000 for v in instance.visits)
    schedule, evaluation = _solve(instance)
    assert evaluation.metrics.unassigned_mandatory == 0
    distance, _ = exact_route_cost(schedule, instance, converted)
    points = {"office": (0, 0), "N1": (10, 0), "N2": (0, 10), "N3": (10, 10)}
    assert distance == pytest.approx(_route_length(schedule, instance, points), abs=1e-4)
    assert converted.objective(schedule, instance).value == pytest.approx(distance / 3)


def test_mankowska_keeps_a_double_service_gap_rounded_inwards(tmp_path: Path) -> None:
    gapped = MANKOWSKA.replace("mind\n0 0 0 0 0", "mind\n0 0 0 1.5 0").replace(
        "maxd\n0 0 0 0 0", "maxd\n0 0 0 4.2 0"
    )
    instance = write_converted(
        SETS["mankowska"](_sample(tmp_path, "Z2__s.txt", gapped)), tmp_path / "z2.json"
    )
    assert instance.visit_by_id["V3-s1-s2"].start_gap == (2, 4)  # 1.5 and 4.2 units of 1 min


def test_mankowska_routes_are_not_cut_at_an_end_depot_window_of_600(tmp_path: Path) -> None:
    """E and F give the end depot [0, 600], which their published plans do not keep: the
    scale doubles (2 minutes per unit) and the routes run to the day's end (720 units), so a
    carer may finish its last service after 600."""
    early_end = MANKOWSKA.replace("l\n600 300 300 300 1000", "l\n600 300 300 300 600")
    instance = write_converted(
        SETS["mankowska"](_sample(tmp_path, "Z5__e.txt", early_end)), tmp_path / "z5.json"
    )
    assert instance.staff[0].shifts[0].end == 24 * 60  # 720 units, not 600
    double = instance.visit_by_id["V3-s1-s2"]
    assert (double.window.earliest, double.window.latest, double.duration) == (200, 600, 60)
    assert all(v.allowed_starts[-1][1] == 24 * 60 for v in instance.visits)


def _double_plan(instance: Instance, start: int) -> Schedule:
    """V1-s1 by K1 and V2-s2 by K2 at minute (source unit) 60, then V3 by both at `start`."""
    assignments = [
        Assignment(visit="V1-s1", day=0, start=60, carers=["K1"]),
        Assignment(visit="V2-s2", day=0, start=60, carers=["K2"]),
        Assignment(visit="V3-s1-s2", day=0, start=start, carers=["K1", "K2"]),
    ]
    return assemble_schedule(Problem.build(instance), assignments, {}, [])


def test_mankowska_objective_is_a_third_of_travel_tardiness_and_the_largest(
    tmp_path: Path,
) -> None:
    converted = SETS["mankowska"](_sample(tmp_path, "Z1__sample.txt", MANKOWSKA))
    instance = write_converted(converted, tmp_path / "z1.json")
    travel = 2 * (10 + 10 + 14.142136)  # each carer: office, its own client, N3, office
    on_time = _double_plan(instance, 120)
    assert evaluate(instance, on_time).violations == []
    assert converted.objective(on_time, instance).value == pytest.approx(travel / 3)
    late = _double_plan(instance, 320)  # 20 units after l = 300, for each carer
    assert evaluate(instance, late).violations == []
    objective = converted.objective(late, instance)
    assert objective.value == pytest.approx((travel + 2 * 20 + 20) / 3)
    assert objective.note.endswith("tardiness 40, max 20")


def test_mankowska_routes_timed_in_source_units_start_as_the_exact_travel_allows(
    tmp_path: Path,
) -> None:
    """Both carers go straight to N3 first (14.142 units, 15 whole minutes) for the double
    service, which may start from 0 and should by 14: planned in minutes each is 1 late, the
    same routes timed in source units 0.142136 late."""
    tight = MANKOWSKA.replace("e\n0 0 0 100 0", "e\n0 0 0 0 0").replace(
        "l\n600 300 300 300 1000", "l\n600 300 300 14 1000"
    )
    converted = SETS["mankowska"](_sample(tmp_path, "Z3__tight.txt", tight))
    instance = write_converted(converted, tmp_path / "z3.json")
    assignments = [
        Assignment(visit="V3-s1-s2", day=0, start=15, carers=["K1", "K2"]),
        Assignment(visit="V1-s1", day=0, start=55, carers=["K1"]),
        Assignment(visit="V2-s2", day=0, start=55, carers=["K2"]),
    ]
    schedule = assemble_schedule(Problem.build(instance), assignments, {}, [])
    assert evaluate(instance, schedule).violations == []
    travel = 2 * (14.142136 + 10 + 10)
    assert converted.objective(schedule, instance).value == pytest.approx((travel + 2 + 1) / 3)
    timed = routes_timed_in_source(converted, schedule, instance)
    late = 14.142136 - 14
    assert timed.value == pytest.approx((travel + 2 * late + late) / 3)
    # K2 comes from N2 first (N3 reached at 35 exactly): K1 waits, since the two start together
    held = [
        Assignment(visit="V2-s2", day=0, start=10, carers=["K2"]),
        Assignment(visit="V3-s1-s2", day=0, start=35, carers=["K1", "K2"]),
        Assignment(visit="V1-s1", day=0, start=75, carers=["K1"]),
    ]
    waited = assemble_schedule(Problem.build(instance), held, {}, [])
    assert evaluate(instance, waited).violations == []
    timed = routes_timed_in_source(converted, waited, instance)
    assert timed.value == pytest.approx((travel + 2 * 21 + 21) / 3)


def test_mankowska_routes_timed_in_source_units_keep_a_start_gap(tmp_path: Path) -> None:
    """The double service with a gap of [2, 4] (1.5 and 4.2 units): K2 reaches N3 at 35 via N2,
    so K1 (the first role, at N3 from 14.142) starts no earlier than 31 and K2 at 35, as
    planned: 17 and 21 late. Started together both would be 21 late; without the gap K1 would
    start at 14.142."""
    gapped = (
        MANKOWSKA.replace("mind\n0 0 0 0 0", "mind\n0 0 0 1.5 0")
        .replace("maxd\n0 0 0 0 0", "maxd\n0 0 0 4.2 0")
        .replace("e\n0 0 0 100 0", "e\n0 0 0 0 0")
        .replace("l\n600 300 300 300 1000", "l\n600 300 300 14 1000")
    )
    converted = SETS["mankowska"](_sample(tmp_path, "Z4__gap.txt", gapped))
    instance = write_converted(converted, tmp_path / "z4.json")
    assert instance.visit_by_id["V3-s1-s2"].start_gap == (2, 4)
    assignments = [
        Assignment(visit="V2-s2", day=0, start=10, carers=["K2"]),
        Assignment(visit="V3-s1-s2", day=0, start=31, carers=["K1", "K2"], starts=[31, 35]),
        Assignment(visit="V1-s1", day=0, start=71, carers=["K1"]),
    ]
    schedule = assemble_schedule(Problem.build(instance), assignments, {}, [])
    assert evaluate(instance, schedule).violations == []
    travel = 2 * (14.142136 + 10 + 10)
    timed = routes_timed_in_source(converted, schedule, instance)
    assert timed.value == pytest.approx((travel + 17 + 21 + 21) / 3)


def test_convrp_sample_is_multi_day_with_continuity(tmp_path: Path) -> None:
    converted = SETS["convrp"](_sample(tmp_path, "tiny.vrp", CONVRP))
    instance = write_converted(converted, tmp_path / "c.json")
    assert instance.horizon.days == 2
    assert sorted(v.id for v in instance.visits) == ["V1-d0", "V1-d1", "V2-d1", "V3-d0"]
    assert len(instance.staff) == 1  # demand 7 and 8 per day fit one vehicle of 15
    schedule, evaluation = _solve(instance)
    assert (
        evaluation.metrics.unassigned_mandatory == 0
        and evaluation.metrics.distinct_carers_total == 3
    )
    distance, _ = exact_route_cost(schedule, instance, converted)
    points = {"office": (0, 0), "N1": (1, 0), "N2": (0, 2), "N3": (3, 4)}
    assert distance == pytest.approx(_route_length(schedule, instance, points))


def test_hosseini_sample_locks_existing_and_spreads_new(tmp_path: Path) -> None:
    assert day_blocks(5, 2) == [(0, 1), (2, 4)] and day_blocks(5, 5) == [(k, k) for k in range(5)]
    converted = SETS["hosseini"](_sample(tmp_path, "01_data.txt", HOSSEINI))
    instance = write_converted(converted, tmp_path / "h.json")
    locked = [v for v in instance.visits if v.locked_carers]
    assert [(v.day, v.locked_start, v.locked_carers) for v in locked] == [
        (0, 600, ["K2"]),
        (2, 600, ["K2"]),
        (4, 600, ["K2"]),
    ]
    assert instance.client_by_id["N1"].excluded_carers == ["K2"]  # K2 only serves existing patients
    _, evaluation = _solve(instance)
    assert evaluation.metrics.unassigned_mandatory == 0
    assert evaluation.clients["N1"].distinct == 1 and evaluation.clients["N3"].distinct == 1


def test_uhhc_sample_keeps_shift_break_preference_and_end_windows(tmp_path: Path) -> None:
    converted = SETS["uhhc"](_sample(tmp_path, "i-000.json", json.dumps(UHHC)))
    instance = write_converted(converted, tmp_path / "u.json")
    shift = instance.staff_by_id["c1"].shift_by_day[0]
    assert shift.break_ is not None
    assert (shift.break_.earliest, shift.break_.latest, shift.break_.minutes) == (180, 270, 30)
    p0 = instance.visit_by_id["p0-s1"]
    # every window, each for the end of service
    assert p0.start_windows == ((70, 170), (270, 320))
    assert instance.visit_by_id["p1-s0"].start_windows == ((70, 280),)
    assert instance.visit_by_id["p1-s0"].priority == "deferrable"
    assert instance.client_by_id["p0"].preferred_carers == ["c2"]
    schedule, evaluation = _solve(instance)
    assert evaluation.metrics.unassigned_mandatory == 0
    distance, _ = exact_route_cost(schedule, instance, converted)
    assert distance == evaluation.metrics.travel_minutes  # minutes already: scale 1, no rounding


def test_uhhc_windows_that_meet_once_shifted_become_one(tmp_path: Path) -> None:
    raw = json.loads(json.dumps(UHHC))
    raw["patients"][0]["time_windows"] = [
        {"start": 300, "end": 350},
        {"start": 100, "end": 200},
        {"start": 200, "end": 260},
    ]
    converted = SETS["uhhc"](_sample(tmp_path, "i-000.json", json.dumps(raw)))
    instance = write_converted(converted, tmp_path / "u.json")
    assert instance.visit_by_id["p0-s1"].start_windows == ((70, 230), (270, 320))


@pytest.mark.skipif(not PUBLIC.is_dir(), reason=f"public instance sets not present at {PUBLIC}")
def test_public_uhhc_keeps_every_time_window(tmp_path: Path) -> None:
    """i-083: every patient has two windows (the service's end inside them); windows that
    meet once shifted to the start are one."""
    source = PUBLIC / "uhhc-ceschia2026/validation/i-083.json"
    patients = {p["id"]: p for p in json.loads(source.read_text())["patients"]}
    instance = write_converted(SETS["uhhc"](source), tmp_path / "x.json")
    assert any(len(v.start_windows) > 1 for v in instance.visits)
    for v in instance.visits:
        windows = patients[v.client]["time_windows"]
        assert v.start_windows[0][0] == max(0, windows[0]["start"] - v.duration)
        assert v.start_windows[-1][1] == windows[-1]["end"] - v.duration


def _plan(
    routes: dict[str, list[str]],
    starts: dict[str, int] | None = None,
    unassigned: tuple[str, ...] = (),
    day: int = 0,
) -> Schedule:
    """A schedule made by hand: each carer's visits in order (a minute apart unless `starts`
    says)."""
    starts = starts or {}
    plan = Schedule(unassigned=[Unassigned(visit=v, reason="test") for v in unassigned])
    for carer, visits in routes.items():
        at = {v: starts.get(v, 60 + k) for k, v in enumerate(visits)}
        plan.assignments += [
            Assignment(visit=v, day=day, start=at[v], carers=[carer]) for v in visits
        ]
        plan.routes.append(
            Route(
                carer=carer,
                day=day,
                stops=[Stop(kind="visit", visit=v, start=at[v], end=at[v]) for v in visits],
            )
        )
    return plan


def test_solomon_objective_is_the_exact_distance_of_the_routes(tmp_path: Path) -> None:
    converted = SETS["solomon"](_sample(tmp_path, "T3.4.2.vrptw", SOLOMON))
    instance = write_converted(converted, tmp_path / "t3.json")
    # K1: office -> (3,4) -> (6,8) -> office = 5 + 5 + 10; K2: office -> (0,5) -> office = 10
    objective = converted.objective(_plan({"K1": ["V1", "V2"], "K2": ["V3"]}), instance)
    assert objective.value == pytest.approx(30) and objective.note == "distance, exact Euclidean"
    assert (
        not objective.counts_partial
    )  # a plan leaving a customer out travels less: not comparable


def test_convrp_objective_adds_up_the_days(tmp_path: Path) -> None:
    converted = SETS["convrp"](_sample(tmp_path, "tiny.vrp", CONVRP))
    instance = write_converted(converted, tmp_path / "c.json")
    day0 = _plan({"K1": ["V1-d0", "V3-d0"]})  # 1 + sqrt(20) + 5
    day1 = _plan({"K1": ["V1-d1", "V2-d1"]}, day=1)  # 1 + sqrt(5) + 2
    both = Schedule(
        assignments=day0.assignments + day1.assignments, routes=day0.routes + day1.routes
    )
    objective = converted.objective(both, instance)
    assert (
        objective.value == pytest.approx(9 + 3 * math.sqrt(5))
        and objective.note == "distance, exact Euclidean"
    )


def test_hosseini_objective_counts_patients_with_every_visit_served(tmp_path: Path) -> None:
    converted = SETS["hosseini"](_sample(tmp_path, "01_data.txt", HOSSEINI))
    instance = write_converted(converted, tmp_path / "h.json")
    assert sorted(c.id for c in instance.clients) == ["N1", "N2", "N3"]
    all_served = converted.objective(_plan({}), instance)
    assert all_served.value == 3 and all_served.note == "accepted patients (every visit served)"
    one_refused = converted.objective(
        _plan({}, unassigned=("V1-2",)), instance
    )  # N1's second visit left out
    assert one_refused.value == 2 and one_refused.counts_partial  # comparable although partial


def test_uhhc_objective_is_the_travel_in_source_minutes(tmp_path: Path) -> None:
    converted = SETS["uhhc"](_sample(tmp_path, "i-000.json", json.dumps(UHHC)))
    instance = write_converted(converted, tmp_path / "u.json")
    objective = converted.objective(_plan({"c2": ["p0-s1", "p1-s0"]}), instance)  # 10 + 15 + 20
    assert (
        objective.value == 45
        and objective.note == "travel only (the reference is the weighted UHHC objective)"
    )


def test_convert_cli_writes_instance_and_matrix_and_rejects_bad_input(tmp_path: Path) -> None:
    source = _sample(tmp_path, "T3.4.2.vrptw", SOLOMON)
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["convert", "solomon", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "not representable: capacity" in result.output
    assert (tmp_path / "out.matrix.json").is_file()
    assert CliRunner().invoke(main, ["validate", str(out)]).exit_code == 0
    bad = _sample(tmp_path, "bad.vrptw", "NAME : X\n")
    result = CliRunner().invoke(
        main, ["convert", "solomon", str(bad), "-o", str(tmp_path / "bad.json")]
    )
    assert (
        result.exit_code == 2
        and "bad.vrptw" in result.output
        and not (tmp_path / "bad.json").exists()
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("set_name", "name", "text", "said"),
    [
        # a node listed twice: two clients of one id
        (
            "convrp",
            "r.txt",
            CONVRP.replace("1\t1.0 0.0\n", "1\t1.0 0.0\n" * 2, 1),
            "r.txt: the instance converted from it cannot be used: clients[N1].id: ",
        ),
        # an existing assignment at 00:00, before any shift: a lock no plan keeps
        (
            "hosseini",
            "h.txt",
            HOSSEINI.replace("60 66\n", "0 0\n", 1),
            "h.txt: the instance converted from it cannot be used: visits[V2-1].locked_carers: ",
        ),
        # a duration that is not a number
        (
            "uhhc",
            "u.json",
            json.dumps(UHHC).replace('"duration": 30', '"duration": {"x": 1}', 1),
            "u.json: not a uhhc file: TypeError ",
        ),
        # a count of a trillion carers: refused before a list of them is built (a mutated
        # count filled the machine's memory)
        (
            "solomon",
            "t.vrptw",
            SOLOMON.replace("VEHICLES : 2", "VEHICLES : 1000000000000"),
            "t.vrptw: not a solomon file: ValueError VEHICLES is 1,000,000,000,000; ",
        ),
        # a patient wanting 10**308 visits in a week (it filled the machine's memory too)
        (
            "hosseini",
            "h.txt",
            HOSSEINI.replace("0 0 2 3 1 0 0\ncode", "0 0 2 3 1e308 0 0\ncode", 1),
            "h.txt: not a hosseini file: ValueError dayReq of patient 5 is 1e+308; ",
        ),
        # a capacity of 0
        (
            "convrp",
            "r.txt",
            CONVRP.replace("CAPACITY:  15", "CAPACITY:  0"),
            "r.txt: not a convrp file: ZeroDivisionError ",
        ),
    ],
    ids=[
        "node-twice",
        "assignment-at-midnight",
        "duration-not-a-number",
        "a-trillion-carers",
        "visits-without-end",
        "capacity-0",
    ],
)
def test_a_file_that_converts_into_no_usable_instance_is_refused_writing_nothing(
    tmp_path: Path, set_name: str, name: str, text: str, said: str
) -> None:
    """Found by the fuzz test of `hemplan convert`. The first two wrote the matrix file, and
    then refused the instance naming the output file, which the user never wrote: one at
    loading, the other only when `validate` checked its locks. The third ended in a
    traceback. Each is now refused naming the source file, and nothing is written."""
    source = _sample(tmp_path, name, text)
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["convert", set_name, str(source), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[0].startswith(f"{tmp_path}/{said}"), result.stderr
    assert sorted(f.name for f in tmp_path.iterdir()) == [name]


@pytest.mark.skipif(not PUBLIC.is_dir(), reason=f"public instance sets not present at {PUBLIC}")
@pytest.mark.parametrize(
    "set_name,relative",
    [
        ("solomon", "solomon-vrptw-100/C101.100.10.vrptw"),
        ("mankowska", "mankowska2014-hhcrsp/A1__InstanzCPLEX_HCSRP_10_1.txt"),
        ("convrp", "convrp-groer2009-kovacs2014/convrp_10_test_1.vrp"),
        ("hosseini", "hosseini-stochastic-con-hhcrsp/caseA/default.txt"),
        ("uhhc", "uhhc-ceschia2026/validation/i-116.json"),
    ],
)
def test_public_files_convert_to_valid_instances(
    tmp_path: Path, set_name: str, relative: str
) -> None:
    converted = SETS[set_name](PUBLIC / relative)
    instance = write_converted(converted, tmp_path / "x.json")
    assert instance.visits and instance.staff
    assert all(len(row) == len(converted.places) for row in converted.source_matrix)


MANKOWSKA_B1 = PUBLIC / "mankowska2014-hhcrsp" / "B1__InstanzCPLEX_HCSRP_25_1.txt"


@pytest.mark.skipif(not MANKOWSKA_B1.is_file(), reason=f"{MANKOWSKA_B1} not present")
def test_mankowska_public_file_keeps_every_double_service_and_its_gap(tmp_path: Path) -> None:
    """B1: 25 patients, 8 of them with a double service; every visit's window is soft."""
    blocks = keyword_blocks(MANKOWSKA_B1.read_text())
    doubles = [int(v) - 1 for row in blocks["DS"] for v in row]
    instance = write_converted(SETS["mankowska"](MANKOWSKA_B1), tmp_path / "b1.json")
    two = {v.client: v for v in instance.visits if v.staff_needed == 2}
    assert sorted(two) == sorted(f"N{node}" for node in doubles)
    for node in doubles:
        gap = two[f"N{node}"].start_gap
        mind, maxd = _column(blocks["mind"])[node], _column(blocks["maxd"])[node]
        assert gap == (math.ceil(mind), math.floor(maxd))  # 1 minute per unit
        assert len(two[f"N{node}"].slot_skills) == 2
    assert len(instance.visits) == len(instance.clients)  # one visit per patient
    assert all(v.lateness is not None for v in instance.visits)


def _column(block: list[list[float]]) -> list[float]:
    return [v for row in block for v in row]
