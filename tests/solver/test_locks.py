"""Locks: a visit's `locked_carers` and `locked_start` are kept exactly by `solve`.

Each instance is built so that the unlocked optimum differs from what the lock demands
(a preferred carer, a better start, a cheaper day), so a lock that is ignored fails the
test. Every solve is verified by the independent evaluator (which also checks locks).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from hemplan.models.contract.clock import parse_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputError
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance
from hemplan.solver.continuity.solve import solve
from hemplan.solver.locks import LockCheck, check_lock_sets, lock_problems
from hemplan.solver.method import SolveOptions, SolveResult
from hemplan.solver.problem import Problem
from tests.hand_instance import BASE, MATRIX, write_hand_instance
from tests.small_instances import shift, small, visit


def solved(instance: Instance) -> SolveResult:
    result = solve(instance, SolveOptions(time_limit=2.0, workers=1))
    assert [str(v) for v in evaluate(instance, result.schedule).violations] == []
    return result


def placed(result: SolveResult, visit_id: str) -> tuple[int, int, list[str]]:
    (a,) = [a for a in result.schedule.assignments if a.visit == visit_id]
    return a.day, a.start, sorted(a.carers)


def two_carers(days: int = 3) -> list[dict]:
    return [{"id": s, "shifts": [shift(d) for d in range(days)]} for s in ("A", "B")]


def test_locked_carer_is_kept_against_the_clients_preference() -> None:
    inst = small(
        two_carers(),
        [{"id": "K", "preferred_carers": ["A"]}],
        [visit(f"V{d}", "K", d, locked_carers=["B"] if d == 1 else []) for d in range(3)],
        days=3,
    )
    result = solved(inst)
    assert placed(result, "V1")[2] == ["B"]


def test_locked_start_is_kept_inside_a_wide_window() -> None:
    inst = small(
        two_carers(1),
        [{"id": "K"}],
        [visit("V", "K", 0, "08:00", "12:00", locked_start="11:37")],
        days=1,
    )
    assert placed(solved(inst), "V")[1] == parse_clock("11:37")


def test_locked_carer_and_start_are_kept_together() -> None:
    inst = small(
        two_carers(1),
        [{"id": "K", "preferred_carers": ["A"]}],
        [
            visit("V", "K", 0, "08:00", "12:00", locked_carers=["B"], locked_start="10:05"),
            visit("W", "K", 0, "13:00", "14:00"),
        ],
        days=1,
    )
    result = solved(inst)
    assert placed(result, "V") == (0, parse_clock("10:05"), ["B"])


def test_double_visit_with_one_locked_carer_keeps_it_and_finds_a_second() -> None:
    staff = [{"id": s, "shifts": [shift(0)]} for s in ("A", "B", "C")]
    inst = small(
        staff,
        [{"id": "K", "preferred_carers": ["A", "B"]}],
        [visit("V", "K", 0, staff_needed=2, locked_carers=["C"])],
        days=1,
    )
    _, _, carers = placed(solved(inst), "V")
    assert "C" in carers and len(carers) == 2


def _refused_then_kept_with(inst: Instance, third: dict[str, object]) -> None:
    """Double visit V, locked to A, is refused before any work as no other carer can meet A;
    with carer `third` added to team T, the lock is kept with A and C."""
    with pytest.raises(InputError) as caught:
        solve(inst, SolveOptions(time_limit=1.0, workers=1))
    assert [str(p) for p in caught.value.problems] == [
        "small: visits[V].locked_carers: needs 2 carer(s) on day(s) 0, only 1 could serve it"
    ]
    raw = json.loads(inst.model_dump_json(by_alias=True, exclude_none=True))
    raw["staff"].append({"team": "T", **third})
    kept = Instance.model_validate(raw)
    _, _, carers = placed(solved(kept), "V")
    assert carers == ["A", "C"]


def test_a_double_visit_locked_to_a_carer_no_other_can_meet_is_refused() -> None:
    """A's shift ends at 09:00 and B's begins at 09:00: each could do the double visit alone,
    but never together with the other. Accepted before, it ended in a SolverBug (the lock not
    kept; found by the fuzz run with the explore profile). With C at work from 07:00 too, the
    lock can be kept and is."""
    inst = small(
        [
            {"id": "A", "shifts": [shift(0, "07:00", "09:00")]},
            {"id": "B", "shifts": [shift(0, "09:00", "16:00")]},
        ],
        [{"id": "K"}],
        [visit("V", "K", 0, "07:30", "09:30", 45, staff_needed=2, locked_carers=["A"])],
        days=1,
    )
    _refused_then_kept_with(inst, {"id": "C", "shifts": [shift(0, "07:00", "16:00")]})


def test_a_double_visit_whose_carers_breaks_keep_them_apart_is_refused() -> None:
    """V (08:40-09:40, an hour) is locked to A, whose break must start by 09:40: A can only
    start V at 08:40. B's break runs from 09:05 to 09:20 at the latest, for 30 minutes, so
    B can begin V either before 08:20 or from 09:35 on: never with A. Each could do V alone,
    and the check of the shifts alone accepted it; it ended in a SolverBug (found by the fuzz
    run, explore seed 2). With C, whose break comes later, the lock is kept."""

    def worker(cid: str, earliest: str, latest: str, minutes: int) -> dict[str, object]:
        brk = {"minutes": minutes, "earliest": earliest, "latest": latest}
        return {"id": cid, "shifts": [{"day": 0, "start": "07:00", "end": "13:00", "break": brk}]}

    inst = small(
        [worker("A", "09:35", "09:40", 15), worker("B", "09:05", "09:20", 30)],
        [{"id": "K"}],
        [visit("V", "K", 0, "08:40", "09:40", 60, staff_needed=2, locked_carers=["A"])],
        days=1,
    )
    _refused_then_kept_with(inst, worker("C", "11:00", "12:00", 30))


@pytest.mark.parametrize("latest", ["06:00", "06:01"], ids=["one-start", "two-starts"])
def test_many_locks_of_one_carer_in_a_moment_are_refused(latest: str) -> None:
    """Eight five-minute visits locked to A, each to start by `latest`: at most one can.
    Without a locked start each was a free stop, and with more orders than the check tries
    the day was accepted; continuity then left seven locks unkept, a SolverBug (found by the
    fuzz run, explore seed 116). A one-minute window is now a fixed start, and with too many
    orders to try the minutes are weighed against the time they must fit in. Spread over
    two hours, the same locks are kept."""

    def locked_visits(last: str) -> list[dict]:
        return [visit(f"V{i}", "K", 0, "06:00", last, 5, locked_carers=["A"]) for i in range(8)]

    staff = [{"id": c, "shifts": [shift(0, "05:30", "14:00")]} for c in ("A", "B")]
    inst = small(staff, [{"id": "K"}], locked_visits(latest), days=1)
    with pytest.raises(InputError) as caught:
        solve(inst, SolveOptions(time_limit=1.0, workers=1))
    problems = caught.value.problems
    assert [p.where for p in problems] == [f"visits[V{i}].locked_carers" for i in range(1, 8)]
    assert "cannot be fitted around V0" in str(problems[0])
    spread = small(staff, [{"id": "K"}], locked_visits("08:00"), days=1)
    result = solved(spread)
    assert all(placed(result, f"V{i}")[2] == ["A"] for i in range(8))


def test_lock_on_a_multi_day_visit_picks_a_day_the_locked_carer_works() -> None:
    staff = [{"id": "A", "shifts": [shift(d) for d in range(5)]}, {"id": "B", "shifts": [shift(3)]}]
    inst = small(
        staff,
        [{"id": "K", "preferred_carers": ["A"]}],
        [
            visit(
                "Clean",
                "K",
                0,
                "09:00",
                "14:00",
                60,
                last_day=4,
                locked_carers=["B"],
                locked_start="13:00",
            ),
            visit("Meal", "K", 3, "12:00", "12:30"),
        ],
        days=5,
    )
    assert placed(solved(inst), "Clean") == (3, parse_clock("13:00"), ["B"])


def test_a_locked_deferrable_visit_is_never_dropped_for_a_mandatory_one() -> None:
    # one carer, room for one of the two: without the lock the mandatory visit would win
    inst = small(
        [{"id": "A", "shifts": [shift(0, "08:00", "11:00")]}],
        [{"id": "K"}, {"id": "L"}],
        [
            visit(
                "Locked", "K", 0, "09:00", "09:05", 90, priority="deferrable", locked_carers=["A"]
            ),
            visit("Must", "L", 0, "09:00", "09:30", 90),
        ],
        days=1,
    )
    result = solved(inst)
    assert placed(result, "Locked")[2] == ["A"]
    assert [u.visit for u in result.schedule.unassigned] == ["Must"]


def test_many_locks_against_continuity_are_all_kept() -> None:
    # locks spread a client over both carers on alternate days; the search must not undo any
    visits = [visit(f"K{d}", "K", d, locked_carers=["AB"[d % 2]]) for d in range(6)]
    visits += [visit(f"L{d}", "L", d, "10:00", "11:00") for d in range(6)]
    inst = small(two_carers(6), [{"id": "K"}, {"id": "L"}], visits, days=6)
    result = solved(inst)
    for d in range(6):
        assert placed(result, f"K{d}")[2] == ["AB"[d % 2]]


def test_a_lock_no_shift_can_keep_is_an_input_error_naming_the_visit_and_field() -> None:
    inst = small(
        [{"id": "A", "shifts": [shift(0)]}, {"id": "B", "shifts": [shift(1)]}],
        [{"id": "K"}],
        [
            visit("V", "K", 0, locked_carers=["B"]),
            visit("W", "K", 1, "18:00", "19:00", locked_start="18:30"),
        ],
        days=2,
    )
    with pytest.raises(InputError) as caught:
        solve(inst, SolveOptions(time_limit=1.0, workers=1))
    lines = [str(p) for p in caught.value.problems]
    assert lines[0].startswith(
        "small: visits[V].locked_carers: locked carer B cannot do this visit: no shift on day 0"
    )
    assert lines[1].startswith("small: visits[W].locked_start: needs 1 carer(s) at 18:30")
    assert len(lines) == 2


# --- locks together (`solver.locks`): refused before any work when no schedule keeps them, ---
# --- kept by the solver when one does ------------------------------------------------------
# The hand instance's travel minutes are round: 10 between an office and a client, 15 between
# two clients of T1. S1 (walk) works 07:00-16:00 on days 0 and 1, with a 30-min break starting
# 11:00-13:00 on day 0 only.


def _locked(carers: list[str] | None, start: str | None, **fields: object) -> dict[str, object]:
    lock: dict[str, object] = dict(fields)
    if carers is not None:
        lock["locked_carers"] = carers
    if start is not None:
        lock["locked_start"] = start
    return lock


def _window(earliest: str, latest: str) -> dict[str, str]:
    return {"earliest": earliest, "latest": latest}


def _check(tmp_path: Path, changes: dict[str, dict[str, object]]) -> tuple[Instance, LockCheck]:
    inst = write_hand_instance(tmp_path, changes)
    return inst, check_lock_sets(Problem.build(inst), "hand.json")


def _problems(tmp_path: Path, changes: dict[str, dict[str, object]]) -> list[str]:
    inst, checked = _check(tmp_path, changes)
    with pytest.raises(InputError) as caught:  # the solver refuses it before any work too
        solve(inst, SolveOptions(time_limit=1.0, workers=1))
    assert [p.where for p in caught.value.problems] == [p.where for p in checked.problems]
    return [str(p) for p in checked.problems]


def test_two_locks_of_one_carer_at_overlapping_times_are_refused_naming_both(
    tmp_path: Path,
) -> None:
    changes = {"visits.V1": _locked(["S1"], "08:30"), "visits.V2": _locked(["S1"], "08:45")}
    assert _problems(tmp_path, changes) == [
        "hand.json: visits[V2].locked_start: locked carer S1 cannot do this visit at 08:45: "
        "on day 0 it would overlap V1 (08:30-09:00, also locked to S1)"
    ]


def test_two_locks_of_one_carer_without_the_travel_between_them_are_refused(
    tmp_path: Path,
) -> None:
    changes = {"visits.V1": _locked(["S1"], "08:00"), "visits.V2": _locked(["S1"], "08:40")}
    assert _problems(tmp_path, changes) == [
        "hand.json: visits[V2].locked_start: locked carer S1 cannot do this visit at 08:40: "
        "on day 0 S1 cannot get from V1 (08:00-08:30, also locked to S1) to it by 08:40: "
        "15 min of travel, 10 min between"
    ]


def test_locks_that_leave_no_gap_for_the_break_are_refused(tmp_path: Path) -> None:
    changes = {
        "visits.V1": _locked(["S1"], "10:30", window=_window("10:00", "11:00"), duration=60),
        "visits.V2": _locked(["S1"], "11:45", window=_window("11:00", "12:00"), duration=80),
    }  # 10:30-11:30, 15 min to walk, 11:45-13:05: no 30 min starting 11:00-13:00 anywhere
    assert _problems(tmp_path, changes) == [
        "hand.json: visits[V2].locked_start: locked carer S1 cannot do this visit at 11:45: "
        "on day 0 it leaves no room for S1's 30-min break starting 11:00-13:00 beside "
        "V1 (10:30-11:30, also locked to S1)"
    ]


def test_one_long_lock_over_the_break_window_on_every_day_is_refused(tmp_path: Path) -> None:
    brk = {"minutes": 30, "earliest": "11:00", "latest": "13:00"}
    shifts = [{"day": d, "start": "07:00", "end": "16:00", "break": brk} for d in (0, 1)]
    changes = {
        "staff.S1": {"shifts": shifts},
        "visits.V2": _locked(
            ["S1"], "10:00", window=_window("10:00", "14:00"), duration=181, last_day=1
        ),
    }
    assert _problems(tmp_path, changes) == [
        "hand.json: visits[V2].locked_start: locked carer S1 cannot do this visit at 10:00: "
        "on days 0 and 1 it leaves no room for S1's 30-min break starting 11:00-13:00 "
        "(the visit runs 10:00-13:01)"
    ]


def test_locked_starts_that_need_more_carers_at_once_than_can_come_are_refused(
    tmp_path: Path,
) -> None:
    at_nine = {"locked_start": "09:00", "window": _window("09:00", "09:00")}
    changes: dict[str, dict[str, object]] = {
        "visits.V1": dict(at_nine),  # only S1 has the skill
        "visits.V2": dict(at_nine),  # S1 or S2 (the client excludes S3): S2, S1 being busy
        "visits.V3": {"locked_start": "09:00"},  # two carers: S3 is the only one left
    }
    assert _problems(tmp_path, changes) == [
        "hand.json: visits[V3].locked_start: needs 2 carer(s) at 09:00 on day(s) 0, only 1 "
        "could serve it (on day 0 S1 must do V1 (09:00-09:30); S2 must do V2 (09:00-09:30))"
    ]


def test_three_locked_starts_at_once_for_two_possible_carers_are_refused(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    for ident in ("V2", "W1", "W2"):  # client C2 excludes S3: only S1 and S2 may come
        data["visits"] = [v for v in data["visits"] if v["id"] != ident]
        data["visits"].append(visit(ident, "C2", 0, "08:30", "10:00", locked_start="09:00"))
    (tmp_path / "matrix.json").write_text(json.dumps(MATRIX))
    (tmp_path / "hand.json").write_text(json.dumps(data))
    inst = load_instance(tmp_path / "hand.json")
    assert [str(p) for p in lock_problems(Problem.build(inst), "hand.json")] == [
        "hand.json: visits[W2].locked_start: locked to 09:00 on day 0 while V2 (09:00-09:30), "
        "W1 (09:00-09:30) also run: together they need 3 carers at once, and only 2 of those "
        "who could serve them (S1, S2) can be there"
    ]


@pytest.mark.parametrize(
    "changes",
    [
        # back to back with exactly the 15 minutes to walk between them
        {"visits.V1": _locked(["S1"], "08:00"), "visits.V2": _locked(["S1"], "08:45")},
        # the break fits exactly after the second visit (13:00, the latest start)
        {
            "visits.V1": _locked(["S1"], "10:30", window=_window("10:00", "11:00"), duration=60),
            "visits.V2": _locked(["S1"], "11:45", window=_window("11:00", "12:00"), duration=75),
        },
        # a flexible visit whose first day another lock takes goes to its second day
        {"visits.V1": _locked(["S1"], "08:30"), "visits.V2": _locked(["S1"], "08:45", last_day=1)},
        # a long lock that blocks the day-0 break goes to day 1, which has none
        {
            "visits.V2": _locked(
                ["S1"], "10:00", window=_window("10:00", "14:00"), duration=181, last_day=1
            )
        },
        # locked starts at once, as many as there are carers who may come
        {
            "visits.V1": {"locked_start": "09:00", "window": _window("09:00", "09:00")},
            "visits.V3": {"locked_start": "09:00"},
        },
        # a double visit with one carer locked, its partner found among the others
        {"visits.V3": _locked(["S2"], "09:00"), "visits.V2": _locked(["S1"], "09:00")},
    ],
    ids=["travel-exact", "break-exact", "flexible-day", "break-free-day", "at-once", "partner"],
)
def test_locks_that_can_all_be_kept_are_accepted_and_kept(
    tmp_path: Path, changes: dict[str, dict[str, object]]
) -> None:
    inst, checked = _check(tmp_path, changes)
    assert checked.problems == []
    result = solved(inst)
    for visit_id in (key.split(".")[1] for key in changes if key.startswith("visits.")):
        day, start, carers = placed(result, visit_id)
        lock = inst.visit_by_id[visit_id]
        assert set(lock.locked_carers) <= set(carers)
        assert lock.locked_start in (None, start) and day in lock.days


def test_a_locked_double_visit_is_planned_on_the_day_the_other_locks_leave_it() -> None:
    # V3 needs both carers at 10:45 on day 0 or 1; on day 0 S1 is locked to V0 then. Unless
    # told, construction puts the double visit (placed first) on day 0 and V0 is left out,
    # a SolverBug unless the search happens to repair it.
    staff = [
        {"id": c, "travel_mode": "walk", "shifts": [shift(0, start, "15:00"), shift(1, "07:30")]}
        for c, start in (("S0", "07:30"), ("S1", "07:00"))
    ]
    inst = small(
        staff,
        [{"id": f"K{i}"} for i in range(4)],
        [
            visit("V0", "K1", 0, "08:45", "10:45", 60, locked_carers=["S1"], locked_start="10:25"),
            visit(
                "V3",
                "K3",
                0,
                "10:45",
                "10:45",
                90,
                last_day=1,
                staff_needed=2,
                locked_start="10:45",
            ),
            visit("V4", "K1", 1, "11:45", "13:45", 20, locked_carers=["S1"]),
        ],
        days=2,
    )
    assert check_lock_sets(Problem.build(inst), "small").days == {"V3": [1]}
    result = solve(inst, SolveOptions(time_limit=2.0, workers=1, work_limit=0.0))  # no search
    assert [str(v) for v in evaluate(inst, result.schedule).violations] == []
    assert placed(result, "V0") == (0, parse_clock("10:25"), ["S1"])
    assert placed(result, "V3") == (1, parse_clock("10:45"), ["S0", "S1"])


def test_what_the_locks_together_leave_is_narrowed_for_the_solver(tmp_path: Path) -> None:
    changes = {
        "visits.V1": _locked(["S1"], "08:30"),
        "visits.V2": _locked(["S1"], "08:45", last_day=1),
    }
    inst, checked = _check(tmp_path, changes)
    assert checked.days == {"V2": [1]}
    narrowed = checked.narrowed(inst)
    assert list(narrowed.visit_by_id["V2"].days) == [1]
    assert narrowed.visit_by_id["V1"] == inst.visit_by_id["V1"]
    assert placed(solved(inst), "V2") == (1, parse_clock("08:45"), ["S1"])
