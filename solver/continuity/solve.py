"""`solve`: the continuity-first method end to end, team by team.

Without borrowing each team is independent: it is constructed and improved on its own, in
parallel processes when more than one worker is asked for, and the team plans are merged.
Once every team has its first plan, each team's search starts from the better of it and the
team's own travel-only plan handed over and tidied (`continuity.travel_start`; with soft
windows, a second one held to the visits' own windows competes too); with a travel
budget, from the better of the construction and the reference (`continuity.travel_budget`).
The search time goes out in two rounds. In the first every team gets an even share of
`OPENING_SHARE` of it; the rest then goes where it is needed, in proportion to what each team
still has to gain (`_need`: a visit left out counts `UNSERVED_NEED` carers above the bounds),
no team more than one process can give it. Teams differ: on district-14d one team's morning
peaks take most of the search, while the others reach every visit in seconds. The last
`ROUTING_SHARE` of the time routes each team's final circles again (`continuity.reroute`).

Each team's result depends only on its data, the seed and its work budget, so a seed and a
worker count give the same schedule, whichever executor runs the teams (`hemplan.solver.executors`:
in this process, local worker processes, or a dask cluster). Ctrl-C stops every team at its
next step and the best plan found so far is returned.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import SolverInfo
from hemplan.solver.continuity.bookings import with_bookings
from hemplan.solver.continuity.borrow import place_left_out
from hemplan.solver.continuity.construct import construct
from hemplan.solver.continuity.decompose import team_instances
from hemplan.solver.continuity.reroute import ITERATIONS_PER_WORK, shorter_routes
from hemplan.solver.continuity.search import Budget, Ended, SearchSettings, all_at_bound, improve
from hemplan.solver.continuity.subteams import Split, split_big_team
from hemplan.solver.continuity.travel_budget import (
    REFERENCE_SHARE,
    SUB_TEAM_REFERENCE_SHARE,
    Budgeted,
    budgeted_start,
    reference_plan,
    sub_team_budgets,
    team_reference,
)
from hemplan.solver.continuity.travel_start import (
    TRAVEL_START_WORK,
    team_travel_plan,
    travel_start,
)
from hemplan.solver.executors import Executor, Interrupted, make_executor
from hemplan.solver.method import (
    Progress,
    SolveOptions,
    SolveResult,
    admit,
    finish,
    search_deadline,
)
from hemplan.solver.problem import Problem
from hemplan.solver.score import Score, Weights, score
from hemplan.solver.solution import Solution

METHOD = "continuity"
WORK_PER_SECOND = (
    0.3  # CP-SAT deterministic time granted per second of budget (calibrated, see RESULTS.md)
)
OPENING_SHARE = 0.4  # share of the search time shared evenly before the rest goes by need
SUB_TEAM_SHARE = 0.6  # with big teams planned as sub-teams: their share of the search time
ROUTING_SHARE = 0.15  # of the search time, kept for routing the final circles (`reroute`)
# with a time limit only: another round while this share of the search time is left (a round
# never runs past the search's end; at 0.2 Mankowska C1-F2 left 9-10 s of 60 unused: at 0.02
# C1 +5.3 -> +4.0 %, D1 +18.1 -> +17.1 %, E2 +32.1 -> +26.9 %)
MORE_ROUNDS_LEFT = 0.02
# with a travel budget: of the search time, at most this for handing the travel-only plan's
# routes over to carers (`continuity.relabel`, which stops sooner at its work: group-14d 10 s)
RELABEL_SHARE = 0.1
# without a budget: of the search time (a team's part of it), at most this for routing the
# team's own travel-only plan the search starts from (`continuity.travel_start`)
TRAVEL_START_SHARE = 0.3
UNSERVED_NEED = 10  # a visit left out weighs as much as this many carers above the bounds
# seeds of a team's further searches on spare processes (`searches_per_team`): the k-th
# adds k times this, far from the few seeds one search draws on (seed + round number, + 1000)
SEARCH_SEED_STEP = 100_000


@dataclass(frozen=True)
class TeamJob:
    """What every team is given: the end of the search phase, how many team searches share how
    many processes (`teams` counts a team searched twice twice: `searches_per_team`), an
    optional fixed work budget, the seed, borrowing and the solve's start.

    `end` and `started` are epoch seconds (`time.time()`), not monotonic ones, so that workers
    on other machines of a dask cluster (NTP-synchronised clocks) agree on them."""

    end: float
    teams: int
    processes: int
    work_limit: float | None
    seed: int
    allow_borrowing: bool
    started: float
    weights: Weights = Weights()

    def budget(self, index: int) -> tuple[float, float]:
        """Wall seconds and work for the `index`-th team, starting now.

        The time left is shared among the teams not yet started, `processes` at a time, so
        that no process idles while another team still has budget: teams that start late get
        what is left rather than a fixed slice.
        """
        left = max(0.0, self.end - time.time())
        seconds = min(left, left * self.processes / max(self.processes, self.teams - index))
        work = self.work_limit if self.work_limit is not None else seconds * WORK_PER_SECOND
        return seconds, work

    def opening(self) -> TeamJob:
        """The first round: OPENING_SHARE of the time left (and of a fixed work budget)."""
        now = time.time()
        return replace(
            self,
            end=now + OPENING_SHARE * max(0.0, self.end - now),
            work_limit=None if self.work_limit is None else OPENING_SHARE * self.work_limit,
        )

    def allotments(self, needs: list[float]) -> list[tuple[float, float]]:
        """Wall seconds and work per team for the second round, in proportion to `needs`.

        No team gets more than one process for the time left; what a capped team cannot use
        goes to the others. With a fixed work budget the round shares the work the first
        round left over (all teams together), capped alike at one process's part.
        """
        left = max(0.0, self.end - time.time())
        if self.work_limit is None:
            seconds = shares(needs, left * self.processes, cap=left)
            return [(s, s * WORK_PER_SECOND) for s in seconds]
        total = (1 - OPENING_SHARE) * self.work_limit * self.teams
        works = shares(needs, total, cap=total / self.processes)
        return [(left, w) for w in works]


@dataclass
class TeamOutcome:
    """What solving one team returned; `at_bound` and `ended` make up the solve's status."""

    team: str
    solution: Solution
    score: Score
    bound: int
    first_solution_s: float
    at_bound: (
        bool  # no solution does better on continuity (`solver.continuity.search.all_at_bound`)
    )
    ended: Ended  # what ended the team's last search
    budget: int | None = None  # the team's travel budget (`Problem.travel_budget`)

    @property
    def interrupted(self) -> bool:
        return self.ended == "interrupted"


