"""Why a visit is left out: each cause alone in an instance built for it, found by the
evaluator's own diagnosis."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.models.contract.clock import parse_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Assignment, Schedule, Unassigned
from hemplan.models.evaluator import evaluate
from hemplan.models.evaluator.diagnosis import diagnose
from hemplan.models.io.load import load_schedule
from hemplan.models.io.write import write_model
from hemplan.models.texts import Texts
from hemplan.solver.assemble import assemble_schedule
from hemplan.solver.continuity.solve import solve
from hemplan.solver.method import SolveOptions
from hemplan.solver.problem import Problem
from tests.small_instances import shift, small, visit

HOME = {"lat": 62.391, "lon": 17.301}


def one_visit(
    carer: dict[str, Any], client: dict[str, Any] | None = None, **fields: Any
) -> Instance:
    """Client K (Karin), one visit V on Monday 2026-01-05 08:00-09:00, carer A (Anna)."""
    return small(
        [{"id": "A", "name": "Anna", "skills": [], **carer}],
        [{"id": "K", "name": "Karin", "location": HOME, **(client or {})}],
        [visit("V", "K", 0, **fields)],
        days=2,
        skills=["medication"],
    )


def why(instance: Instance, schedule: Schedule | None = None) -> tuple[str, str]:
    [found] = diagnose(instance, schedule or Schedule())
    assert found.visit == "V" and found.client == "Karin"
    assert found.when == "Mon 2026-01-05 08:00-09:00"
    return found.reason, found.suggestion


def test_a_carer_refused_by_the_client() -> None:
    reason, suggestion = why(one_visit({"shifts": [shift(0)]}, {"excluded_carers": ["A"]}))
    assert reason == "no carer could ever do it (refused by the client: Anna (A))"
    assert suggestion == "Anna (A) could do it if the client accepted them"


def test_a_missing_skill() -> None:
    reason, suggestion = why(one_visit({"shifts": [shift(0)]}, skills=["medication"]))
    assert reason == "no carer could ever do it (lacks medication: Anna (A))"
    assert suggestion == "Anna (A) could do it with medication"


def test_a_refused_carer_who_also_lacks_the_skill_is_named_for_both() -> None:
    reason, suggestion = why(
        one_visit({"shifts": [shift(0)]}, {"excluded_carers": ["A"]}, skills=["medication"])
    )
    assert "lacks medication: Anna (A)" in reason
    assert "refused by the client: Anna (A)" in reason
    assert suggestion == ""  # two rules to change, not one


def test_no_shift_that_day() -> None:
    reason, _ = why(one_visit({"shifts": [shift(1)]}))
    assert reason == "no carer could ever do it (no shift that day: Anna (A))"


def test_a_shift_that_cannot_hold_the_trip_and_the_visit() -> None:
    reason, _ = why(one_visit({"shifts": [shift(0, "07:00", "08:15")]}))
    assert reason == (
        "no carer could ever do it (the shift cannot hold the trip and the visit: Anna (A))"
    )


def test_double_staffing_with_one_possible_carer() -> None:
    reason, _ = why(one_visit({"shifts": [shift(0)]}, staff_needed=2))
    assert reason.startswith("it needs 2 carers at once and only Anna (A) could ever do it")


def test_room_the_plan_did_not_use_is_said_to_be_the_plans() -> None:
    reason, _ = why(one_visit({"shifts": [shift(0)]}))
    assert reason == ("the routes had room (A at 08:00 on Mon 2026-01-05) but the plan left it out")


def test_capacity_when_the_only_carer_is_busy_throughout_the_window() -> None:
    """W (an hour from 08:00, mandatory) and V (08:00-08:50, deferrable) need the same one
    carer at once: the plan serves W, and V's reason is capacity, with the start where Anna
    has room."""
    instance = small(
        [{"id": "A", "name": "Anna", "shifts": [shift(0)]}],
        [{"id": "K", "name": "Karin", "location": HOME}],
        [
            visit("W", "K", 0, "08:00", "08:00", 60),
            visit("V", "K", 0, "08:00", "08:50", 30, priority="deferrable"),
        ],
        days=1,
    )
    schedule = solve(instance, SolveOptions(workers=1, work_limit=0.5)).schedule
    assert [str(v) for v in evaluate(instance, schedule).violations] == []
    assert {a.visit for a in schedule.assignments} == {"W"}
    [found] = diagnose(instance, schedule)
    assert found.reason == (
        "capacity, proven: of the 2 visits on Mon 2026-01-05 that only Anna (A) can do, at "
        "most 1 fit in their shifts"
    )
    assert found.proven
    assert found.suggestion == (
        "Anna (A) could come at 09:00 on Mon 2026-01-05 (the window is 08:00-08:50)"
    )


def only_anna(visits: list[dict[str, Any]], served: dict[str, str]) -> tuple[Instance, Schedule]:
    """Anna alone, her plan serving `served` (visit -> start) and leaving the rest out."""
    instance = small(
        [{"id": "A", "name": "Anna", "shifts": [shift(0)]}],
        [{"id": "K", "name": "Karin", "location": HOME}],
        visits,
        days=1,
    )
    schedule = assemble_schedule(
        Problem.build(instance),
        [Assignment(visit=v, day=0, start=parse_clock(t), carers=["A"]) for v, t in served.items()],
        {},
        [Unassigned(visit=v.id, reason="test") for v in instance.visits if v.id not in served],
    )
    assert [str(v) for v in evaluate(instance, schedule).violations] == []
    return instance, schedule


def test_capacity_that_a_better_plan_had_is_not_called_proven() -> None:
    """W (08:00-12:00) served at 08:00 keeps Anna busy throughout V's window, but V first and
    W after would have served both: capacity, and no claim that it could not be served."""
    instance, schedule = only_anna(
        [
            visit("W", "K", 0, "08:00", "12:00", 60),
            visit("V", "K", 0, "08:00", "08:50", 30, priority="deferrable"),
        ],
        {"W": "08:00"},
    )
    [found] = diagnose(instance, schedule)
    assert found.reason == (
        "capacity: the 1 carer(s) who could do it (Anna (A)) are busy throughout its window"
    )
    assert not found.proven


def test_capacity_the_plan_leaves_more_out_than_it_must_is_not_called_proven() -> None:
    """X at 08:00 and V before 08:50 cannot both be served, but W (any time until noon) could
    be served with either: a plan serving X alone could serve one more, so V's capacity is
    not proven."""
    instance, schedule = only_anna(
        [
            visit("X", "K", 0, "08:00", "08:00", 60),
            visit("V", "K", 0, "08:00", "08:50", 30, priority="deferrable"),
            visit("W", "K", 0, "08:00", "12:00", 60, priority="deferrable"),
        ],
        {"X": "08:00"},
    )
    found = {d.visit: d for d in diagnose(instance, schedule)}
    assert found["V"].reason == (
        "capacity: the 1 carer(s) who could do it (Anna (A)) are busy throughout its window"
    )
    assert not found["V"].proven
    assert found["W"].reason.startswith("the routes had room")
    served_w = assemble_schedule(
        Problem.build(instance),
        [
            Assignment(visit="X", day=0, start=parse_clock("08:00"), carers=["A"]),
            Assignment(visit="W", day=0, start=parse_clock("09:30"), carers=["A"]),
        ],
        {},
        [Unassigned(visit="V", reason="test")],
    )
    [found_v] = diagnose(instance, served_w)
    assert found_v.proven  # with W served too, no plan serves all three


def planned(
    carers: list[dict[str, Any]], visits: list[dict[str, Any]], served: dict[str, list[str]]
) -> tuple[Instance, Schedule]:
    """Client Karin's `visits` on Monday, each served one at its earliest start by the carers
    `served` gives (visit -> carers), the rest left out."""
    instance = small(
        carers,
        [{"id": "K", "name": "Karin", "location": HOME}],
        visits,
        days=1,
        skills=["medication"],
    )
    earliest = {v["id"]: parse_clock(v["window"]["earliest"]) for v in visits}
    schedule = assemble_schedule(
        Problem.build(instance),
        [Assignment(visit=v, day=0, start=earliest[v], carers=cs) for v, cs in served.items()],
        {},
        [Unassigned(visit=v.id, reason="test") for v in instance.visits if v.id not in served],
    )
    assert [str(v) for v in evaluate(instance, schedule).violations] == []
    return instance, schedule


NURSE_AND_ANY = [{"skills": ["medication"]}, {"skills": []}]


def test_room_for_a_visit_with_roles_needs_a_carer_for_each_role() -> None:
    """V needs a nurse (medication) and any carer; A and B are free, but C, the only nurse,
    serves W throughout V's window: capacity, not room (only an A-and-B pair had room)."""
    carers = [{"id": c, "shifts": [shift(0)]} for c in "AB"]
    carers.append({"id": "C", "skills": ["medication"], "shifts": [shift(0)]})
    v = visit("V", "K", 0, "08:00", "08:30", 30, staff_needed=2, roles=NURSE_AND_ANY)
    v["priority"] = "deferrable"
    busy = visit("W", "K", 0, "08:00", "08:00", 60)
    instance, schedule = planned(carers, [v, busy], {"W": ["C"]})
    [found] = diagnose(instance, schedule)
    assert found.reason == (
        "capacity: the 1 carer(s) who could take its role with medication (C) are busy "
        "throughout its window"
    )
    later = visit("W", "K", 0, "10:00", "10:00", 60)
    instance, schedule = planned(carers, [v, later], {"W": ["C"]})
    [found] = diagnose(instance, schedule)
    assert found.reason == (
        "the routes had room (C, A at 08:00 on Mon 2026-01-05) but the plan left it out"
    )


