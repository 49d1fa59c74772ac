"""Locks that cannot be kept, through the commands: `validate`, `solve` and `replan` refuse them
before any work with exit 2 and one line naming the file the user gave, the visit and the
field (never a traceback, never a SolverBug); locks that can be kept still solve. Each test
builds its own input; the reproducers they stand for are named in the test."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from hemplan.cli.main import main
from hemplan.models.contract.clock import parse_clock
from hemplan.models.contract.problems import InputError
from hemplan.models.contract.schedule import Assignment
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance, load_schedule
from hemplan.models.io.write import write_model
from hemplan.solver.assemble import assemble_schedule
from hemplan.solver.method import SolveOptions
from hemplan.solver.methods import solve
from hemplan.solver.problem import Problem
from tests.hand_instance import BASE, MATRIX
from tests.small_instances import OFFICE, near, shift, visit

FAST = ["--time-limit", "3", "--workers", "1", "--work-limit", "0.05"]


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _refused(result: Result) -> list[str]:
    """The lines of an exit-2 refusal, after checking that no traceback came with it."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output.splitlines()


def _hand(folder: Path, changes: dict[str, dict[str, Any]], name: str = "plan.json") -> Path:
    """The hand instance (named "hand") with fields of visits/staff changed, in `name`."""
    data = copy.deepcopy(BASE)
    for key, fields in changes.items():
        collection, ident = key.split(".")
        next(r for r in data[collection] if r["id"] == ident).update(fields)
    (folder / "matrix.json").write_text(json.dumps(MATRIX))
    path = folder / name
    path.write_text(json.dumps(data))
    return path


def _lock(carer: str, start: str, **fields: Any) -> dict[str, Any]:
    return {"locked_carers": [carer], "locked_start": start, **fields}


# 02-conflicting-locks-solverbug: two visits locked to one carer at overlapping times
OVERLAP = {"visits.V1": _lock("S1", "08:30"), "visits.V2": _lock("S1", "08:45")}
OVERLAP_LINE = (
    "visits[V2].locked_start: locked carer S1 cannot do this visit at 08:45: on day 0 it would "
    "overlap V1 (08:30-09:00, also locked to S1)"
)
# 02b-lock-blocks-break-solverbug: one locked visit of 181 min over the whole break window
BREAK = {
    "visits.V2": _lock("S1", "10:00", window={"earliest": "10:00", "latest": "12:00"}, duration=181)
}
BREAK_LINE = (
    "visits[V2].locked_start: locked carer S1 cannot do this visit at 10:00: on day 0 it leaves "
    "no room for S1's 30-min break starting 11:00-13:00 (the visit runs 10:00-13:01)"
)


@pytest.mark.parametrize(
    ("changes", "line"), [(OVERLAP, OVERLAP_LINE), (BREAK, BREAK_LINE)], ids=["overlap", "break"]
)
@pytest.mark.parametrize(
    "display", [["--quiet"], ["--progress", "live"], ["--progress", "lines"]], ids=str
)
def test_validate_and_solve_refuse_locks_that_cannot_be_kept_naming_the_file(
    tmp_path: Path, changes: dict[str, dict[str, Any]], line: str, display: list[str]
) -> None:
    """The progress display, live or in lines, leaves nothing of itself beside the refusal
    (found by the fuzz run: the live board's frame stayed on stderr above it)."""
    path = _hand(tmp_path, changes)
    assert _refused(_run("validate", str(path))) == [f"{path}: {line}"]
    out = tmp_path / "schedule.json"
    solved = _run("solve", str(path), "-o", str(out), *display, *FAST)
    assert _refused(solved) == [f"{path}: {line}"]  # the file, not the instance's name "hand"
    assert not out.exists()


@pytest.mark.parametrize("method", ["continuity", "central-greedy"])
def test_solve_checks_locks_for_every_method(tmp_path: Path, method: str) -> None:
    path = _hand(tmp_path, OVERLAP)
    out = tmp_path / "schedule.json"
    result = _run("solve", str(path), "-o", str(out), "--method", method, "--quiet", *FAST)
    assert _refused(result) == [f"{path}: {OVERLAP_LINE}"]


@pytest.mark.parametrize(
    "method", ["continuity", "teams-travel", "central-travel", "central-greedy"]
)
def test_every_method_refuses_such_locks_before_any_work_from_python_too(
    tmp_path: Path, method: str
) -> None:
    """The check is each method's first step (`solver.method.admit`), not only the command's:
    without a file it names the instance."""
    instance = load_instance(_hand(tmp_path, OVERLAP))
    with pytest.raises(InputError) as caught:
        solve(instance, SolveOptions(time_limit=5, workers=1), method=method)
    assert [str(p) for p in caught.value.problems] == [f"hand: {OVERLAP_LINE}"]