@dataclass
class TeamStart:
    """A team's problem (with the facts derived for it, reused to improve it), its first
    solution, when that was ready (seconds since the solve began), and what its search adds
    to the solve's seed (0, or `SEARCH_SEED_STEP` times k for the team's k-th further search)."""

    problem: Problem
    solution: Solution
    first: float
    seed_offset: int = 0


def _part_problem(part: Instance, job: TeamJob) -> Problem:
    """A part's problem: with borrowing when the solve has it, or when the part holds shifts
    of a shared pool booked to its team (`continuity.bookings`: a second team)."""
    return Problem.build(part, job.allow_borrowing or len(part.teams) > 1)


def _first_solution(
    part: Instance, job: TeamJob, reference: Budgeted | None = None, seed_offset: int = 0
) -> TeamStart:
    """The team's constructed solution and when it was ready; with a travel budget, the
    problem with the budget and the better start of the construction and the `reference`
    (the team's travel-only plan: `continuity.travel_budget.budgeted_start`)."""
    problem = _part_problem(part, job)
    solution = construct(problem, job.seed + seed_offset)
    if reference is not None:
        seconds = _relabel_seconds(job)
        problem, solution = budgeted_start(
            problem, solution, reference, job.weights, seconds, job.seed + seed_offset
        )
    return TeamStart(problem, solution, time.time() - job.started, seed_offset)


