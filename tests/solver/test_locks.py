"""Locks: a visit's `locked_carers` and `locked_start` are kept exactly by `solve`.

Each instance is built so that the unlocked optimum differs from what the lock demands
(a preferred carer, a better start, a cheaper day), so a lock that is ignored fails the
test. Every solve is verified by the independent evaluator (which also checks locks).
"""

from __future__ import annotations

import pytest

from hemplan.models.contract.clock import parse_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputError
from hemplan.models.evaluator import evaluate
from hemplan.solver.continuity.solve import solve
from hemplan.solver.method import SolveOptions, SolveResult
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
        "small: visits[V].locked_carers: locked carer B cannot do this visit: no shift on day(s) 0"
    )
    assert lines[1].startswith("small: visits[W].locked_start: needs 1 carer(s) at 18:30")
    assert len(lines) == 2
