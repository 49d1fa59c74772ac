"""The teams' searches, round by round (`solve_teams`).

Once every team has its first plan, each team's search starts from the better of it and the
team's own travel-only plan handed over and tidied (`continuity.travel_start`; with soft
windows, a second one held to the visits' own windows competes too); with a travel budget,
from the better of the construction and the reference (`continuity.travel_budget`). The
search time goes out in two rounds. In the first every team gets an even share of
`OPENING_SHARE` of it; the rest then goes where it is needed, in proportion to what each team
still has to gain (`_need`: a visit left out counts `UNSERVED_NEED` carers above the bounds),
no team more than one process can give it. Teams differ: on district-14d one team's morning
peaks take most of the search, while the others reach every visit in seconds. With a time
limit alone, further rounds follow while they pay (`more_rounds`), from new constructions once
a round finds nothing.

Each step of a round is an executor task (`hemplan.solver.executors`), so the teams run in
this process, in local worker processes or on a dask cluster alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from hemplan.models.contract.instance import Instance
from hemplan.solver.continuity.construct import construct
from hemplan.solver.continuity.familiar import Routing, familiar_routes
from hemplan.solver.continuity.recreate import WHOLE_COOLING
from hemplan.solver.continuity.reroute import ITERATIONS_PER_WORK
from hemplan.solver.continuity.search import Budget, Ended, SearchSettings, all_at_bound, improve
from hemplan.solver.continuity.team_job import TeamJob, TeamOutcome, TeamStart, part_problem
from hemplan.solver.continuity.travel_budget import Budgeted, budgeted_start
from hemplan.solver.continuity.travel_start import (
    FAMILIAR_START_WORK,
    TRAVEL_START_WORK,
    team_travel_plan,
    travel_start,
)
from hemplan.solver.executors import Executor, Interrupted
from hemplan.solver.method import Progress
from hemplan.solver.problem import Problem
from hemplan.solver.score import Score, Weights, score
from hemplan.solver.solution import Solution

# with a time limit only: another round while this share of the search time is left (a round
# never runs past the search's end; at 0.2 Mankowska C1-F2 left 9-10 s of 60 unused: at 0.02
# C1 +5.3 -> +4.0 %, D1 +18.1 -> +17.1 %, E2 +32.1 -> +26.9 %)
MORE_ROUNDS_LEFT = 0.02
# with a travel budget: of the search time, at most this for handing the travel-only plan's
# routes over to carers (`continuity.relabel`, which stops sooner at its work: group-14d 10 s)
RELABEL_SHARE = 0.1
# of a team's part of the search time under the clock, for routing a start toward familiar
# carers (`continuity.familiar`); with a budget its passes stop there and leave the rest
FAMILIAR_SHARE = 0.3
# without a budget: of the search time (a team's part of it), at most this for routing the
# team's own travel-only plan the search starts from (`continuity.travel_start`)
TRAVEL_START_SHARE = 0.3
UNSERVED_NEED = 10  # a visit left out weighs as much as this many carers above the bounds
# seeds of a team's further searches on spare processes (`searches_per_team`): the k-th
# adds k times this, far from the few seeds one search draws on (seed + round number, + 1000)
SEARCH_SEED_STEP = 100_000


def searches_per_team(workers: int, teams: int) -> int:
    """Independent searches per team: with fewer teams than worker processes, each team takes
    its share of them, each search from its own construction with its own seeds, and the best
    plan is kept. A one-team instance on two cores otherwise leaves one idle, while a search's
    result depends on its seed by more than most changes to it (Mankowska B1 at 60 s: +0.7 %
    or +15.7 % over the best known by seed, benchmarks/RESULTS.md). Every search's plan is
    routed and the best routed one kept (`best_routed`); the first search is the one a single
    process would make, so at a work limit the schedule scores no worse than a single
    search's (under the clock two busy cores each run a little slower than one alone)."""
    return max(1, workers // max(1, teams))


def best_per_team(on_progress: Callable[[Progress], None]) -> Callable[[Progress], None]:
    """`on_progress` told only a team's first plan and the plans better than any before it: a
    team's other searches and its restarts report plans worse than its best too."""
    best: dict[str, Score] = {}

    def report(event: Progress) -> None:
        known = best.get(event.team)
        if known is None or event.score < known:
            best[event.team] = event.score
            on_progress(event)

    return report


def solve_teams(
    executor: Executor,
    parts: list[Instance],
    references: list[Budgeted | None],
    job: TeamJob,
    on_progress: Callable[[Progress], None],
    searches: int = 1,
    from_travel: bool = False,
) -> list[list[TeamOutcome]]:
    """First solutions for every team (from its travel-only plan in `references` too, with a
    travel budget), with `from_travel` each team's search start from its own travel-only plan
    (`_from_travel`, once every team has its first), then two rounds of improvement (see the
    module docstring): all teams get a solution before any is improved, and a stop request
    ends the rounds. With `searches` > 1
    each team is searched that many times over (`searches_per_team`). Returns each team's
    searches' outcomes, the best first (the first search on a tie)."""
    copies = [
        (part, ref, k * SEARCH_SEED_STEP)
        for part, ref in zip(parts, references)
        for k in range(searches)
    ]
    firsts = executor.map(
        _first_task, [(part, job, ref, offset) for part, ref, offset in copies], on_progress
    )
    started = [(index, first) for index, first in enumerate(firsts) if first is not None]
    if from_travel and started and not executor.stopped:  # every team's first plan is ready
        # longest first, so that the processes finish together: a start is routed toward
        # familiar carers the longer, the further its construction is from the bounds
        # (district-14d: 4 s for teams 7-8 pairs above them, 9-10 s for 10-16; in team order
        # one of two processes waited 8.6 s for the last)
        order = sorted(
            range(len(started)),
            key=lambda k: (-_need(as_found(started[k][1], job.weights), started[k][1]), k),
        )
        begun = executor.map(_travel_task, [(started[k][1], job) for k in order], on_progress)
        routed = dict(zip(order, begun, strict=True))
        started = [(index, routed[k] or start) for k, (index, start) in enumerate(started)]
    opening = job.opening()
    improved = executor.map(
        _improve_task, [(index, first, opening, None) for index, first in started], on_progress
    )
    outcomes = {
        index: outcome or as_found(first, job.weights)
        for (index, first), outcome in zip(started, improved)
    }
    if started and not executor.stopped:
        _second_round(executor, started, outcomes, job.second(), on_progress)
        if job.work_limit is None:  # with a time limit only: its time left, while it pays
            more_rounds(executor, started, outcomes, job, on_progress)
    found = [outcomes.get(index) or _not_planned(part) for index, (part, _, _) in enumerate(copies)]
    # sorted is stable: the first search (the one a single process makes) wins a tie
    return [
        sorted(found[k * searches : (k + 1) * searches], key=lambda o: o.score)
        for k in range(len(parts))
    ]


def _first_solution(
    part: Instance,
    job: TeamJob,
    reference: Budgeted | None = None,
    seed_offset: int = 0,
    should_stop: Callable[[], bool] = lambda: False,
) -> TeamStart:
    """The team's constructed solution and when it was ready; with a travel budget, the
    problem with the budget and the better start of the construction and the `reference`
    (the team's travel-only plan: `continuity.travel_budget.budgeted_start`; a stop request
    ends its routing toward familiar carers with the best plan so far)."""
    problem = part_problem(part, job.allow_borrowing)
    solution = construct(problem, job.seed + seed_offset)
    if reference is not None:
        seconds = relabel_seconds(job)
        problem, solution = budgeted_start(
            problem,
            solution,
            reference,
            job.weights,
            familiar_routing(job, should_stop),
            seconds,
            job.seed + seed_offset,
        )
    return TeamStart(problem, solution, time.time() - job.started, seed_offset)


def _from_travel(
    start: TeamStart, job: TeamJob, should_stop: Callable[[], bool] = lambda: False
) -> TeamStart:
    """`start` (the construction) with the plan its search starts from: the better of it and
    the team's own travel-only plan handed over and tidied (`continuity.travel_start`), the
    latter then routed toward familiar carers (`continuity.familiar`, climbing to the top
    price: no budget stops it) unless the construction is at the continuity bound (no pairs to win);
    the construction when a stop request came first. A Ctrl-C in this process is raised,
    wherever it came."""
    problem, built, seed = start.problem, start.solution, job.seed + start.seed_offset
    routing = _travel_start_seconds(job)
    chosen = built
    at_bound = all_at_bound(problem, built)
    work = TRAVEL_START_WORK if at_bound else FAMILIAR_START_WORK
    # with soft windows, also a plan that keeps the visits' own windows (`travel_start.on_time`)
    soft = any(v.lateness is not None for v in problem.instance.visits)
    for held in (False, True) if soft else (False,):
        plan = team_travel_plan(problem, routing, work, seed, should_stop, held)
        if plan is None or should_stop():
            return start
        chosen = travel_start(problem, chosen, plan, job.weights, seed)
    if chosen is not built and not at_bound:
        # the travel-only start's routes moved toward the carers each client knows
        ladder = familiar_routing(job, should_stop)
        chosen, _ = familiar_routes(problem, chosen, job.weights, ladder, seed)
    return replace(start, solution=chosen)


def _travel_start_seconds(job: TeamJob) -> float:
    """The wall-clock guard of a team's own travel-only plan: with a work limit, the time left
    to the deadline (its fixed iterations decide); with a time limit alone, TRAVEL_START_SHARE
    of the team's part of the search time (the teams share the processes), at most the time
    left."""
    if job.work_limit is not None:
        return _left(job)
    return min(TRAVEL_START_SHARE * _team_part(job), _left(job))


def familiar_routing(job: TeamJob, should_stop: Callable[[], bool] = lambda: False) -> Routing:
    """What routing a start toward familiar carers may spend (`continuity.familiar`; a
    budgeted start, or an unbudgeted one from the team's travel-only plan): with a work
    limit, ITERATIONS_PER_WORK router iterations a day per unit and the time left to the
    deadline as a guard; with a time limit alone, FAMILIAR_SHARE of the team's part of the
    search time (the teams share the processes), at most the time left. A stop request ends
    it at the next day."""
    if job.work_limit is not None:
        iterations = max(1, round(job.work_limit * ITERATIONS_PER_WORK))
        return Routing(_left(job), iterations, should_stop)
    return Routing(min(FAMILIAR_SHARE * _team_part(job), _left(job)), None, should_stop)


def relabel_seconds(job: TeamJob) -> float:
    """The wall-clock guard of a travel-only plan's hand-over (`continuity.relabel`): with a
    work limit, the time left to the deadline, so that its fixed work decides and the plan
    repeats on a busy machine too; with a time limit alone, RELABEL_SHARE of the search time,
    at most the time left."""
    if job.work_limit is not None:
        return _left(job)
    return min(RELABEL_SHARE * (job.end - job.started), _left(job))


def _team_part(job: TeamJob) -> float:
    """A team's part of the search time: all of it, or the processes' share when more team
    searches than processes share them."""
    return (job.end - job.started) * min(1.0, job.processes / max(1, job.teams))


def _left(job: TeamJob) -> float:
    """Seconds left to the job's end: a share of the search time never reaches past it (a
    budgeted start may begin late: group-14d's sub-teams' own travel-only plans, tried and
    refused, ended at 41 s of 60, and its hand-over and ladder then ran to 60 s)."""
    return max(0.0, job.end - time.time())


def _improve_team(
    index: int,
    start: TeamStart,
    job: TeamJob,
    report: Callable[[Progress], None],
    should_stop: Callable[[], bool],
    allotment: tuple[float, float] | None = None,
) -> TeamOutcome:
    """Improve one team's solution within its budget: the first round's share, or `allotment`
    (wall seconds, work) in the second round."""
    problem, first = start.problem, start.first
    team, bound, weights = problem.name, problem.bound, job.weights
    best = [start.solution]  # the best solution so far, kept whatever moment Ctrl-C comes
    if allotment is None:
        seconds, work, seed = *job.budget(index), job.seed + start.seed_offset
    else:  # the second round draws other neighbourhoods than the first
        seconds, work, seed = (
            min(allotment[0], max(0.0, job.end - time.time())),
            allotment[1],
            job.seed + start.seed_offset + 1,
        )

    def improved(s: Solution, value: Score) -> None:
        best[0] = s
        report(Progress(time.time() - job.started, team, value, bound, False))

    try:
        if allotment is None:
            report(_told(start, weights))
        best[0], ended = improve(
            problem,
            start.solution,
            Budget(work, time.monotonic() + seconds, job.cooling),
            seed,
            SearchSettings(weights=job.weights),
            should_stop,
            improved,
        )
    except KeyboardInterrupt:
        ended = "interrupted"
    return TeamOutcome(
        team,
        best[0],
        score(problem, best[0], weights),
        bound,
        first,
        all_at_bound(problem, best[0]),
        "interrupted" if should_stop() else ended,
        problem.travel_budget,
    )


def _not_planned(part: Instance) -> TeamOutcome:
    """A team that Ctrl-C reached before its first solution: every visit unassigned, saying so."""
    solution = Solution(
        unassigned={
            v.id: "not planned: the solve was interrupted before this team" for v in part.visits
        }
    )
    problem = Problem.build(part)
    return TeamOutcome(
        problem.name, solution, score(problem, solution, bounds={}), 0, 0.0, False, "interrupted"
    )


def _first_task(
    item: tuple[Instance, TeamJob, Budgeted | None, int],
    report: Callable[[Progress], None],
    should_stop: Callable[[], bool],
) -> TeamStart:
    """Executor task: one team's first solution."""
    return _first_solution(*item, should_stop=should_stop)


def _travel_task(
    item: tuple[TeamStart, TeamJob],
    report: Callable[[Progress], None],
    should_stop: Callable[[], bool],
) -> TeamStart:
    """Executor task: one team's search start from its travel-only plan (`_from_travel`), its
    first plan told before it is routed."""
    start, job = item
    report(_told(start, job.weights))
    try:
        return _from_travel(start, job, should_stop)
    except KeyboardInterrupt:  # Ctrl-C in this process (one worker): keep the construction
        if should_stop():
            return start
        raise Interrupted(start) from None


def _improve_task(
    item: tuple[int, TeamStart, TeamJob, tuple[float, float] | None],
    report: Callable[[Progress], None],
    should_stop: Callable[[], bool],
) -> TeamOutcome:
    """Executor task: improve one team's solution (a round of `solve_teams`)."""
    index, start, job, allotment = item
    outcome = _improve_team(index, start, job, report, should_stop, allotment)
    if (
        outcome.interrupted and not should_stop()
    ):  # Ctrl-C reached this process: stop the other teams too
        raise Interrupted(outcome)
    return outcome


def _restart_task(
    item: tuple[TeamStart, int],
    report: Callable[[Progress], None],
    should_stop: Callable[[], bool],
) -> TeamStart:
    """Executor task: one team constructed again with another seed (`_restart_round`); its
    first solution's time stays the first construction's."""
    start, seed = item
    return replace(start, solution=construct(start.problem, seed))


def _told(start: TeamStart, weights: Weights) -> Progress:
    """A team's first plan as the progress display hears it."""
    problem = start.problem
    value = score(problem, start.solution, weights)
    return Progress(start.first, problem.name, value, problem.bound, True)


def as_found(start: TeamStart, weights: Weights, ended: Ended = "interrupted") -> TeamOutcome:
    """A team's first solution as an outcome: one whose improvement the stop request
    prevented, or a restart's before its search (`ended` says which)."""
    problem = start.problem
    return TeamOutcome(
        problem.name,
        start.solution,
        score(problem, start.solution, weights),
        problem.bound,
        start.first,
        all_at_bound(problem, start.solution),
        ended,
        problem.travel_budget,
    )


def more_rounds(
    executor: Executor,
    started: list[tuple[int, TeamStart]],
    outcomes: dict[int, TeamOutcome],
    job: TeamJob,
    on_progress: Callable[[Progress], None],
) -> None:
    """Further rounds while more than MORE_ROUNDS_LEFT of the search time is left: a time limit
    is turned into work at WORK_PER_SECOND, which small days spend in a fraction of their time
    (Mankowska C1: 12 s of 60), and a search that ended on its budget may still find more.
    A round like the second goes on from each team's best plan; once such a round improves no
    team, the search is in a local optimum its steps do not leave (Mankowska B1 at 60 s ended
    after 30-37 s at +0.7 % to +16 % over the best known by seed), so the next round starts
    again from new constructions (`_restart_round`) and keeps whichever plan is better, while
    the time left is more than the first constructions took."""
    span = job.end - job.started
    # the first solutions' time since the solve began: more than a construction takes
    construction = max((start.first for _, start in started), default=0.0)
    round_ = 0
    stuck = False
    while not executor.stopped and job.end - time.time() > MORE_ROUNDS_LEFT * span:
        round_ += 1
        # each round draws other neighbourhoods (the second round's seed is job.seed + 1); a
        # walk goes on cold from the best plan, and hot again only from a new construction
        later = replace(job, seed=job.seed + round_, cooling=(1.0, 1.0))
        if stuck:
            if job.end - time.time() < construction:
                return  # no time to construct the teams again
            stuck = not _restart_round(executor, started, outcomes, later, on_progress)
            continue
        before = {index: outcomes[index].score for index, _ in started}
        _second_round(executor, started, outcomes, later, on_progress)
        stuck = not any(outcomes[index].score < before[index] for index, _ in started)


def _restart_round(
    executor: Executor,
    started: list[tuple[int, TeamStart]],
    outcomes: dict[int, TeamOutcome],
    job: TeamJob,
    on_progress: Callable[[Progress], None],
) -> bool:
    """Each team constructed again with `job.seed` and improved as in the second round with the
    time left; a team's outcome is replaced where the new plan scores better. True when some
    team's plan did. After a stop request every outcome is marked interrupted (so the solve
    ends at once with the best plans, status INTERRUPTED)."""
    job = replace(job, cooling=WHOLE_COOLING)
    fresh = executor.map(
        _restart_task, [(start, job.seed + start.seed_offset) for _, start in started], on_progress
    )
    again = [(index, start) for (index, _), start in zip(started, fresh) if start is not None]
    trial = {index: as_found(start, job.weights, "work") for index, start in again}
    if again and not executor.stopped:
        _second_round(executor, again, trial, job, on_progress)
    better = [index for index, _ in again if trial[index].score < outcomes[index].score]
    outcomes.update({index: trial[index] for index in better})
    if executor.stopped:  # a stop request: each team's best plan, and the solve says so
        for index, _ in started:
            outcomes[index] = replace(outcomes[index], ended="interrupted")
    return bool(better)


def _second_round(
    executor: Executor,
    started: list[tuple[int, TeamStart]],
    outcomes: dict[int, TeamOutcome],
    job: TeamJob,
    on_progress: Callable[[Progress], None],
) -> None:
    """Improve further the teams with something left to gain, each by its allotment, largest
    first so that the processes finish together; `outcomes` keeps each team's best solution.
    When no team has anything left to gain on service or continuity, the round polishes the
    cost (travel, lateness, arrival times) instead, by the teams' visits, rather than end the
    solve with most of its budget unused (Mankowska C1 at 60 s stopped after 8 s)."""
    needs = round_needs(
        [_need(outcomes[index], start) for index, start in started],
        [len(start.problem.instance.visits) for _, start in started],
    )
    allotted = sorted(
        (
            (allotment, index, replace(start, solution=outcomes[index].solution))
            for allotment, (index, start) in zip(job.allotments(needs), started)
            if allotment[1] > 0
        ),
        key=lambda item: (-item[0][1], item[1]),
    )
    again = executor.map(
        _improve_task,
        [(index, start, job, allotment) for allotment, index, start in allotted],
        on_progress,
    )
    for (_, index, _), outcome in zip(allotted, again):
        if outcome is not None:
            outcomes[index] = outcome


def round_needs(needs: list[float], visits: list[int]) -> list[float]:
    """What the second round shares its budget by: the teams' needs (`_need`), or when no
    team has any, their visits (the round then polishes the cost of every team)."""
    return needs if any(needs) else [float(n) for n in visits]


def _need(outcome: TeamOutcome, start: TeamStart) -> float:
    """What a team still has to gain: servable visits left out, weighted by UNSERVED_NEED, plus
    its carers above the bounds."""
    servable = sum(1 for v in outcome.solution.unassigned if start.problem.eligible.get(v))
    rest = max(0, outcome.score.distinct_carers - outcome.bound)
    return UNSERVED_NEED * servable + rest