def _from_travel(
    start: TeamStart, job: TeamJob, should_stop: Callable[[], bool] = lambda: False
) -> TeamStart:
    """`start` (the construction) with the plan its search starts from: the better of it and
    the team's own travel-only plan handed over and tidied (`continuity.travel_start`); the
    construction when a stop request came first. A Ctrl-C in this process is raised, wherever
    it came."""
    problem, built, seed = start.problem, start.solution, job.seed + start.seed_offset
    routing = _travel_start_seconds(job)
    chosen = built
    # with soft windows, also a plan that keeps the visits' own windows (`travel_start.on_time`)
    soft = any(v.lateness is not None for v in problem.instance.visits)
    for held in (False, True) if soft else (False,):
        plan = team_travel_plan(problem, routing, TRAVEL_START_WORK, seed, should_stop, held)
        if plan is None or should_stop():
            return start
        chosen = travel_start(problem, chosen, plan, job.weights, seed)
    return replace(start, solution=chosen)


def _travel_start_seconds(job: TeamJob) -> float:
    """The wall-clock guard of a team's own travel-only plan: with a work limit, the time left
    to the deadline (its fixed iterations decide); with a time limit alone, TRAVEL_START_SHARE
    of the team's part of the search time (the teams share the processes)."""
    if job.work_limit is not None:
        return max(0.0, job.end - time.time())
    part = (job.end - job.started) * min(1.0, job.processes / max(1, job.teams))
    return TRAVEL_START_SHARE * part


def _relabel_seconds(job: TeamJob) -> float:
    """The wall-clock guard of a travel-only plan's hand-over (`continuity.relabel`): with a
    work limit, the time left to the deadline, so that its fixed work decides and the plan
    repeats on a busy machine too; with a time limit alone, RELABEL_SHARE of the search time."""
    if job.work_limit is not None:
        return max(0.0, job.end - time.time())
    return RELABEL_SHARE * (job.end - job.started)


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
            Budget(work, time.monotonic() + seconds),
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


def _restart_task(
    item: tuple[TeamStart, int],
    report: Callable[[Progress], None],
    should_stop: Callable[[], bool],
) -> TeamStart:
    """Executor task: one team constructed again with another seed (`_restart_round`); its
    first solution's time stays the first construction's."""
    start, seed = item
    return replace(start, solution=construct(start.problem, seed))


def _first_task(
    item: tuple[Instance, TeamJob, Budgeted | None, int],
    report: Callable[[Progress], None],
    should_stop: Callable[[], bool],
) -> TeamStart:
    """Executor task: one team's first solution."""
    return _first_solution(*item)


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
    """Executor task: improve one team's solution (a round of `_solve_teams`)."""
    index, start, job, allotment = item
    outcome = _improve_team(index, start, job, report, should_stop, allotment)
    if (
        outcome.interrupted and not should_stop()
    ):  # Ctrl-C reached this process: stop the other teams too
        raise Interrupted(outcome)
    return outcome


def _told(start: TeamStart, weights: Weights) -> Progress:
    """A team's first plan as the progress display hears it."""
    problem = start.problem
    value = score(problem, start.solution, weights)
    return Progress(start.first, problem.name, value, problem.bound, True)


def _as_found(start: TeamStart, weights: Weights, ended: Ended = "interrupted") -> TeamOutcome:
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


