"""`hemplan teams`: the teamed instance is written, loads, keeps its patterns, and plans into a
schedule the evaluator accepts; an impossible split is one line per shortage and exit 2."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.models.evaluator import evaluate
from hemplan.models.generator import generate_instance
from hemplan.models.io.load import load_instance, load_schedule
from hemplan.models.io.write import write_model
from hemplan.solver.teaming import propose
from tests.pools import morning_rush, saturday_insulin, two_clusters


def _write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "pool.json"
    path.write_text(json.dumps(doc))
    return path


def _solve_and_verify(teamed: Path, tmp_path: Path) -> int:
    """Plan the teamed instance continuity-first and have the evaluator check it; returns the
    visits left out."""
    schedule = tmp_path / "schedule.json"
    result = CliRunner().invoke(
        main,
        ["solve", str(teamed), "-o", str(schedule), "--method", "continuity", "--work-limit", "1"],
    )
    assert result.exit_code == 0, result.output
    instance = load_instance(teamed)
    evaluation = evaluate(instance, load_schedule(schedule))
    assert evaluation.violations == []
    assert evaluation.feasible
    return evaluation.metrics.unassigned_mandatory


def test_teams_writes_a_teamed_instance_that_plans_and_verifies(tmp_path: Path) -> None:
    doc = two_clusters()
    out = tmp_path / "teamed.json"
    result = CliRunner().invoke(main, ["teams", str(_write(tmp_path, doc)), "-o", str(out)])
    # 6 carers at the default size of 10 make one team; ask for two
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(
        main, ["teams", str(_write(tmp_path, doc)), "-o", str(out), "--teams", "2"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[:2]] == ["T1", "T2"]
    assert "4 clients, 3 carers" in lines[0] and "medication 3" in lines[0]
    assert lines[-1] == f"wrote {out}"
    teamed = json.loads(out.read_text())
    assert teamed["patterns"] == doc["patterns"]  # recurring visits stay written once
    assert [t["id"] for t in teamed["teams"]] == ["T1", "T2"]
    assert {c["id"]: c["team"] for c in teamed["clients"]}["N0"] == "T1"
    _solve_and_verify(out, tmp_path)


def test_old_team_names_of_any_length_and_a_negative_seed_make_a_file_that_validates(
    tmp_path: Path,
) -> None:
    """Found by the fuzz run of `hemplan teams`: a new team is named after the nearest old one,
    and an old name of the full 10,000 characters made a name `validate` refused in the file
    `teams` wrote; a name's control characters reached the terminal raw; and a negative seed
    (any whole number is one) ended in a traceback."""
    doc = two_clusters()
    doc["teams"][0]["name"] = "\x1b[31m" + "P" * 9_995
    doc["teams"].append({"id": "Q", "name": "Q" * 10_000, "office": doc["teams"][0]["office"]})
    out = tmp_path / "teamed.json"
    args = ["teams", str(_write(tmp_path, doc)), "-o", str(out), "--teams", "2", "--seed", "-7"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "(\\x1b[31mPPP" in result.stdout
    assert CliRunner().invoke(main, ["validate", str(out)]).exit_code == 0
    names = [t["name"] for t in json.loads(out.read_text())["teams"]]
    assert names == [f"Team {k} (\x1b[31m" + "P" * 54 + "…)" for k in (1, 2)]
    again = CliRunner().invoke(main, args)
    assert again.stdout == result.stdout  # a negative seed is a seed like any other


def test_a_generated_district_split_into_teams_plans_and_verifies(tmp_path: Path) -> None:
    instance = generate_instance(
        teams=2, clients_per_team=8, staff_per_team=6, days=3, seed=5, name="pool"
    )
    source = tmp_path / "district.json"
    write_model(source, instance)
    out = tmp_path / "teamed.json"
    result = CliRunner().invoke(
        main, ["teams", str(source), "-o", str(out), "--team-size", "6", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    teamed = load_instance(out)
    assert len(teamed.teams) == 2
    assert sorted(s.id for s in teamed.staff) == sorted(s.id for s in instance.staff)
    assert len(teamed.visits) == len(load_instance(source).visits)
    _solve_and_verify(out, tmp_path)


def test_shared_substitutes_are_written_as_a_pool_the_teams_borrow_from(tmp_path: Path) -> None:
    """A generated pool with absences: `--substitutes shared` keeps its substitutes in team V
    without clients; the teams' plan with --borrow-left-out verifies, judged with borrowing."""
    instance = generate_instance(
        teams=2,
        clients_per_team=8,
        staff_per_team=6,
        days=7,
        seed=5,
        name="pool",
        absence_rate=0.2,
        organisation="pool",
    )
    substitutes = sorted(s.id for s in instance.staff if s.employment == "substitute")
    assert substitutes, "the generator marks the substitutes it adds"
    source = tmp_path / "pool.json"
    write_model(source, instance)
    out = tmp_path / "teamed.json"
    result = CliRunner().invoke(
        main, ["teams", str(source), "-o", str(out), "--teams", "2", "--substitutes", "shared"]
    )
    assert result.exit_code == 0, result.output
    assert f"V Substitutes (shared): {len(substitutes)} substitutes" in result.output
    teamed = load_instance(out)
    assert [t.id for t in teamed.teams] == ["T1", "T2", "V"]
    assert sorted(s.id for s in teamed.staff if s.team == "V") == substitutes
    assert not [c for c in teamed.clients if c.team == "V"]
    schedule = tmp_path / "schedule.json"
    result = CliRunner().invoke(
        main,
        ["solve", str(out), "-o", str(schedule), "--work-limit", "1", "--borrow-left-out"],
    )
    assert result.exit_code == 0, result.output
    assert "has no clients" not in result.output
    evaluation = evaluate(teamed, load_schedule(schedule))
    assert evaluation.violations == [] and evaluation.feasible
    # without borrowing the pool idles, and the planner is told so
    result = CliRunner().invoke(
        main, ["solve", str(out), "-o", str(schedule), "--work-limit", "0.5", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert (
        f"{out}: note: team V has no clients; its {len(substitutes)} carers serve other teams "
        "only with --borrow-left-out (or --allow-borrowing)"
    ) in result.stderr


def test_an_impossible_split_names_the_shift_and_the_skill_and_writes_nothing(
    tmp_path: Path,
) -> None:
    out = tmp_path / "teamed.json"
    source = _write(tmp_path, saturday_insulin(excluded=False))
    result = CliRunner().invoke(main, ["teams", str(source), "-o", str(out), "--teams", "2"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{source}: evening shift of Saturday 2026-01-10 (day 5): ")
    assert "insulin" in first
    assert not out.exists()


def test_teams_and_team_size_together_are_refused(tmp_path: Path) -> None:
    source = _write(tmp_path, two_clusters())
    result = CliRunner().invoke(
        main,
        ["teams", str(source), "-o", str(tmp_path / "t.json"), "--teams", "2", "--team-size", "3"],
    )
    assert result.exit_code == 2
    assert "not both" in result.stderr


def test_a_sweep_plans_each_team_count_and_the_reference_and_verifies_every_plan(
    tmp_path: Path,
) -> None:
    source = _write(tmp_path, two_clusters())
    out = tmp_path / "sweep"
    result = CliRunner().invoke(
        main,
        ["teams", str(source), "--sweep", "1..3", "-o", str(out)]
        + ["--time-limit", "5", "--work-limit", "0.5", "--workers", "1"],
    )
    assert result.exit_code == 0, result.output
    with open(out / "sweep.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["plan"] for r in rows] == ["central-travel (pool)", "1 team", "2 teams", "3 teams"]
    # three carers of each skill cannot make three teams with a fifth of slack: said, not planned
    assert rows[3]["note"].startswith("no split:") and "insulin" in rows[3]["note"]
    assert not (out / "teams-3.json").exists()
    pool = load_instance(source)
    reference = evaluate(pool, load_schedule(out / "central-travel.json"))
    assert reference.violations == []
    assert int(rows[0]["travel_min"]) == reference.metrics.travel_minutes
    for k in (1, 2):
        teamed = load_instance(out / f"teams-{k}.json")
        assert len(teamed.teams) == k
        evaluation = evaluate(teamed, load_schedule(out / f"teams-{k}-schedule.json"))
        assert evaluation.violations == []
        assert int(rows[k]["travel_min"]) == evaluation.metrics.travel_minutes
        assert int(rows[k]["unassigned"]) == evaluation.metrics.unassigned_mandatory
        # every client of this pool has two visits on each day: all are daily-care clients
        met = [c.distinct for c in evaluation.clients.values() if c.assigned_visits]
        assert float(rows[k]["daily_max"]) == max(met)
    assert (out / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "sweep.md").read_text().count("\n| ") == len(rows)  # after the header
    assert "| 2 teams |" in result.stdout


def test_a_sweep_range_that_is_not_one_is_refused(tmp_path: Path) -> None:
    source = _write(tmp_path, two_clusters())
    result = CliRunner().invoke(
        main, ["teams", str(source), "--sweep", "2-5", "-o", str(tmp_path / "s")]
    )
    assert result.exit_code == 2
    assert "--sweep" in result.stderr
    assert not (tmp_path / "s").exists()


def test_the_same_seed_writes_the_same_file(tmp_path: Path) -> None:
    instance = generate_instance(
        teams=3, clients_per_team=6, staff_per_team=5, days=3, seed=9, name="pool"
    )
    source = tmp_path / "district.json"
    write_model(source, instance)
    written = []
    for k in range(2):
        out = tmp_path / f"teamed-{k}.json"
        result = CliRunner().invoke(main, ["teams", str(source), "-o", str(out), "--teams", "2"])
        assert result.exit_code == 0, result.output
        written.append(out.read_bytes())
    assert written[0] == written[1]


def test_a_sweep_of_an_instance_that_is_no_pool_writes_no_folder(tmp_path: Path) -> None:
    doc = two_clusters()
    doc["clients"], doc["patterns"] = [], []
    source = _write(tmp_path, doc)
    out = tmp_path / "sweep"
    result = CliRunner().invoke(main, ["teams", str(source), "--sweep", "2..3", "-o", str(out)])
    assert result.exit_code == 2
    assert "needs clients and carers" in result.stderr
    assert not out.exists()


def test_compare_on_a_pool_shows_the_pool_and_the_proposed_teams_on_one_evaluator(
    tmp_path: Path,
) -> None:
    """`compare --propose-teams 2`: central-travel on the pool as it is, continuity on two
    proposed teams, both in one table; each schedule verified on its own instance."""
    source = _write(tmp_path, two_clusters())
    out = tmp_path / "cmp"
    result = CliRunner().invoke(
        main,
        ["compare", str(source), "-o", str(out), "--methods", "central-travel"]
        + ["--propose-teams", "2", "--time-limit", "5", "--work-limit", "0.5", "--workers", "1"],
    )
    assert result.exit_code == 0, result.output
    with open(out / "compare.csv", newline="") as handle:
        rows = {r["method"]: r for r in csv.DictReader(handle)}
    assert list(rows) == ["central-travel", "continuity-on-2-teams"]
    pool = load_instance(source)
    teamed = load_instance(out / "teams-2.json")
    assert len(teamed.teams) == 2 and len(teamed.visits) == len(pool.visits)
    for method, instance in (("central-travel", pool), ("continuity-on-2-teams", teamed)):
        evaluation = evaluate(instance, load_schedule(out / f"{method}.json"))
        assert evaluation.violations == []
        assert int(rows[method]["travel_min"]) == evaluation.metrics.travel_minutes
        met = [c.distinct for c in evaluation.clients.values() if c.assigned_visits]
        assert float(rows[method]["daily_max"]) == max(met)  # every client has daily care
    assert "price of continuity-on-2-teams: travel" in (out / "compare.md").read_text()


def test_compare_refuses_a_split_the_pool_cannot_make_before_planning(tmp_path: Path) -> None:
    source = _write(tmp_path, saturday_insulin(excluded=False))
    out = tmp_path / "cmp"
    result = CliRunner().invoke(
        main, ["compare", str(source), "-o", str(out), "--propose-teams", "2"]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "insulin" in result.stderr and not out.exists()


def test_a_team_short_of_carers_at_one_hour_gets_one_more_and_serves_every_visit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The north's two visits must both start at 08:00-08:05. By paid minutes and the peaks
    one carer would do, and the pool's time before 09:00 draws two carers south; the day
    checked as a whole (`teaming.days`) finds the north short then, and the assignment gives
    it one of them. Without that check the north keeps one carer, the proposal says so, and
    the plan leaves a north visit out."""
    source, out = _write(tmp_path, morning_rush(3)), tmp_path / "teamed.json"
    result = CliRunner().invoke(main, ["teams", str(source), "-o", str(out), "--teams", "2"])
    assert result.exit_code == 0, result.output
    assert "T1 Team 1: 2 clients, 2 carers" in result.stdout
    assert "cannot serve" not in result.stdout
    assert _solve_and_verify(out, tmp_path) == 0
    monkeypatch.setattr(propose, "MEND_ROUNDS", 0)
    result = CliRunner().invoke(main, ["teams", str(source), "-o", str(out), "--teams", "2"])
    assert result.exit_code == 0, result.output
    assert "T1 Team 1: 2 clients, 1 carers" in result.stdout
    assert (
        "T1: its own carers cannot serve every visit of Monday 2026-01-05 (day 0) at "
        "08:00-08:45, even with travel left out" in result.stdout
    )
    assert _solve_and_verify(out, tmp_path) == 1


def test_a_short_team_day_no_carer_can_mend_is_reported(tmp_path: Path) -> None:
    """Two carers, two teams of one: the north's second carer would leave the south none."""
    source, out = _write(tmp_path, morning_rush(2)), tmp_path / "teamed.json"
    result = CliRunner().invoke(main, ["teams", str(source), "-o", str(out), "--teams", "2"])
    assert result.exit_code == 0, result.output
    assert "T1 Team 1: 2 clients, 1 carers" in result.stdout
    assert "T1: its own carers cannot serve every visit of Monday 2026-01-05 (day 0)" in (
        result.stdout
    )
