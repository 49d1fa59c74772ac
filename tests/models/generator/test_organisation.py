"""The pre-reform organisation: the same district as one pool of carers from one base."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.models.evaluator import evaluate
from hemplan.models.generator import generate_instance
from hemplan.models.generator.absences import SUBSTITUTE_MARK
from hemplan.models.io.load import load_instance, load_schedule


def test_the_pool_is_the_same_district_in_one_team_from_one_of_its_offices() -> None:
    teams = generate_instance(3, 6, 4, 7, seed=2)
    pool = generate_instance(3, 6, 4, 7, seed=2, organisation="pool")
    assert [t.id for t in pool.teams] == ["P"]
    assert pool.teams[0].office in [t.office for t in teams.teams]
    assert {s.team for s in pool.staff} == {c.team for c in pool.clients} == {"P"}
    assert [(c.id, c.location) for c in pool.clients] == [(c.id, c.location) for c in teams.clients]
    assert pool.patterns == teams.patterns and pool.visits == teams.visits
    assert [(s.id, s.skills, s.shifts) for s in pool.staff] == [
        (s.id, s.skills, s.shifts) for s in teams.staff
    ]


def test_absences_in_the_pool_are_covered_by_shared_substitutes_on_the_same_shifts() -> None:
    plain = generate_instance(3, 6, 4, 14, seed=2, organisation="pool")
    absent = generate_instance(3, 6, 4, 14, seed=2, organisation="pool", absence_rate=0.1)
    substitutes = [s for s in absent.staff if SUBSTITUTE_MARK in s.id]
    assert substitutes and all(s.id.startswith("P-V") and s.team == "P" for s in substitutes)

    def shifts(instance_staff: list) -> Counter:
        return Counter((sh.day, sh.start, sh.end) for s in instance_staff for sh in s.shifts)

    assert shifts(absent.staff) == shifts(plain.staff)  # other people, the same shifts


def test_a_generated_pool_splits_into_teams_that_plan_and_verify(tmp_path: Path) -> None:
    pool_file, teamed, schedule = (tmp_path / n for n in ("pool.json", "t.json", "s.json"))
    runner = CliRunner()
    made = runner.invoke(
        main,
        ["generate", "--teams", "2", "--clients-per-team", "8", "--staff-per-team", "6"]
        + ["--days", "3", "--seed", "4", "--organisation", "pool", "-o", str(pool_file)],
    )
    assert made.exit_code == 0, made.output
    assert len(load_instance(pool_file).teams) == 1
    split = runner.invoke(main, ["teams", str(pool_file), "--teams", "2", "-o", str(teamed)])
    assert split.exit_code == 0, split.output
    solved = runner.invoke(
        main, ["solve", str(teamed), "-o", str(schedule), "--work-limit", "1", "--quiet"]
    )
    assert solved.exit_code == 0, solved.output
    assert evaluate(load_instance(teamed), load_schedule(schedule)).violations == []