def solve(
    instance: Instance,
    options: SolveOptions,
    on_progress: Callable[[Progress], None] = lambda event: None,
    reference: Solution | None = None,
) -> SolveResult:
    """Plan `instance` continuity-first and return the evaluator-verified schedule.

    With `options.max_travel_increase`, travel stays within that many per cent of the
    teams-travel plan's, team by team (`continuity.travel_budget`): `reference` is that plan
    when the caller has it already (a trade-off sweep plans it once), else it is planned first.

    Raises InputError (source: `options.source`, else the instance's name) when the instance is
    too large for the memory budget or a lock cannot be kept (`admit`). The teams plan
    the instance with each locked visit's days and carers cut to what the locks together leave
    (`LockCheck.narrowed`: no schedule keeping the locks does otherwise), so construction never
    gives a locked visit a day another lock needs; the schedule is verified against `instance`.
    """
    started = time.monotonic()
    on_progress = _best_per_team(on_progress)  # searches and restarts report worse plans too
    locks = admit(instance, options, options.allow_borrowing, method="continuity")
    whole = Problem.build(instance, options.allow_borrowing)
    planned = locks.narrowed(instance)
    parts = (
        [planned]
        if options.allow_borrowing or len(instance.teams) == 1
        else team_instances(planned)
    )
    if options.borrow_left_out and not options.allow_borrowing:
        parts = with_bookings(planned, parts)  # a shared pool's shifts, booked to the teams
    parts = [p for p in parts if p.visits]
    increase = options.max_travel_increase
    splits: list[Split] = []
    if not options.allow_borrowing:
        parts, splits = _split_big_teams(parts, options.seed)
    references: list[Budgeted | None] = [None] * len(parts)
    groups: dict[int, Budgeted] = {}  # a split's whole group: its travel-only plan and budget
    if increase is not None:
        if reference is None:
            reference = reference_plan(instance, options, started)
        parts, splits, references, groups = _budgets(
            parts, splits, reference, increase, options, started
        )
    local = options.executor == "local" and options.scheduler is None
    searches = searches_per_team(options.workers, len(parts))
    workers = min(options.workers, len(parts) * searches) if local else options.workers
    with make_executor(options.executor, options.scheduler, workers) as executor:
        epoch = time.time() - time.monotonic()  # TeamJob times are epoch seconds (see TeamJob)
        end = search_deadline(started, instance, options, options.allow_borrowing)
        # the last part of the time routes the final circles (`_shorter_routes`)
        search_end = started + (1 - ROUTING_SHARE) * (end - started)
        # with sub-teams, the rest of the search time goes to their whole groups afterwards
        teams_end = search_end if not splits else started + SUB_TEAM_SHARE * (search_end - started)
        job = TeamJob(
            epoch + teams_end,
            len(parts) * searches,
            max(1, min(executor.slots, len(parts) * searches)),
            options.work_limit,
            options.seed,
            options.allow_borrowing,
            epoch + started,
            options.weights,
        )
        # without a budget a team's (or sub-team's) search may start from its own travel-only
        # plan handed over (`continuity.travel_start`)
        searched = _solve_teams(
            executor, parts, references, job, on_progress, searches, increase is None
        )
        outcomes = [found[0] for found in searched]  # each team's best search
        interrupted = any(o.interrupted for o in outcomes)
        plans, bounds = _rejoined(
            parts,
            outcomes,
            splits,
            groups,
            replace(job, end=epoch + search_end),
            interrupted,
            on_progress,
        )
        # a step or tidy pass may end past its deadline (Mankowska E1: 3-7 s past it)
        overrun = max(0.0, time.monotonic() - search_end)
        if not interrupted:
            routing = replace(job, end=epoch + end)
            if searches > 1 and not splits:
                plans = _best_routed(executor, plans, searched, routing)
            else:
                plans = _shorter_routes(executor, plans, routing)
            # the time the routing did not need: more rounds (a big group's whole plan is not
            # constructed again: that takes far longer than its sub-teams' did), ending as much
            # before the search's end as the search before the routing ended after its own
            if options.work_limit is None and not splits:
                first = max((o.first_solution_s for o in outcomes), default=0.0)
                rounds = replace(job, end=epoch + end - overrun)
                plans, interrupted = _after_routing(executor, plans, rounds, first, on_progress)
                if interrupted:
                    outcomes = [replace(o, ended="interrupted") for o in outcomes]

    solution = Solution.merged([p.solution for p in plans])
    if options.borrow_left_out and not options.allow_borrowing and not interrupted:
        whole = Problem.build(instance, allow_borrowing=True)  # judged with borrowing
        solution = place_left_out(whole, solution, options.seed)
    total = Score.combine([p.score for p in plans])
    if splits or options.borrow_left_out:  # the plan differs from the teams' own: score it
        total = replace(score(whole, solution, options.weights), over_budget=total.over_budget)
    objective = total.parts()
    if increase is None:  # the level is always 0 then: the schedule says what it always said
        del objective["over_budget"]
    info = SolverInfo(
        method=METHOD,
        status=_status(outcomes) if not splits else _split_status(outcomes),
        objective=objective,
        bound={"distinct_carers": float(bounds)},
        seed=options.seed,
        workers=options.workers,
        options={"time_limit": options.time_limit, "allow_borrowing": options.allow_borrowing}
        | ({"borrow_left_out": True} if options.borrow_left_out else {})
        | ({"work_limit": options.work_limit} if options.work_limit is not None else {})
        | (
            {"weights": options.weights.as_option()}
            if options.weights.cost_weights() != Weights().cost_weights()
            else {}
        )
        | ({"stable_week": True} if options.weights.week else {})
        | ({} if increase is None else _budget_record(increase, plans)),
    )
    schedule, evaluation = finish(whole, solution, info, started)
    first = max((o.first_solution_s for o in outcomes), default=0.0)
    return SolveResult(schedule, evaluation, first, interrupted)


