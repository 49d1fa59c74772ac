"""Spare processes search a team again: with fewer teams than worker processes each team is
searched `searches_per_team` times, each search from its own construction with its own seeds,
every search's plan is routed, and the team keeps its best routed plan."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance
from hemplan.solver.assemble import to_schedule
from hemplan.solver.continuity import final_routing
from hemplan.solver.continuity import rounds as rounds_module
from hemplan.solver.continuity.rounds import SEARCH_SEED_STEP, searches_per_team
from hemplan.solver.continuity.team_job import TeamJob, TeamOutcome, TeamPlan
from hemplan.solver.executors import make_executor
from hemplan.solver.method import Progress
from hemplan.solver.problem import Problem
from hemplan.solver.score import Score
from tests.paths import INSTANCES

TINY = INSTANCES / "tiny.json"
WORK = 0.05  # little enough that the two searches of tiny end on different plans


@pytest.mark.parametrize(
    ("workers", "teams", "searches"), [(1, 1, 1), (2, 1, 2), (2, 5, 1), (3, 2, 1), (4, 2, 2)]
)
def test_each_team_gets_its_share_of_the_worker_processes(
    workers: int, teams: int, searches: int
) -> None:
    assert searches_per_team(workers, teams) == searches


def _solve_tiny(seed: int, searches: int) -> tuple[TeamOutcome, list[int]]:
    """tiny's one team through `_solve_teams` at a work limit, in this process, and the seeds
    its constructions were given."""
    instance = load_instance(TINY)
    assert len(instance.teams) == 1
    now = time.time()
    job = TeamJob(
        end=now + 300.0,
        teams=searches,
        processes=searches,
        work_limit=WORK,
        seed=seed,
        allow_borrowing=False,
        started=now,
    )
    seeds: list[int] = []
    construct = rounds_module.construct

    def recorded(problem: Problem, seed: int) -> object:
        seeds.append(seed)
        return construct(problem, seed)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rounds_module, "construct", recorded)
        with make_executor("local", workers=1) as executor:  # in this process
            (found,) = rounds_module.solve_teams(
                executor, [instance], [None], job, lambda event: None, searches
            )
    assert len(found) == searches
    assert [o.score for o in found] == sorted(o.score for o in found)  # the best first
    return found[0], seeds


@pytest.mark.parametrize("seed", [0, 3])  # the first search wins at 0, the second at 3
def test_a_team_searched_twice_keeps_the_better_of_two_searches_each_with_its_own_seeds(
    seed: int,
) -> None:
    """The second search is the one a single search with the seed plus SEARCH_SEED_STEP makes;
    the team keeps whichever of the two plans scores better (the first on a tie)."""
    first, first_seeds = _solve_tiny(seed, 1)
    second, second_seeds = _solve_tiny(seed + SEARCH_SEED_STEP, 1)
    both, both_seeds = _solve_tiny(seed, 2)
    assert first_seeds == [seed] and second_seeds == [seed + SEARCH_SEED_STEP]
    assert both_seeds == [seed, seed + SEARCH_SEED_STEP]
    assert first.score != second.score  # the test tells the two apart
    best = min((first, second), key=lambda o: o.score)
    assert both.score == best.score
    assert both.solution.assignments == best.solution.assignments
    problem = Problem.build(load_instance(TINY))
    assert evaluate(problem.instance, to_schedule(problem, both.solution)).violations == []


def test_progress_tells_a_teams_first_plan_and_then_only_better_ones() -> None:
    heard: list[Progress] = []
    report = rounds_module.best_per_team(heard.append)
    zero = Score(*[0] * 12)
    worse, better = (replace(zero, cost=c) for c in (20, 10))
    for team, value in [("A", worse), ("A", better), ("A", worse), ("B", worse), ("A", better)]:
        report(Progress(0.0, team, value, 0, False))
    assert [(p.team, p.score.cost) for p in heard] == [("A", 20), ("A", 10), ("B", 20)]


def test_a_teams_plan_is_chosen_after_the_routing_not_before() -> None:
    """Two searches of tiny, the first better before the routing; a routing that turns each
    plan into the other's makes the second search's plan the better routed one, and that is
    the one kept (chosen before the routing, the team would keep the worse)."""
    better, worse = sorted((_solve_tiny(0, 1)[0], _solve_tiny(3, 1)[0]), key=lambda o: o.score)
    assert better.score < worse.score
    instance = load_instance(TINY)
    now = time.time()
    job = TeamJob(now + 300.0, 2, 2, WORK, 0, False, now)
    swapped = {id(better.solution): worse, id(worse.solution): better}
    routed_plans: list[int] = []

    def swapping_routing(problem: Problem, solution: object, *args: object) -> object:
        routed_plans.append(id(solution))
        return swapped[id(solution)].solution

    plan = TeamPlan(instance, better.solution, better.score)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(final_routing, "shorter_routes", swapping_routing)
        with make_executor("local", workers=1) as executor:
            (kept,) = final_routing.best_routed(executor, [plan], [[better, worse]], job)
    assert routed_plans == [id(better.solution), id(worse.solution)]  # both routed
    assert kept.solution is better.solution and kept.score == better.score  # from the second
    problem = Problem.build(instance)
    assert evaluate(instance, to_schedule(problem, kept.solution)).violations == []
