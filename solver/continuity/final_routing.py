"""The last part of the search time: each team's final circles routed again
(`continuity.reroute`, `routed_again`), the best routed plan of a team searched more than
once (`best_routed`), and with a time limit alone more rounds in the time the routing left
(`rounds_after_routing`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from hemplan.solver.continuity.reroute import ITERATIONS_PER_WORK, shorter_routes
from hemplan.solver.continuity.rounds import MORE_ROUNDS_LEFT, as_found, more_rounds
from hemplan.solver.continuity.team_job import (
    TeamJob,
    TeamOutcome,
    TeamPlan,
    TeamStart,
    part_problem,
)
from hemplan.solver.executors import Executor
from hemplan.solver.method import Progress
from hemplan.solver.score import score


def routed_again(executor: Executor, plans: list[TeamPlan], job: TeamJob) -> list[TeamPlan]:
    """Each team's plan routed again inside its circles (`continuity.reroute`), the teams
    `job.processes` at a time, each with a share of the time left in proportion to its
    visits; a team whose task a stop request ended keeps its plan."""
    left = max(0.0, job.end - time.time())
    served = [max(1, len(p.solution.assignments)) for p in plans]
    slots = job.processes * left
    iterations = (
        None if job.work_limit is None else max(1, round(job.work_limit * ITERATIONS_PER_WORK))
    )
    jobs = [
        (plan, min(left, slots * n / sum(served)), iterations, job)
        for plan, n in zip(plans, served, strict=True)
    ]
    routed = executor.map(_route_task, jobs)
    return [new or old for new, old in zip(routed, plans, strict=True)]


def _route_task(
    item: tuple[TeamPlan, float, int | None, TeamJob],
    report: Callable[[Progress], None],
    should_stop: Callable[[], bool],
) -> TeamPlan:
    """Executor task: one team's plan routed again inside its circles."""
    plan, seconds, iterations, job = item
    problem = part_problem(plan.team, job.allow_borrowing)
    if plan.budget is not None:
        problem = problem.with_travel_budget(plan.budget)
    solution = shorter_routes(
        problem, plan.solution, seconds, iterations, job.seed, job.weights, should_stop
    )
    return replace(plan, solution=solution, score=score(problem, solution, job.weights))


def best_routed(
    executor: Executor,
    plans: list[TeamPlan],
    searched: list[list[TeamOutcome]],
    job: TeamJob,
) -> list[TeamPlan]:
    """Every search's plan of each team routed again (all at once, on the processes the
    searches ran on) and each team's best kept by the score after the routing: the routing
    may do better with a plan that scored worse before it (Mankowska B-F at work 2 with two
    searches chosen before the routing: 4 cells of 18 worse than one search's,
    benchmarks/RESULTS.md). At a work limit the first search and its routing are a single
    process's, so the schedule scores no worse than one search's."""
    candidates = [
        TeamPlan(plan.team, found.solution, found.score, found.budget)
        for plan, team_searches in zip(plans, searched, strict=True)
        for found in team_searches
    ]
    routed = routed_again(executor, candidates, job)
    kept: list[TeamPlan] = []
    for team_searches in searched:
        ours, routed = routed[: len(team_searches)], routed[len(team_searches) :]
        kept.append(min(ours, key=lambda plan: plan.score))  # the best before, on a tie
    return kept


def rounds_after_routing(
    executor: Executor,
    plans: list[TeamPlan],
    job: TeamJob,
    first: float,
    on_progress: Callable[[Progress], None],
) -> tuple[list[TeamPlan], bool]:
    """With a time limit alone, the time the final routing left to the search's end: rounds as
    in `more_rounds` from the routed plans, each team's plan replaced where a round finds a
    better one. The routing keeps ROUTING_SHARE of the search time but often ends in a second
    or two (Mankowska C1 and E2: 0.8 and 1.3 s of 9), and its routes are a new start (E2:
    travel 6,501 -> 5,953 minutes). `first`: when the first plans were ready (seconds into
    the solve), so restarts are made only while a construction fits. Returns the plans and
    whether a stop request ended the rounds."""
    if not plans or job.end - time.time() <= MORE_ROUNDS_LEFT * (job.end - job.started):
        return plans, False
    started: list[tuple[int, TeamStart]] = []
    for index, plan in enumerate(plans):
        problem = part_problem(plan.team, job.allow_borrowing)
        if plan.budget is not None:
            problem = problem.with_travel_budget(plan.budget)
        started.append((index, TeamStart(problem, plan.solution, first)))
    outcomes = {index: as_found(start, job.weights, "work") for index, start in started}
    # other draws and restarts than the rounds before the routing (the same seeds would
    # construct and search the same way again)
    more_rounds(executor, started, outcomes, replace(job, seed=job.seed + 1000), on_progress)
    routed = [
        replace(plan, solution=outcomes[index].solution, score=outcomes[index].score)
        for index, plan in enumerate(plans)
    ]
    return routed, executor.stopped
