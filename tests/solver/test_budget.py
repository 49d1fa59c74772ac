"""The memory budget (`solver.budget`, checked first by `solver.method.admit`): an instance too
large for the machine is refused before any work, with exit 2 and one line naming the file, the
sizes, the estimate and the budget; one under it still solves and is verified by the
evaluator. Every input is built here, in memory or in a temporary folder (reproducer 17 made
instances of 10,000 clients that took `hemplan solve` past 8 GB in 35 s without a word)."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from hemplan.cli.main import main
from hemplan.models.contract.problems import InputError
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import instance_from_data, load_instance, load_schedule
from hemplan.solver import budget
from hemplan.solver.budget import (
    ENV,
    GIB,
    MIB,
    Plan,
    Size,
    check_budget,
    estimate,
    machine_memory,
    memory_budget,
)
from hemplan.solver.method import SolveOptions, admit, memory_plan
from hemplan.solver.methods import METHODS, solve
from tests.paths import INSTANCES

TINY = INSTANCES / "tiny.json"
FAST = ["--time-limit", "4", "--workers", "1", "--work-limit", "0.05", "--quiet"]


def _district(teams: int, clients_per_team: int, days: int = 1) -> dict[str, Any]:
    """An instance document with `teams` teams of `clients_per_team` clients, one carer and one
    visit a day per team: large in places (the travel arrays), small in everything else, so
    that it loads in a second."""
    doc: dict[str, Any] = {
        "name": "wide",
        "horizon": {"start_date": "2026-01-05", "days": days},
        "teams": [],
        "staff": [],
        "clients": [],
        "visits": [],
    }
    for t in range(teams):
        team = f"T{t}"
        doc["teams"].append({"id": team, "office": {"lat": 62.39, "lon": 17.3 + 0.01 * t}})
        doc["staff"].append(
            {
                "id": f"S{t}",
                "team": team,
                "shifts": [{"day": d, "start": "07:00", "end": "16:00"} for d in range(days)],
            }
        )
        for k in range(clients_per_team):
            doc["clients"].append(
                {
                    "id": f"C{t}-{k}",
                    "team": team,
                    "location": {"lat": 62.39 + 0.00001 * k, "lon": 17.3 + 0.01 * t},
                }
            )
        for d in range(days):
            doc["visits"].append(
                {
                    "id": f"V{t}-{d}",
                    "client": f"C{t}-0",
                    "day": d,
                    "window": {"earliest": "09:00", "latest": "11:00"},
                    "duration": 30,
                }
            )
    return doc


def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def _refused(result: Result) -> list[str]:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output.splitlines()


# ------------------------------------------------------------------------ refused, quickly


@pytest.mark.parametrize("method", ["central-greedy", "central-travel"])
def test_a_district_too_large_for_the_budget_is_refused_before_any_work(
    tmp_path: Path, method: str
) -> None:
    """30,000 homes: the travel arrays alone would take about 80 GB. The refusal names the file,
    the sizes, the estimate and the budget, and comes in seconds (nothing big is built)."""
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(_district(teams=3, clients_per_team=10_000)))
    out = tmp_path / "schedule.json"
    began = time.monotonic()
    result = _run("solve", str(path), "-o", str(out), "--method", method, *FAST, env={ENV: "8G"})
    seconds = time.monotonic() - began
    lines = _refused(result)
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith(f"{path}: too large to plan in memory: ")
    assert "3 teams, 30,000 clients, 3 staff, 3 visits" in line
    assert "need an estimated " in line and " GB with 1 worker " in line
    # the largest part: the travel array built, or a day's routing data between all places
    assert ("travel times between all 30,003 places" in line) != (
        "routing 1 day(s) at once" in line
    )
    assert f"the budget is 8.0 GB ({ENV}=8G)" in line
    assert seconds < 20, seconds  # loading 30,000 clients; no travel array is built
    assert not out.exists()


def test_every_method_admits_within_the_budget_first_from_python_too() -> None:
    """`admit` is each baseline's first step: with a budget of 1 MB even the tiny instance is
    refused, naming the instance (no file was given)."""
    instance = load_instance(TINY)
    for method in METHODS:
        with pytest.raises(InputError) as caught:
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv(ENV, "1M")
                solve(instance, SolveOptions(time_limit=5, workers=1), method=method)
        (problem,) = caught.value.problems
        assert str(problem).startswith("tiny: too large to plan in memory: 1 team, 6 clients")
        assert f"({ENV}=1M)" in str(problem)


def test_admit_names_the_file_and_suggests_one_worker_when_that_fits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ten small teams: planning them two at a time takes a worker process more than one at a
    time, so one worker fits a budget between the two."""
    instance = instance_from_data(_district(teams=10, clients_per_team=20), "wide")
    size = Size.of(instance)
    one = estimate(size, Plan(workers=1, allow_borrowing=False)).total
    two = estimate(size, Plan(workers=2, allow_borrowing=False)).total
    assert one < two
    monkeypatch.setenv(ENV, f"{(one + two) // 2 // MIB}M")
    options = SolveOptions(workers=2, source="plans/wide.json")
    with pytest.raises(InputError) as caught:
        admit(instance, options, allow_borrowing=False, method="continuity")
    (problem,) = caught.value.problems
    text = str(problem)
    assert text.startswith("plans/wide.json: too large to plan in memory: 10 teams, 200 clients")
    assert "(largest team T0: 20 clients, 1 staff, 1 visits) need an estimated " in text
    assert "with 2 workers (worker processes: 200 MB)" in text
    assert "with --workers 1 it needs about" in text
    admit(instance, SolveOptions(workers=1), allow_borrowing=False, method="continuity")


