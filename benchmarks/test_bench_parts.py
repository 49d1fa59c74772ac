"""pytest-benchmark suites of the performance-critical parts on the bundled instances.

Run: `python -m pytest benchmarks/ --benchmark-only`. The default test run only smoke-runs
them once each (`tests/benchmarks/test_harness.py`, `--benchmark-disable`); timing is measured
here, never asserted. Every benchmark that plans also verifies the plan with the evaluator.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hemplan.models.evaluator import evaluate
from hemplan.models.evaluator.eligibility import eligibility as judged
from hemplan.models.evaluator.travel import TravelMinutes
from hemplan.models.io.load import load_instance
from hemplan.solver.assemble import to_schedule
from hemplan.solver.continuity.construct import construct
from hemplan.solver.continuity.decompose import team_instances
from hemplan.solver.continuity.solve import solve
from hemplan.solver.eligibility import eligibility
from hemplan.solver.method import SolveOptions
from hemplan.solver.problem import Problem
from hemplan.solver.teaming import TeamingOptions, propose_teams
from hemplan.solver.travel import travel_times

INSTANCES = Path(__file__).resolve().parent.parent / "instances"
WORK = 0.5  # CP-SAT deterministic units for the one team solve: the same work on every machine


@pytest.fixture(scope="module")
def team14() -> Problem:
    """team-14d as a problem, its travel times and eligibility computed."""
    problem = Problem.build(load_instance(INSTANCES / "team-14d.json"))
    _ = problem.eligible  # computed here, not in the timed part
    return problem


def test_eligibility_per_team(benchmark) -> None:
    """Eligibility (who may do which visit, from skills, shifts, windows and travel) of every
    team of district-14d."""
    parts = [
        (part, travel_times(part))
        for part in team_instances(load_instance(INSTANCES / "district-14d.json"))
    ]
    result = benchmark(lambda: [eligibility(part, travel) for part, travel in parts])
    assert len(result) == len(parts) and all(able.carers for able in result)


def test_construction(benchmark, team14) -> None:
    """The construction heuristic: the first complete solution of team-14d."""
    solution = benchmark(lambda: construct(team14))
    assert evaluate(team14.instance, to_schedule(team14, solution)).violations == []


def test_cp_sat_solve_team14(benchmark) -> None:
    """One whole continuity solve of team-14d with a deterministic CP-SAT work limit."""
    instance = load_instance(INSTANCES / "team-14d.json")
    options = SolveOptions(time_limit=60.0, workers=1, seed=0, work_limit=WORK)
    result = benchmark.pedantic(
        lambda: solve(instance, options, lambda event: None), rounds=3, iterations=1
    )
    assert evaluate(instance, result.schedule).violations == []


def test_evaluator_district14(benchmark) -> None:
    """The independent evaluator on a constructed schedule of district-14d (all teams)."""
    instance = load_instance(INSTANCES / "district-14d.json")
    schedule = solve(
        instance, SolveOptions(time_limit=30.0, workers=1, work_limit=0.0), lambda event: None
    ).schedule
    evaluation = benchmark(lambda: evaluate(instance, schedule))
    assert evaluation.violations == []


def test_travel_matrix_city14(benchmark) -> None:
    """Great-circle travel minutes between every office and client of city-14d, per mode."""
    instance = load_instance(INSTANCES / "city-14d.json")
    travel = benchmark(lambda: travel_times(instance))
    places = len(instance.teams) + len(instance.clients)
    assert travel.minutes.shape[-1] == places


def test_propose_five_teams_district14(benchmark) -> None:
    """`hemplan teams district-14d --teams 5`: the 50 carers and 130 clients as one pool into
    five teams (grouping, requirements, the carer model); every visit keeps enough carers of
    its new team who could serve it, by the evaluator's own eligibility."""
    instance = load_instance(INSTANCES / "district-14d.json")
    proposal = benchmark(propose_teams, instance, TeamingOptions(teams=5))
    teamed = proposal.teamed(instance)
    able = judged(teamed, TravelMinutes(teamed)).carers
    assert all(len(able[v.id]) >= v.staff_needed for v in teamed.visits)
