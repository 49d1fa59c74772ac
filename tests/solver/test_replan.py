"""`replan` and `hemplan replan`: unaffected assignments kept exactly, the absent carer unused on
the absence days, the general form (cancelled, new and moved visits), bad arguments. Every
replanned schedule is verified by the evaluator against the instance as the planner has it."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.models.contract.clock import parse_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputError
from hemplan.models.contract.schedule import Assignment, Schedule
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import instance_from_data, load_instance, load_schedule
from hemplan.models.io.write import write_model
from hemplan.solver.assemble import assemble_schedule
from hemplan.solver.continuity.solve import solve
from hemplan.solver.method import SolveOptions
from hemplan.solver.problem import Problem
from hemplan.solver.replan import Absence, ReplanResult, parse_days, replan
from tests.paths import REPO
from tests.small_instances import OFFICE, near, shift, visit

TEAM = REPO / "instances" / "team-14d.json"
TINY = REPO / "instances" / "tiny.json"
FAST = SolveOptions(time_limit=3.0, workers=1)


def verified(instance: Instance, result: ReplanResult) -> ReplanResult:
    assert [str(v) for v in evaluate(instance, result.schedule).violations] == []
    return result


def placements(schedule: Schedule) -> dict[str, tuple[int, int, tuple[str, ...]]]:
    return {a.visit: (a.day, a.start, tuple(sorted(a.carers))) for a in schedule.assignments}


@pytest.fixture(scope="module")
def team() -> tuple[Instance, Schedule]:
    inst = load_instance(TEAM)
    old = solve(inst, SolveOptions(time_limit=10.0, workers=1, work_limit=0.3)).schedule
    assert evaluate(inst, old).violations == []
    return inst, old


def test_absence_keeps_every_unaffected_assignment_and_never_uses_the_absent_carer(
    team: tuple[Instance, Schedule],
) -> None:
    inst, old = team
    days = range(3, 6)
    busy = [c for a in old.assignments if a.day in days for c in a.carers]
    carer = max(sorted(set(busy)), key=busy.count)  # the carer whose absence hurts most
    result = verified(inst, replan(inst, old, [Absence(carer, days)], FAST))
    before, after = placements(old), placements(result.schedule)
    unaffected = {v: p for v, p in before.items() if not (carer in p[2] and p[0] in days)}
    assert {v: after.get(v) for v in unaffected} == unaffected
    assert not [v for v, p in after.items() if carer in p[2] and p[0] in days]
    assert any(carer in p[2] for p in after.values())  # kept on the other days
    assert set(result.affected) == set(before) - set(unaffected)
    changed = {c.visit for c in result.changes}
    assert changed == {v for v in before if after.get(v) != before[v]} | {
        v for v in after if v not in before
    }
    assert result.before.metrics.distinct_carers_horizon is not None
    assert result.schedule.solver is not None and result.schedule.solver.method == "replan"


def test_replan_is_reproducible_for_a_seed_and_work_limit(team: tuple[Instance, Schedule]) -> None:
    inst, old = team
    carer = min({c for a in old.assignments if a.day == 2 for c in a.carers})
    options = SolveOptions(time_limit=60.0, workers=2, seed=5, work_limit=0.2)
    first, second = (
        verified(inst, replan(inst, old, [Absence(carer, range(2, 4))], options)) for _ in range(2)
    )
    assert placements(first.schedule) == placements(second.schedule)
    assert first.changes == second.changes


def one_team(
    visits: list[dict[str, Any]], staff: list[dict[str, Any]], clients: list[str], days: int = 3
) -> dict[str, Any]:
    return {
        "name": "replan",
        "horizon": {"start_date": "2026-01-05", "days": days},
        "teams": [{"id": "T", "office": OFFICE}],
        "staff": [{"team": "T", "travel_mode": "bike", **s} for s in staff],
        "clients": [{"id": c, "team": "T", "location": near(i)} for i, c in enumerate(clients)],
        "visits": visits,
    }


def by_hand(inst: Instance, placed: dict[str, tuple[int, str, list[str]]]) -> Schedule:
    """An old schedule written out by hand (no breaks in these instances)."""
    assignments = [
        Assignment(visit=v, day=d, start=parse_clock(s), carers=c)
        for v, (d, s, c) in placed.items()
    ]
    schedule = assemble_schedule(Problem.build(inst), assignments, {}, [])
    assert evaluate(inst, schedule).violations == []
    return schedule


def test_a_visit_of_the_absent_carer_goes_to_a_carer_the_client_already_meets() -> None:
    staff = [{"id": s, "shifts": [shift(d) for d in range(3)]} for s in ("A", "B", "C")]
    raw = one_team(
        [visit(f"K{d}", "K", d) for d in range(3)]
        + [visit(f"L{d}", "L", d, "12:00", "13:00") for d in range(3)],
        staff,
        ["K", "L"],
    )
    inst = instance_from_data(raw, "replan")
    old = by_hand(
        inst,
        {
            "K0": (0, "08:00", ["A"]),
            "K1": (1, "08:00", ["A"]),
            "K2": (2, "08:00", ["B"]),
            "L0": (0, "12:00", ["C"]),
            "L1": (1, "12:00", ["C"]),
            "L2": (2, "12:00", ["C"]),
        },
    )
    result = verified(inst, replan(inst, old, [Absence("A", range(1, 2))], FAST))
    after = placements(result.schedule)
    assert after["K1"][2] == ("B",)  # K already meets B; C would be a third carer for K
    assert [c.visit for c in result.changes] == ["K1"]
    assert {v: after[v] for v in after if v != "K1"} == {
        v: p for v, p in placements(old).items() if v != "K1"
    }


def test_general_form_drops_a_cancelled_visit_plans_a_new_one_and_moves_a_moved_one() -> None:
    staff = [{"id": s, "shifts": [shift(d) for d in range(3)]} for s in ("A", "B")]
    visits = [visit(f"K{d}", "K", d) for d in range(3)] + [
        visit(f"L{d}", "L", d, "10:00", "11:00") for d in range(3)
    ]
    raw = one_team(visits, staff, ["K", "L"])
    inst = instance_from_data(raw, "replan")
    old = by_hand(
        inst,
        {
            "K0": (0, "08:00", ["A"]),
            "K1": (1, "08:00", ["A"]),
            "K2": (2, "08:00", ["A"]),
            "L0": (0, "10:00", ["B"]),
            "L1": (1, "10:30", ["B"]),
            "L2": (2, "10:00", ["B"]),
        },
    )
    updated_raw = copy.deepcopy(raw)
    updated_raw["visits"] = [v for v in updated_raw["visits"] if v["id"] != "K2"]  # cancelled
    next(v for v in updated_raw["visits"] if v["id"] == "L1")["window"] = {
        "earliest": "14:00",
        "latest": "15:00",
    }  # moved
    updated_raw["visits"].append(visit("K-new", "K", 2, "13:00", "14:00"))  # new
    updated = instance_from_data(updated_raw, "replan")
    result = verified(updated, replan(updated, old, [], FAST))
    after = placements(result.schedule)
    kinds = {c.visit: c.kind for c in result.changes}
    assert kinds == {"K2": "cancelled", "L1": "re-planned", "K-new": "new"}
    assert "K2" not in after
    assert (
        after["L1"][:1] == (1,)
        and 14 * 60 <= after["L1"][1] <= 15 * 60
        and after["L1"][2] == ("B",)
    )
    assert after["K-new"][2] == ("A",)  # the carer K already meets
    for v in ("K0", "K1", "L0", "L2"):
        assert after[v] == placements(old)[v]


def test_a_shift_cut_short_re_plans_only_the_visits_it_no_longer_covers() -> None:
    staff = [{"id": "A", "shifts": [shift(0)]}, {"id": "B", "shifts": [shift(0)]}]
    raw = one_team(
        [visit("Early", "K", 0, "08:00", "09:00"), visit("Late", "K", 0, "14:00", "15:00")],
        staff,
        ["K"],
        days=1,
    )
    inst = instance_from_data(raw, "replan")
    old = by_hand(inst, {"Early": (0, "08:00", ["A"]), "Late": (0, "14:00", ["A"])})
    cut = copy.deepcopy(raw)
    cut["staff"][0]["shifts"] = [shift(0, "07:00", "12:00")]
    updated = instance_from_data(cut, "replan")
    result = verified(updated, replan(updated, old, [], FAST))
    assert set(result.affected) == {"Late"}
    after = placements(result.schedule)
    assert after["Early"] == (0, 480, ("A",))
    assert after["Late"][0] == 0 and after["Late"][2] == ("B",)  # A's shortened shift ends at 12:00


def test_a_visit_locked_to_the_absent_carer_is_an_input_error_naming_it() -> None:
    staff = [{"id": s, "shifts": [shift(d) for d in range(2)]} for s in ("A", "B")]
    raw = one_team(
        [visit("K0", "K", 0), visit("K1", "K", 1, locked_carers=["A"])], staff, ["K"], days=2
    )
    inst = instance_from_data(raw, "replan")
    old = by_hand(inst, {"K0": (0, "08:00", ["A"]), "K1": (1, "08:00", ["A"])})
    with pytest.raises(InputError) as caught:
        replan(inst, old, [Absence("A", range(1, 2))], FAST, source="plan.json")
    assert [str(p) for p in caught.value.problems] == [
        "plan.json: visits[K1].locked_carers: locked carer A cannot do this visit: absent on day 1"
    ]


def _flexible_lock_and_a_kept_visit(clean_at: str) -> tuple[Instance, Schedule]:
    """Shop (days 0-1) locked to A at 10:00 and done on day 0; Clean done by A on day 1."""
    staff = [{"id": s, "shifts": [shift(d) for d in range(2)]} for s in ("A", "B")]
    shop = visit("Shop", "K", 0, "10:00", "14:00", 45, last_day=1)
    shop.update(locked_carers=["A"], locked_start="10:00")
    raw = one_team([shop, visit("Clean", "L", 1, "09:30", "11:00", 60)], staff, ["K", "L"], 2)
    inst = instance_from_data(raw, "replan")
    return inst, by_hand(inst, {"Shop": (0, "10:00", ["A"]), "Clean": (1, clean_at, ["A"])})


def test_a_lock_that_an_absence_and_a_kept_visit_leave_no_day_is_an_input_error() -> None:
    inst, old = _flexible_lock_and_a_kept_visit("10:15")
    with pytest.raises(InputError) as caught:
        replan(
            inst,
            old,
            [Absence("A", range(0, 1))],
            FAST,
            source="plan.json",
            schedule_source="old.json",
        )
    assert [str(p) for p in caught.value.problems] == [
        "plan.json: visits[Shop].locked_carers: locked carer A cannot do this visit at 10:00: "
        "absent on day 0; on day 1 it would overlap Clean (10:15-11:15, kept from old.json)"
    ]


def test_a_lock_moved_by_an_absence_to_a_day_with_room_is_kept_there() -> None:
    inst, old = _flexible_lock_and_a_kept_visit("11:00")
    result = verified(inst, replan(inst, old, [Absence("A", range(0, 1))], FAST))
    after = placements(result.schedule)
    assert after["Shop"] == (1, parse_clock("10:00"), ("A",))
    assert after["Clean"] == placements(old)["Clean"]


def test_a_hand_edited_break_or_start_past_midnight_is_re_planned_not_a_crash() -> None:
    staff = [{"id": s, "shifts": [shift(0, brk=True)]} for s in ("A", "B")]
    raw = one_team(
        [visit("K0", "K", 0, "08:00", "09:00"), visit("L0", "L", 0, "14:00", "23:59", 60)],
        staff,
        ["K", "L"],
        days=1,
    )
    inst = instance_from_data(raw, "replan")
    problem = Problem.build(inst)
    good = assemble_schedule(
        problem,
        [Assignment(visit="K0", day=0, start=parse_clock("08:00"), carers=["A"])],
        {("A", 0): parse_clock("11:00")},
        [],
    )
    assert evaluate(inst, good).violations == []
    data = good.model_dump(by_alias=True)
    data["routes"][0]["stops"][1]["start"] = parse_clock("23:59")  # the break, past the shift
    data["assignments"].append({"visit": "L0", "day": 0, "start": "23:59", "carers": ["B"]})
    edited = Schedule.model_validate(data)
    result = verified(inst, replan(inst, edited, [], FAST))
    assert result.affected["K0"].startswith("break on A's day 0: the schedule's break at 23:59")
    assert result.affected["L0"] == "shift: starts 23:59 and lasts 60 min, past 24:00"
    assert placements(result.schedule)["L0"][1] <= parse_clock("15:00")  # the shifts end at 16:00


# --- the command ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_schedule(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny") / "tiny-schedule.json"
    write_model(out, solve(load_instance(TINY), SolveOptions(time_limit=2.0, workers=1)).schedule)
    return out


def test_cli_replan_writes_a_verified_schedule_and_prints_the_changes(
    tiny_schedule: Path, tmp_path: Path
) -> None:
    out = tmp_path / "new.json"
    result = CliRunner().invoke(
        main,
        [
            "replan",
            str(TINY),
            str(tiny_schedule),
            "--absent",
            "T01-S01",
            "--days",
            "1",
            "-o",
            str(out),
            "--time-limit",
            "3",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        "distinct carers/client (horizon): mean" in result.output
        and "verified by the evaluator" in result.output
    )
    new = load_schedule(out)
    assert evaluate(load_instance(TINY), new).violations == []
    assert not [a for a in new.assignments if a.day == 1 and "T01-S01" in a.carers]
    assert "travel budget" not in result.output  # none asked for


def test_cli_replan_within_a_travel_budget_says_how_much_of_it_is_used(
    tiny_schedule: Path, tmp_path: Path
) -> None:
    out = tmp_path / "new.json"
    args = [str(TINY), str(tiny_schedule), "--absent", "T01-S01", "--days", "1", "-o", str(out)]
    result = CliRunner().invoke(
        main,
        ["replan", *args, "--work-limit", "0.3", "--workers", "1", "--max-travel-increase", "20"],
    )
    assert result.exit_code == 0, result.output
    new = load_schedule(out)
    evaluation = evaluate(load_instance(TINY), new)
    assert evaluation.violations == []
    assert new.solver is not None
    budget = new.solver.options["travel_budget"]
    assert isinstance(budget, int)
    share = f"{100 * evaluation.metrics.travel_minutes / budget:.1f}%"
    assert f"travel budget  {budget} min (the travel-only plan's travel + 20%), {share}" in (
        result.output
    )


def test_cli_replan_json_lists_the_changes(tiny_schedule: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "replan",
            str(TINY),
            str(tiny_schedule),
            "--absent",
            "T01-S02",
            "--days",
            "0-1",
            "-o",
            str(tmp_path / "new.json"),
            "--time-limit",
            "3",
            "--workers",
            "1",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["replanned"] == len(
        [a for a in load_schedule(tiny_schedule).assignments if "T01-S02" in a.carers]
    )
    assert all(c["old"] is None or "T01-S02" in c["old"]["carers"] for c in data["changes"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--absent", "NOBODY", "--days", "1"], "--absent: NOBODY: no such carer"),
        (["--absent", "T01-S01", "--days", "1-9"], "--days: 1-9: outside the horizon"),
        (["--absent", "T01-S01", "--days", "x"], "--days: x: expected a day"),
        (["--absent", "T01-S01"], "--absent and --days go together"),
    ],
)
def test_cli_replan_bad_arguments_exit_2_without_output(
    tiny_schedule: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "never.json"
    result = CliRunner().invoke(
        main, ["replan", str(TINY), str(tiny_schedule), "-o", str(out), *args]
    )
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_cli_replan_refuses_a_schedule_of_another_instance(
    tiny_schedule: Path, tmp_path: Path
) -> None:
    out = tmp_path / "never.json"
    result = CliRunner().invoke(main, ["replan", str(TEAM), str(tiny_schedule), "-o", str(out)])
    assert result.exit_code == 2
    assert (
        f"{tiny_schedule}: instance: the schedule is of instance 'tiny', not 'team-14d'"
        in result.output
    )
    assert "note:" not in result.output  # refused, not "replanned as the same plan"
    assert not out.exists()


def test_absence_days_are_taken_as_dates_too() -> None:
    monday = date(2026, 1, 5)
    assert parse_days("2026-01-07", 14, start_date=monday) == range(2, 3)
    assert parse_days("2026-01-07..2026-01-09", 14, start_date=monday) == range(2, 5)
    assert parse_days("2-4", 14, start_date=monday) == range(2, 5)
    with pytest.raises(InputError) as outside:
        parse_days("2026-02-01", 14, start_date=monday)
    assert "dates 2026-01-05..2026-01-18" in str(outside.value.problems[0])
    with pytest.raises(InputError):
        parse_days("2026-02-30", 14, start_date=monday)


def test_replan_lists_the_visits_left_out_with_the_absence_as_the_reason(tmp_path: Path) -> None:
    """Aisha (A1) is the only insulin carer of csv-example's team T1 on a Tuesday: when she is
    away, Karin's morning insulin visit is left out, and the list says why."""
    example = REPO / "instances" / "csv-example.json"
    old, new = tmp_path / "s.json", tmp_path / "new.json"
    runner = CliRunner()
    assert (
        runner.invoke(
            main, ["solve", str(example), "-o", str(old), "--work-limit", "0.5"]
        ).exit_code
        == 0
    )
    result = runner.invoke(
        main,
        [
            "replan",
            str(example),
            str(old),
            "-o",
            str(new),
            "--absent",
            "A1",
            "--days",
            "2026-01-06",
        ],
    )
    assert result.exit_code == 0, result.output
    line = next(
        row for row in result.output.splitlines() if "Tue 2026-01-06 07:30-09:00  Karin Berg" in row
    )
    assert "no shift that day: Aisha Nilsson (A1)" in line and "lacks insulin" in line
    assert "lawful," in result.output.splitlines()[-1]
    assert evaluate(load_instance(example), load_schedule(new)).violations == []