def test_the_plan_follows_the_method_the_workers_and_the_time_left() -> None:
    instance = load_instance(TINY)
    options = SolveOptions(time_limit=60, workers=2)
    assert memory_plan(instance, options, False, "continuity") == Plan(2, False)
    assert memory_plan(instance, options, True, "continuity") == Plan(2, True)
    assert memory_plan(instance, options, True, "central-greedy") == Plan(2, True, True)
    travel = Plan(2, True, central=True, lists=True, routing=True)
    assert memory_plan(instance, options, True, "central-travel") == travel
    assert memory_plan(instance, options, True) == travel  # the heaviest
    # no time left to route once the verification is set aside: central-travel does not route
    short = SolveOptions(time_limit=0.5, workers=2)
    assert memory_plan(instance, short, True, "central-travel") == replace(travel, routing=False)
    remote = SolveOptions(workers=8, scheduler="tcp://10.0.0.5:8786")
    assert memory_plan(instance, remote, False, "continuity").workers == 1


# ------------------------------------------------------------------- under it: still solves


def test_an_instance_under_the_budget_solves_and_is_verified(tmp_path: Path) -> None:
    out = tmp_path / "schedule.json"
    result = _run("solve", str(TINY), "-o", str(out), *FAST, env={ENV: "4G"})
    assert result.exit_code == 0, result.output
    instance = load_instance(TINY)
    assert evaluate(instance, load_schedule(out)).violations == []
    assert _run("evaluate", str(TINY), str(out)).exit_code == 0


def test_a_baseline_under_the_budget_solves_and_is_verified() -> None:
    instance = load_instance(TINY)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV, "4G")
        result = METHODS["central-greedy"].solve(instance, SolveOptions(time_limit=5, workers=1))
    assert result.evaluation.violations == []
    assert evaluate(instance, result.schedule).feasible


# ------------------------------------------------------------------------- the estimate


