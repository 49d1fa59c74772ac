"""The rural setting of the generator (`--area rural`): deterministic, clients kilometres apart
as its cited figures make them, every carer driving, clear errors, and a plan the evaluator
accepts. The bundled rural-14d is checked against its command in test_generator.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from click.testing import CliRunner

from hemplan.cli.cmd_generate import generate
from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator import evaluate
from hemplan.models.generator import GeneratorError, generate_instance
from hemplan.models.generator.geography import distance_km
from hemplan.models.generator.rural import (
    CLIENTS_PER_KM2,
    LOCALITY_PER_KM2,
    VILLAGE_SHARE,
    VILLAGES,
    rural_area,
)
from hemplan.models.io.patterns import expand_patterns
from hemplan.models.io.write import to_json
from hemplan.solver.continuity.solve import solve
from hemplan.solver.method import SolveOptions


def _rural(teams: int = 2, clients: int = 30, staff: int = 12, days: int = 3) -> Instance:
    return generate_instance(teams, clients, staff, days, seed=5, setting="rural")


def _homes(instance: Instance, team: str) -> list:
    return [c.location for c in instance.clients if c.team == team]


def test_the_same_arguments_give_the_same_file_and_differ_from_town():
    assert to_json(_rural()) == to_json(_rural())
    assert to_json(_rural()) != to_json(generate_instance(2, 30, 12, 3, seed=5))


def test_clients_live_kilometres_apart_and_every_carer_drives():
    instance = _rural()
    assert {s.travel_mode for s in instance.staff} == {"car"}
    for team in instance.teams:
        homes = _homes(instance, team.id)
        apart = distance_km(homes, homes)[~np.eye(len(homes), dtype=bool)]
        assert apart.mean() > 6.0, team.name
        assert distance_km([team.office], homes).max() > 6.0, team.name


def test_town_carers_do_not_all_drive():
    town = generate_instance(2, 30, 12, 3, seed=5)
    assert {s.travel_mode for s in town.staff} != {"car"}


def test_the_area_holds_the_clients_at_the_cited_density():
    area = rural_area(0, 34)
    assert math.pi * area.radius_km**2 * CLIENTS_PER_KM2 == pytest.approx(34)
    village = VILLAGES[0]
    assert math.pi * area.village_km**2 * LOCALITY_PER_KM2 == pytest.approx(village.population)
    assert 20 < area.radius_km < 30  # 34 clients at about 0.018 a km²


def test_about_the_cited_share_of_clients_live_in_the_village():
    instance = generate_instance(1, 300, 100, 1, seed=2, setting="rural")
    team = instance.teams[0]
    area = rural_area(0, 300)
    from_office = distance_km([team.office], _homes(instance, team.id))[0]
    in_village = float((from_office <= 1.25 * area.village_km).mean())
    assert abs(in_village - VILLAGE_SHARE) < 0.1


def test_more_teams_than_villages_is_refused():
    with pytest.raises(GeneratorError, match="at most 6 teams"):
        generate_instance(len(VILLAGES) + 1, 5, 3, 2, seed=1, setting="rural")
    with pytest.raises(GeneratorError, match="setting must be one of"):
        generate_instance(1, 5, 3, 2, seed=1, setting="alpine")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--area", "rural", "--teams", "7"], "at most 6 teams"),
        (["--area", "alpine"], "Invalid value for '--area'"),
    ],
)
def test_cli_bad_area_exits_2(args, message, tmp_path):
    out = tmp_path / "x.json"
    result = CliRunner().invoke(generate, [*args, "--days", "2", "-o", str(out)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_rural_plan_is_lawful():
    instance = expand_patterns(generate_instance(1, 10, 5, 2, seed=3, setting="rural"))
    assert instance.visits
    result = solve(instance, SolveOptions(time_limit=60, workers=1, seed=0, work_limit=0.5))
    assert evaluate(instance, result.schedule).feasible
    served = {a.visit for a in result.schedule.assignments}
    assert len(served) >= 0.9 * len(instance.visits)
