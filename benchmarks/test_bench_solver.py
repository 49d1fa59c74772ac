"""pytest-benchmark suites of the solve loop's parts, on one team of the bundled district.

Run: `python -m pytest benchmarks/test_bench_solver.py --benchmark-only`. Not part of the
test suite (timing is measured here, never asserted).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance
from hemplan.solver.assemble import to_schedule
from hemplan.solver.continuity.construct import construct
from hemplan.solver.continuity.decompose import team_instances
from hemplan.solver.continuity.neighbourhood import StepLimits, solve_neighbourhood
from hemplan.solver.continuity.neighbourhoods import Neighbourhoods, candidate_carers
from hemplan.solver.problem import Problem

DISTRICT = Path(__file__).resolve().parent.parent / "instances" / "district-14d.json"


@pytest.fixture(scope="module")
def team():
    """The first team of district-14d as a problem (travel, eligibility, bounds) and a constructed
    solution."""
    problem = Problem.build(team_instances(load_instance(DISTRICT))[0])
    _ = problem.bounds  # computed here, not in the timed part
    return problem, construct(problem)


def test_team_model_build(benchmark, team) -> None:
    """Per team: travel matrix, eligibility, lower bounds and the construction (the first
    solution)."""
    part = team[0].instance

    def build():
        problem = Problem.build(part)
        _ = problem.bounds
        return problem, construct(problem)

    problem, solution = benchmark(build)
    assert evaluate(part, to_schedule(problem, solution)).violations == []


def test_one_lns_step(benchmark, team) -> None:
    """One neighbourhood of 40 freed visits: CP-SAT model built and solved with 0.1 units of
    work."""
    problem, plan = team
    rng = random.Random(1)
    free = Neighbourhoods(problem, rng).draw(plan, 40)
    allowed = candidate_carers(problem, plan, free, rng)

    def step():
        return solve_neighbourhood(problem, plan, free, allowed, StepLimits(30.0, 0.1, seed=1))

    result = benchmark(step)
    assert result is not None
