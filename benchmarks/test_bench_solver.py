"""pytest-benchmark suites of the solve loop's parts, on one team of the bundled district.

Run: `python -m pytest benchmarks/test_bench_solver.py --benchmark-only`. Not part of the
test suite (timing is measured here, never asserted).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from hemplan.solver.bounds import client_bounds
from hemplan.solver.eligibility import eligibility
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance
from hemplan.solver.travel import travel_times
from hemplan.solver.continuity.construct import construct
from hemplan.solver.continuity.decompose import team_instances
from hemplan.solver.continuity.lns import Neighbourhoods, candidate_carers
from hemplan.solver.continuity.neighbourhood import solve_neighbourhood

DISTRICT = Path(__file__).resolve().parent.parent / "instances" / "district-14d.json"


@pytest.fixture(scope="module")
def team():
    """The first team of district-14d, with its travel, eligibility, bounds and a constructed plan."""
    part = team_instances(load_instance(DISTRICT))[0]
    travel = travel_times(part)
    able = eligibility(part, travel)
    bounds = client_bounds(part, able.carers)
    plan = construct(part, travel, able)
    return part, travel, able, bounds, plan


def test_team_model_build(benchmark, team) -> None:
    """Per team: travel matrix, eligibility, lower bounds and the construction (the first plan)."""
    part = team[0]

    def build():
        travel = travel_times(part)
        able = eligibility(part, travel)
        client_bounds(part, able.carers)
        return construct(part, travel, able)

    plan = benchmark(build)
    assert evaluate(part, plan.to_schedule(part, travel_times(part))).violations == []


def test_one_lns_step(benchmark, team) -> None:
    """One neighbourhood of 40 freed visits: CP-SAT model built and solved with 0.1 units of work."""
    part, travel, able, bounds, plan = team
    rng = random.Random(1)
    free = Neighbourhoods(part, able.carers, bounds, rng).draw(plan, 40)
    allowed = candidate_carers(part, able.carers, plan, free, rng)

    def step():
        return solve_neighbourhood(part, travel, allowed, plan.assignments, plan.breaks, free, 30.0,
                                   seed=1, deterministic_limit=0.1)

    result = benchmark(step)
    assert result is not None