def test_a_substitute_on_the_command_line_takes_the_absent_carers_shifts(tmp_path: Path) -> None:
    """V9, with insulin, stands in for Aisha (A1) on Tuesday: Karin's insulin visit is served
    by V9, and the instance written beside the schedule has V9 and Aisha's day off."""
    example = REPO / "instances" / "csv-example.json"
    old, new = tmp_path / "s.json", tmp_path / "new.json"
    runner = CliRunner()
    assert (
        runner.invoke(
            main, ["solve", str(example), "-o", str(old), "--work-limit", "0.5"]
        ).exit_code
        == 0
    )
    args = [
        "replan",
        str(example),
        str(old),
        "-o",
        str(new),
        "--absent",
        "A1",
        "--days",
        "2026-01-06",
    ]
    result = runner.invoke(main, [*args, "--substitute", "V9", "--substitute-skills", "insulin"])
    assert result.exit_code == 0, result.output
    written = load_instance(tmp_path / "new.instance.json")
    assert written.staff_by_id["V9"].skills == ["insulin"]
    assert [s.day for s in written.staff_by_id["V9"].shifts] == [1]
    assert 1 not in written.staff_by_id["A1"].shift_by_day
    schedule = load_schedule(new)
    morning = next(a for a in schedule.assignments if a.visit == "K1-morgon/d1")
    assert morning.carers == ["V9"]
    assert evaluate(written, schedule).violations == []
    taken = runner.invoke(main, [*args, "--substitute", "A2"])
    assert (
        taken.exit_code == 2
        and "--substitute: A2: a carer of that id is in the instance already" in taken.output
    )


def test_a_plan_re_imported_under_another_name_is_replanned_with_a_note(tmp_path: Path) -> None:
    """The same district imported again as 'district-v2': the schedule's visits are all
    there, so the replan goes ahead and says so; a schedule of another instance whose visits
    merely share a few ids (tiny's against team-14d) stays refused (test above)."""
    example = REPO / "instances" / "csv-example.json"
    renamed = tmp_path / "district-v2.json"
    renamed.write_text(
        example.read_text(encoding="utf-8").replace(
            '"name": "csv-example"', '"name": "district-v2"', 1
        ),
        encoding="utf-8",
    )
    old, new = tmp_path / "s.json", tmp_path / "new.json"
    runner = CliRunner()
    assert (
        runner.invoke(
            main, ["solve", str(example), "-o", str(old), "--work-limit", "0.5"]
        ).exit_code
        == 0
    )
    result = runner.invoke(main, ["replan", str(renamed), str(old), "-o", str(new)])
    assert result.exit_code == 0, result.output
    assert f"{old}: note: made for instance 'csv-example', this is 'district-v2'" in result.output
    assert evaluate(load_instance(renamed), load_schedule(new)).violations == []