def test_the_estimate_grows_with_the_places_squared_and_the_workers() -> None:
    """Building the district's travel times (about 92 bytes a pair of places) is the larger
    moment for many homes; it grows with their square."""
    small = Size.of(instance_from_data(_district(teams=2, clients_per_team=2_500), "a"))
    large = Size.of(instance_from_data(_district(teams=2, clients_per_team=5_000), "b"))
    teams = Plan(workers=1, allow_borrowing=False)

    def building(size: Size) -> int:
        parts = estimate(size, teams).parts
        return parts[f"building the travel times between all {size.places:,} places"]

    assert building(large) / building(small) == pytest.approx((large.places / small.places) ** 2)
    assert estimate(large, teams).largest()[0].startswith("building the travel times")
    few = Size.of(instance_from_data(_district(teams=10, clients_per_team=20), "c"))
    assert estimate(few, Plan(2, False)).total > estimate(few, Plan(1, False)).total
    # the district as one pool weighs every carer for every visit; central-travel's workers
    # hold the travel times too, and a day's routing data when there is time to route
    many = Size.of(instance_from_data(_district(teams=40, clients_per_team=50, days=7), "c"))
    pooled = estimate(many, Plan(2, True, central=True)).total
    listed = estimate(many, Plan(2, True, central=True, lists=True)).total
    routed = estimate(many, Plan(2, True, central=True, lists=True, routing=True)).total
    assert pooled <= listed < routed  # the travel array held twice may still weigh less than
    # building it once


def test_size_reads_the_largest_team() -> None:
    doc = _district(teams=3, clients_per_team=5, days=2)
    doc["clients"] += [
        {"id": f"X{k}", "team": "T2", "location": {"lat": 62.4, "lon": 17.3}} for k in range(4)
    ]
    doc["visits"].append(
        {
            "id": "W",
            "client": "X0",
            "day": 0,
            "last_day": 1,
            "window": {"earliest": "09:00", "latest": "11:00"},
            "duration": 30,
            "staff_needed": 2,
        }
    )
    size = Size.of(instance_from_data(doc, "d"))
    assert (size.teams, size.clients, size.staff, size.visits) == (3, 19, 3, 7)
    assert (size.largest_team, size.team_places, size.team_visits) == ("T2", 10, 3)
    assert "largest team T2: 9 clients, 1 staff, 3 visits" in size.describe()


# --------------------------------------------------------------------------- the budget


def test_the_budget_follows_the_machine_unless_the_environment_says_otherwise() -> None:
    machine = machine_memory()
    assert machine is not None and machine[0] > 0
    default = memory_budget({})
    assert default.limit == int(budget.BUDGET_SHARE * machine[0])
    assert ENV in default.origin
    assert memory_budget({ENV: "6G"}).limit == 6 * GIB
    assert memory_budget({ENV: "6 GiB"}).limit == 6 * GIB
    assert memory_budget({ENV: "6000M"}).limit == 6000 * MIB
    assert memory_budget({ENV: "6000"}).limit == 6000 * MIB  # a plain number is MiB
    assert memory_budget({ENV: "1.5g"}).limit == int(1.5 * GIB)
    assert memory_budget({ENV: "25%"}).limit == int(0.25 * machine[0])
    assert memory_budget({ENV: "off"}).limit is None
    plan = Plan(2, True, True, True, True)
    assert check_budget(load_instance(TINY), "t", plan, {ENV: "off"}).total > 0


@pytest.mark.parametrize("value", ["lots", "6X", "-1G", "G"])
def test_a_budget_that_is_not_a_size_is_refused_naming_the_variable(value: str) -> None:
    with pytest.raises(InputError) as caught:
        memory_budget({ENV: value})
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{ENV}: {value!r} is not a memory size")


def test_a_bad_budget_is_exit_2_from_the_command(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    lines = _refused(
        _run("solve", str(TINY), "-o", str(out), "--method", "central-greedy", env={ENV: "x"})
    )
    assert lines == [
        f"{ENV}: 'x' is not a memory size; write for example 6G, 6000M, 40% "
        "(of the machine's memory) or off"
    ]