def _budget_record(increase: float, plans: list[TeamPlan]) -> dict[str, float | int]:
    """The option as given and the travel budget it set, summed over the teams (minutes, in
    the solver's travel measure)."""
    budget = sum(p.budget or 0 for p in plans)
    return {"max_travel_increase": increase, "travel_budget": budget}


def _budgets(
    parts: list[Instance],
    splits: list[Split],
    reference: Solution,
    increase: float,
    options: SolveOptions,
    started: float,
) -> tuple[list[Instance], list[Split], list[Budgeted | None], dict[int, Budgeted]]:
    """Each part's travel-only plan and budget (`continuity.travel_budget`): a team's part of
    `reference` with P % more; a sub-team's own plan with its share of its group's budget.
    When a big team's sub-teams' own travel-only plans already travel more than its budget, a
    coarser split is tried (fewer, larger sub-teams travel less: group-14d's four +25 % over the
    group's plan, three +10 %) when its travel-only plans, taking as long as the last try's,
    end within the time the travel-only plans have of the limit (`started`: the solve's start,
    time.monotonic); failing that the team is planned whole. Returns the parts, the splits
    kept, the parts' budgets and each kept split's group (by `id(split)`)."""
    by_part: dict[int, Budgeted] = {}
    groups: dict[int, Budgeted] = {}
    kept: list[Split] = []
    # the travel-only plans' time: a retry is made when one more try, taking as long as the
    # last one, still ends within it
    plans_end = started + (REFERENCE_SHARE + SUB_TEAM_REFERENCE_SHARE) * options.time_limit
    for split in splits:
        group = team_reference(split.whole, reference, increase)
        tried: Split | None = split
        own = None
        while tried is not None:
            began = time.monotonic()
            own = sub_team_budgets(tried.teamed, tried.parts, group, options)
            now = time.monotonic()
            if own is not None or now + (now - began) > plans_end:
                break
            tried = split_big_team(split.whole, options.seed, most=len(tried.parts) - 1)
        if own is None or tried is None:
            parts = _whole_again(parts, split)
            continue
        parts = _replaced(parts, split, tried)
        kept.append(tried)
        groups[id(tried)] = group
        by_part.update({id(part): b for part, b in zip(tried.parts, own, strict=True)})
    references: list[Budgeted | None] = [
        by_part.get(id(p)) or team_reference(p, reference, increase) for p in parts
    ]
    return parts, kept, references, groups