def test_room_for_a_visit_with_a_start_gap_looks_for_the_second_carer_after_the_gap() -> None:
    """V starts at 08:00 and its second carer 60-90 minutes later: A serves W1 08:00-09:00 and
    B serves W2 from 09:00, so B can start V at 08:00 and A join at 09:00 (room); with a gap
    of 0-20 minutes A cannot join in time and neither can start first with the other after."""
    carers = [{"id": c, "shifts": [shift(0)]} for c in "AB"]
    busy = [
        visit("W1", "K", 0, "08:00", "08:00", 60),
        visit("W2", "K", 0, "09:00", "09:00", 90),
    ]
    served = {"W1": ["A"], "W2": ["B"]}
    for gap, room in (({"min": 60, "max": 90}, True), ({"min": 0, "max": 20}, False)):
        v = visit("V", "K", 0, "08:00", "08:00", 30, staff_needed=2, gap=gap)
        v["priority"] = "deferrable"
        instance, schedule = planned(carers, [v, *busy], served)
        [found] = diagnose(instance, schedule)
        expected = "the routes had room (B, A at 08:00 on Mon 2026-01-05) but the plan left it out"
        assert (found.reason == expected) is room, found.reason
        assert found.reason.startswith("capacity") is not room


def test_the_reasons_in_swedish() -> None:
    """Planners read the reasons in their language: the same diagnosis worded by the Swedish
    catalogue, weekday and all."""
    instance = one_visit({"shifts": [shift(0)]}, {"excluded_carers": ["A"]})
    [found] = diagnose(instance, Schedule(), wording=Texts("sv"))
    assert found.when == "mån 2026-01-05 08:00-09:00"
    assert found.reason == "ingen medarbetare kan utföra det (nekad av brukaren: Anna (A))"
    assert found.suggestion == "Anna (A) kan utföra det om brukaren accepterar hen"