def test_locks_that_can_be_kept_validate_solve_and_evaluate_feasible(tmp_path: Path) -> None:
    path = _hand(
        tmp_path,
        {  # 15 min to walk from C1 to C2, exactly the gap; the break fits after 09:15
            "visits.V1": _lock("S1", "08:00"),
            "visits.V2": _lock("S1", "08:45"),
            "visits.V3": {"locked_carers": ["S2"], "locked_start": "09:00"},
        },
    )
    assert _run("validate", str(path)).exit_code == 0
    out = tmp_path / "schedule.json"
    result = _run("solve", str(path), "-o", str(out), "--quiet", *FAST)
    assert result.exit_code == 0, result.output
    assert _run("evaluate", str(path), str(out)).exit_code == 0
    schedule = load_schedule(out)
    assert evaluate(load_instance(path), schedule).violations == []
    starts = {a.visit: (a.start, a.carers) for a in schedule.assignments}
    assert starts["V1"] == (parse_clock("08:00"), ["S1"])
    assert starts["V2"] == (parse_clock("08:45"), ["S1"])
    assert "S2" in starts["V3"][1]


def test_validate_judges_locks_on_other_teams_as_solve_would(tmp_path: Path) -> None:
    path = _hand(tmp_path, {"visits.V2": {"locked_carers": ["S4"]}})  # S4 is of team T2
    assert _refused(_run("validate", str(path))) == [
        f"{path}: visits[V2].locked_carers: locked carer S4 cannot do this visit: other team"
    ]
    assert _run("validate", str(path), "--allow-borrowing").exit_code == 0


# --- replan ------------------------------------------------------------------------------------


def _replan_files(folder: Path, clean_at: str, brk: bool = False) -> tuple[Path, Path]:
    """Shop (days 0-1) locked to A at 10:00 and done on day 0; Clean done by A on day 1 at
    `clean_at`; written as an instance and its verified schedule."""
    shop = visit("Shop", "K", 0, "10:00", "14:00", 45, last_day=1)
    shop.update(locked_carers=["A"], locked_start="10:00")
    raw = {
        "name": "replan",
        "horizon": {"start_date": "2026-01-05", "days": 2},
        "teams": [{"id": "T", "office": OFFICE}],
        "staff": [
            {
                "id": s,
                "team": "T",
                "travel_mode": "bike",
                "shifts": [shift(d, brk=brk) for d in (0, 1)],
            }
            for s in ("A", "B")
        ],
        "clients": [{"id": c, "team": "T", "location": near(i)} for i, c in enumerate("KL")],
        "visits": [shop, visit("Clean", "L", 1, "09:30", "11:00", 60)],
    }
    path = folder / "instance.json"
    path.write_text(json.dumps(raw))
    inst = load_instance(path)
    old = assemble_schedule(
        Problem.build(inst),
        [
            Assignment(visit="Shop", day=0, start=parse_clock("10:00"), carers=["A"]),
            Assignment(visit="Clean", day=1, start=parse_clock(clean_at), carers=["A"]),
        ],
        {("A", d): parse_clock("12:00") for d in (0, 1)} if brk else {},
        [],
    )
    assert evaluate(inst, old).violations == []
    schedule = folder / "old.json"
    write_model(schedule, old)
    return path, schedule


def test_replan_refuses_a_lock_that_the_absence_and_the_kept_plan_leave_no_day(
    tmp_path: Path,
) -> None:
    """01-replan-lock-solverbug: the carer a visit is locked to is absent on the day it had,
    and on its other day a kept visit is in the way."""
    path, old = _replan_files(tmp_path, "10:15")
    out = tmp_path / "new.json"
    result = _run(
        "replan", str(path), str(old), "-o", str(out), "--absent", "A", "--days", "0", *FAST
    )
    assert _refused(result) == [
        f"{path}: visits[Shop].locked_carers: locked carer A cannot do this visit at 10:00: "
        f"absent on day 0; on day 1 it would overlap Clean (10:15-11:15, kept from {old})"
    ]
    assert not out.exists()


def test_replan_keeps_a_lock_on_its_other_day_when_there_is_room(tmp_path: Path) -> None:
    path, old = _replan_files(tmp_path, "11:00")
    out = tmp_path / "new.json"
    result = _run(
        "replan", str(path), str(old), "-o", str(out), "--absent", "A", "--days", "0", *FAST
    )
    assert result.exit_code == 0, result.output
    new = load_schedule(out)
    assert evaluate(load_instance(path), new).violations == []
    shop = next(a for a in new.assignments if a.visit == "Shop")
    assert (shop.day, shop.start, shop.carers) == (1, parse_clock("10:00"), ["A"])


@pytest.mark.parametrize("edit", ["break", "assignment"])
def test_replan_of_a_schedule_with_a_stop_at_23_59_re_plans_it(tmp_path: Path, edit: str) -> None:
    """11-replan-late-stop: a hand-edited start of 23:59 (a break, or a visit that would end
    after midnight) is a violation like any other: its carer-day is re-planned."""
    path, old = _replan_files(tmp_path, "11:00", brk=True)
    data = json.loads(old.read_text())
    if edit == "break":
        stops = next(r for r in data["routes"] if r["day"] == 1)["stops"]
        next(s for s in stops if s["kind"] == "break")["start"] = "23:59"
    else:
        next(a for a in data["assignments"] if a["visit"] == "Clean")["start"] = "23:59"
    old.write_text(json.dumps(data))
    assert _run("evaluate", str(path), str(old)).exit_code == 1  # violations, not bad input
    out = tmp_path / "new.json"
    result = _run("replan", str(path), str(old), "-o", str(out), *FAST)
    assert result.exit_code == 0, result.output
    assert "re-planned 1" in result.output
    assert evaluate(load_instance(path), load_schedule(out)).violations == []