def _replaced(parts: list[Instance], split: Split, other: Split) -> list[Instance]:
    """`parts` with the sub-teams of `split` replaced by those of `other` (the same team)."""
    if other is split:
        return parts
    whole = _whole_again(parts, split)
    at = next(k for k, p in enumerate(whole) if p is split.whole)
    return whole[:at] + other.parts + whole[at + 1 :]


def _whole_again(parts: list[Instance], split: Split) -> list[Instance]:
    """`parts` with the sub-teams of `split` replaced by its whole team, where the first was."""
    inside = {id(p) for p in split.parts}
    first = next(k for k, p in enumerate(parts) if id(p) in inside)
    rest = [p for p in parts if id(p) not in inside]
    return rest[:first] + [split.whole] + rest[first:]


def _split_big_teams(parts: list[Instance], seed: int) -> tuple[list[Instance], list[Split]]:
    """The parts with each big team replaced by its sub-teams (`continuity.subteams`), and
    the splits made."""
    planned: list[Instance] = []
    splits: list[Split] = []
    for part in parts:
        split = split_big_team(part, seed)
        if split is None:
            planned.append(part)
        else:
            splits.append(split)
            planned.extend(split.parts)
    return planned, splits


@dataclass
class TeamPlan:
    """A team's plan as the search left it: the team (a big team whole), its solution and
    score, and its travel budget (`Problem.travel_budget`)."""

    team: Instance
    solution: Solution
    score: Score
    budget: int | None = None


def _rejoined(
    parts: list[Instance],
    outcomes: list[TeamOutcome],
    splits: list[Split],
    groups: dict[int, Budgeted],
    job: TeamJob,
    interrupted: bool,
    on_progress: Callable[[Progress], None],
) -> tuple[list[TeamPlan], int]:
    """The teams' plans, a split team's sub-team plans joined into one with the visits they
    left out placed where any carer of the whole team has room, then searched again as the
    whole group (`_whole_group`; with a travel budget, the group's, from the better of the
    joined plan and the group's travel-only plan in `groups`); and the bound of the teams as
    given (a sub-team's own bound is higher than its share of its team's)."""
    of_split = {id(p): s for s in splits for p in s.parts}
    plans: list[TeamPlan] = []
    bound = 0
    joined: dict[int, list[Solution]] = {}
    for part, outcome in zip(parts, outcomes, strict=True):
        split = of_split.get(id(part))
        if split is None:
            plans.append(TeamPlan(part, outcome.solution, outcome.score, outcome.budget))
            bound += outcome.bound
        else:
            joined.setdefault(id(split), []).append(outcome.solution)
    for index, split in enumerate(splits):
        team = Problem.build(split.whole)
        plan = Solution.merged(joined.get(id(split), []))
        group = groups.get(id(split))
        if not interrupted:
            plan = place_left_out(team, plan, job.seed)
            if group is not None:
                seconds = _relabel_seconds(job)
                team, plan = budgeted_start(team, plan, group, job.weights, seconds, job.seed)
            plan = _whole_group(team, plan, job, len(splits) - index, on_progress)
        elif group is not None:
            team = team.with_travel_budget(group.budget)
        budget = None if group is None else group.budget
        plans.append(TeamPlan(split.whole, plan, score(team, plan, job.weights), budget))
        bound += team.bound
    return plans, bound


def _shorter_routes(executor: Executor, plans: list[TeamPlan], job: TeamJob) -> list[TeamPlan]:
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