def test_every_reason_has_a_swedish_wording() -> None:
    """A reason added to the diagnosis without a Swedish text would reach a Swedish planner
    in English: every message the diagnosis words is in the catalogue."""
    import ast

    import hemplan.models.evaluator.diagnosis as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    worded = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", "")) == "t"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    rules = {module.LACKS, module.REFUSED, module.NOT_LOCKED, module.NO_SHIFT, module.TOO_SHORT}
    swedish = Texts("sv")
    untranslated = sorted(m for m in worded | rules if swedish.t(m) == m)
    assert len(worded) >= 8 and untranslated == []


def test_solve_lists_the_visits_left_out_in_swedish(tmp_path: Path) -> None:
    """`hemplan solve --lang sv` ends with the visit left out, its Swedish reason and the
    verdict that names the unplanned mandatory visit; the schedule is lawful."""
    instance = one_visit({"shifts": [shift(0)]}, {"excluded_carers": ["A"]})
    source, out = tmp_path / "one.json", tmp_path / "one-schedule.json"
    write_model(source, instance)
    result = CliRunner().invoke(
        main, ["solve", str(source), "-o", str(out), "--work-limit", "1", "--quiet", "--lang", "sv"]
    )
    assert result.exit_code == 0, result.output
    assert "ej planerade: 1 obligatoriska" in result.output
    assert "Karin" in result.output and "nekad av brukaren: Anna (A)" in result.output
    assert "förslag: Anna (A) kan utföra det om brukaren accepterar hen" in result.output
    assert "inga regelbrott, 1 obligatoriska besök ej planerade" in result.output
    assert evaluate(instance, load_schedule(out)).feasible