def _best_routed(
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
    routed = _shorter_routes(executor, candidates, job)
    kept: list[TeamPlan] = []
    for team_searches in searched:
        ours, routed = routed[: len(team_searches)], routed[len(team_searches) :]
        kept.append(min(ours, key=lambda plan: plan.score))  # the best before, on a tie
    return kept


def _after_routing(
    executor: Executor,
    plans: list[TeamPlan],
    job: TeamJob,
    first: float,
    on_progress: Callable[[Progress], None],
) -> tuple[list[TeamPlan], bool]:
    """With a time limit alone, the time the final routing left to the search's end: rounds as
    in `_more_rounds` from the routed plans, each team's plan replaced where a round finds a
    better one. The routing keeps ROUTING_SHARE of the search time but often ends in a second
    or two (Mankowska C1 and E2: 0.8 and 1.3 s of 9), and its routes are a new start (E2:
    travel 6,501 -> 5,953 minutes). `first`: when the first plans were ready (seconds into
    the solve), so restarts are made only while a construction fits. Returns the plans and
    whether a stop request ended the rounds."""
    if not plans or job.end - time.time() <= MORE_ROUNDS_LEFT * (job.end - job.started):
        return plans, False
    started: list[tuple[int, TeamStart]] = []
    for index, plan in enumerate(plans):
        problem = _part_problem(plan.team, job)
        if plan.budget is not None:
            problem = problem.with_travel_budget(plan.budget)
        started.append((index, TeamStart(problem, plan.solution, first)))
    outcomes = {index: _as_found(start, job.weights, "work") for index, start in started}
    # other draws and restarts than the rounds before the routing (the same seeds would
    # construct and search the same way again)
    _more_rounds(executor, started, outcomes, replace(job, seed=job.seed + 1000), on_progress)
    routed = [
        replace(plan, solution=outcomes[index].solution, score=outcomes[index].score)
        for index, plan in enumerate(plans)
    ]
    return routed, executor.stopped


def _route_task(
    item: tuple[TeamPlan, float, int | None, TeamJob],
    report: Callable[[Progress], None],
    should_stop: Callable[[], bool],
) -> TeamPlan:
    """Executor task: one team's plan routed again inside its circles."""
    plan, seconds, iterations, job = item
    problem = _part_problem(plan.team, job)
    if plan.budget is not None:
        problem = problem.with_travel_budget(plan.budget)
    solution = shorter_routes(
        problem, plan.solution, seconds, iterations, job.seed, job.weights, should_stop
    )
    return replace(plan, solution=solution, score=score(problem, solution, job.weights))


def _whole_group(
    team: Problem,
    plan: Solution,
    job: TeamJob,
    groups_left: int,
    on_progress: Callable[[Progress], None],
) -> Solution:
    """The joined plan of a big team searched again over the whole group, in this process:
    the sub-teams made small circles of carers with short routes, and the whole group's
    neighbourhoods now merge circles where a client meets carers of two (measured on
    group-14d: 268 pairs -> 244 at the same travel, benchmarks/RESULTS.md). Its budget: the
    time left shared by the groups still to search, and one team's work limit."""
    seconds = max(0.0, job.end - time.time()) / max(1, groups_left)
    work = job.work_limit if job.work_limit is not None else seconds * WORK_PER_SECOND
    best = [plan]

    def improved(s: Solution, value: Score) -> None:
        best[0] = s
        on_progress(Progress(time.time() - job.started, team.name, value, team.bound, False))

    try:
        best[0], _ = improve(
            team,
            plan,
            Budget(work, time.monotonic() + seconds),
            job.seed + 2,  # neither round's neighbourhoods again
            SearchSettings(weights=job.weights),
            lambda: False,
            improved,
        )
    except KeyboardInterrupt:  # Ctrl-C: the best plan so far stands
        pass
    return best[0]


def _split_status(outcomes: list[TeamOutcome]) -> str:
    """The status when big teams were planned as sub-teams: a sub-team at its own bound says
    nothing of its team's, so AT_BOUND is not claimed."""
    status = _status(outcomes)
    if status != "AT_BOUND":
        return status
    ended = {o.ended for o in outcomes}
    return "TIME_LIMIT" if "time" in ended else "WORK_LIMIT" if "work" in ended else "OPTIMAL"


def _status(outcomes: list[TeamOutcome]) -> str:
    """INTERRUPTED; AT_BOUND when every client is at its bound and no mandatory visit that an
    eligible carer could serve is left out; else what ended the searches of the teams short of
    it: TIME_LIMIT (the clock, before the work budget), WORK_LIMIT, or OPTIMAL (every visit
    free to move was re-planned at once, optimally: a replan that locks most of them)."""
    if any(o.interrupted for o in outcomes):
        return "INTERRUPTED"
    short = {o.ended for o in outcomes if not o.at_bound}
    if not short:
        return "AT_BOUND"
    return "TIME_LIMIT" if "time" in short else "WORK_LIMIT" if "work" in short else "OPTIMAL"


def searches_per_team(workers: int, teams: int) -> int:
    """Independent searches per team: with fewer teams than worker processes, each team takes
    its share of them, each search from its own construction with its own seeds, and the best
    plan is kept. A one-team instance on two cores otherwise leaves one idle, while a search's
    result depends on its seed by more than most changes to it (Mankowska B1 at 60 s: +0.7 %
    or +15.7 % over the best known by seed, benchmarks/RESULTS.md). Every search's plan is
    routed and the best routed one kept (`_best_routed`); the first search is the one a single
    process would make, so at a work limit the schedule scores no worse than a single
    search's (under the clock two busy cores each run a little slower than one alone)."""
    return max(1, workers // max(1, teams))


def _best_per_team(on_progress: Callable[[Progress], None]) -> Callable[[Progress], None]:
    """`on_progress` told only a team's first plan and the plans better than any before it: a
    team's other searches and its restarts report plans worse than its best too."""
    best: dict[str, Score] = {}

    def report(event: Progress) -> None:
        known = best.get(event.team)
        if known is None or event.score < known:
            best[event.team] = event.score
            on_progress(event)

    return report


def _solve_teams(
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
        begun = executor.map(_travel_task, [(start, job) for _, start in started], on_progress)
        started = [
            (index, new or start) for (index, start), new in zip(started, begun, strict=True)
        ]
    opening = job.opening()
    improved = executor.map(
        _improve_task, [(index, first, opening, None) for index, first in started], on_progress
    )
    outcomes = {
        index: outcome or _as_found(first, job.weights)
        for (index, first), outcome in zip(started, improved)
    }
    if started and not executor.stopped:
        _second_round(executor, started, outcomes, job, on_progress)
        if job.work_limit is None:  # with a time limit only: its time left, while it pays
            _more_rounds(executor, started, outcomes, job, on_progress)
    found = [outcomes.get(index) or _not_planned(part) for index, (part, _, _) in enumerate(copies)]
    # sorted is stable: the first search (the one a single process makes) wins a tie
    return [
        sorted(found[k * searches : (k + 1) * searches], key=lambda o: o.score)
        for k in range(len(parts))
    ]


def _more_rounds(
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
        # each round draws other neighbourhoods (the second round's seed is job.seed + 1)
        later = replace(job, seed=job.seed + round_)
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
    fresh = executor.map(
        _restart_task, [(start, job.seed + start.seed_offset) for _, start in started], on_progress
    )
    again = [(index, start) for (index, _), start in zip(started, fresh) if start is not None]
    trial = {index: _as_found(start, job.weights, "work") for index, start in again}
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


def shares(needs: list[float], total: float, cap: float) -> list[float]:
    """`total` split in proportion to `needs`, no share above `cap`: what a capped share cannot
    take goes to the others in proportion (water-filling); shares of zero need are zero."""
    result = [0.0] * len(needs)
    open_ = {i for i, need in enumerate(needs) if need > 0}
    left = total
    while open_:
        weight = sum(needs[i] for i in open_)
        capped = {i for i in open_ if left * needs[i] / weight >= cap}
        if not capped:
            for i in open_:
                result[i] = left * needs[i] / weight
            break
        for i in capped:
            result[i] = cap
        left -= cap * len(capped)
        open_ -= capped
    return result


@dataclass(frozen=True)
class Continuity:
    """The continuity-first method (`solve`)."""

    name: str = METHOD

    def solve(
        self,
        instance: Instance,
        options: SolveOptions,
        on_progress: Callable[[Progress], None] = lambda event: None,
    ) -> SolveResult:
        return solve(instance, options, on_progress)
