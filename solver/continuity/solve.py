"""`solve`: the continuity-first method end to end, team by team.

Without borrowing each team is independent: it is constructed and improved on its own, in
parallel processes when more than one worker is asked for, and the team plans are merged.
A team of more than 15 carers is planned as sub-teams first and then searched again as the
whole group (`continuity.subteams`, `_whole_group`); with a travel budget each part gets its
share of it first (`continuity.travel_budget`). The teams' searches go in rounds
(`continuity.rounds`); the last `ROUTING_SHARE` of the time routes each team's final circles
again (`continuity.final_routing`).

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
from hemplan.solver.continuity.final_routing import best_routed, rounds_after_routing, routed_again
from hemplan.solver.continuity.rounds import (
    best_per_team,
    familiar_routing,
    relabel_seconds,
    searches_per_team,
    solve_teams,
)
from hemplan.solver.continuity.search import Budget, SearchSettings, improve
from hemplan.solver.continuity.subteams import Split, split_big_team
from hemplan.solver.continuity.team_job import (
    WORK_PER_SECOND,
    TeamJob,
    TeamOutcome,
    TeamPlan,
    part_problem,
)
from hemplan.solver.continuity.travel_budget import (
    REFERENCE_SHARE,
    SUB_TEAM_REFERENCE_SHARE,
    Budgeted,
    budgeted_start,
    reference_plan,
    sub_team_budgets,
    team_reference,
)
from hemplan.solver.executors import make_executor
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
SUB_TEAM_SHARE = 0.6  # with big teams planned as sub-teams: their share of the search time
ROUTING_SHARE = 0.15  # of the search time, kept for routing the final circles (`reroute`)


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
    on_progress = best_per_team(on_progress)  # searches and restarts report worse plans too
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
        try:  # the travel-only plans the budgets are measured against come first
            if reference is None:
                reference = reference_plan(instance, options, started)
            parts, splits, references, groups = _budgets(
                parts, splits, reference, increase, options, started
            )
        except KeyboardInterrupt:  # a stop before any team has a plan: the constructions
            return _constructed(instance, whole, parts, options, increase, started)
    local = options.executor == "local" and options.scheduler is None
    searches = searches_per_team(options.workers, len(parts))
    workers = min(options.workers, len(parts) * searches) if local else options.workers
    with make_executor(options.executor, options.scheduler, workers) as executor:
        epoch = time.time() - time.monotonic()  # TeamJob times are epoch seconds (see TeamJob)
        end = search_deadline(started, instance, options, options.allow_borrowing)
        # the last part of the time routes the final circles (`routed_again`)
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
        searched = solve_teams(
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
                plans = best_routed(executor, plans, searched, routing)
            else:
                plans = routed_again(executor, plans, routing)
            # the time the routing did not need: more rounds (a big group's whole plan is not
            # constructed again: that takes far longer than its sub-teams' did), ending as much
            # before the search's end as the search before the routing ended after its own
            if options.work_limit is None and not splits:
                first = max((o.first_solution_s for o in outcomes), default=0.0)
                rounds = replace(job, end=epoch + end - overrun)
                plans, interrupted = rounds_after_routing(
                    executor, plans, rounds, first, on_progress
                )
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
        options=_recorded(options) | ({} if increase is None else _budget_record(increase, plans)),
    )
    schedule, evaluation = finish(whole, solution, info, started)
    first = max((o.first_solution_s for o in outcomes), default=0.0)
    return SolveResult(schedule, evaluation, first, interrupted)


def _recorded(options: SolveOptions) -> dict[str, str | int | float | bool]:
    """The options the schedule records (a travel budget's are added where it is known)."""
    return (
        {"time_limit": options.time_limit, "allow_borrowing": options.allow_borrowing}
        | ({"borrow_left_out": True} if options.borrow_left_out else {})
        | ({"work_limit": options.work_limit} if options.work_limit is not None else {})
        | (
            {"weights": options.weights.as_option()}
            if options.weights.cost_weights() != Weights().cost_weights()
            else {}
        )
        | ({"stable_week": True} if options.weights.week else {})
    )


def _constructed(
    instance: Instance,
    whole: Problem,
    parts: list[Instance],
    options: SolveOptions,
    increase: float,
    started: float,
) -> SolveResult:
    """A stop while a travel budget's travel-only plans are routed (up to REFERENCE_SHARE +
    SUB_TEAM_REFERENCE_SHARE of the time limit, before any team has a plan): each part
    (`parts` as split before the budgets) constructed, verified and returned as
    INTERRUPTED, so that the stop still writes a lawful plan. Its travel was planned without
    the budget, which the schedule therefore does not state (only the option given). A second
    stop while the parts are constructed ends the solve with nothing (KeyboardInterrupt)."""
    solutions = [
        construct(part_problem(part, options.allow_borrowing), options.seed) for part in parts
    ]
    if options.borrow_left_out and not options.allow_borrowing:
        whole = Problem.build(instance, allow_borrowing=True)  # a booked substitute's visits
    solution = Solution.merged(solutions)
    objective = score(whole, solution, options.weights).parts()
    info = SolverInfo(
        method=METHOD,
        status="INTERRUPTED",
        objective=objective,
        bound={"distinct_carers": float(sum(whole.bounds.values()))},
        seed=options.seed,
        workers=options.workers,
        options=_recorded(options) | {"max_travel_increase": increase},
    )
    schedule, evaluation = finish(whole, solution, info, started)
    return SolveResult(schedule, evaluation, time.monotonic() - started, True)


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
    The sub-teams' own travel-only plans are made only when they can end within the time the
    travel-only plans have of the limit, taking as long as the group's did (`started`: the
    solve's start, time.monotonic, so that a reference given by the caller takes no time):
    under the default 60 s group-14d's took 22 s, and its sub-teams' plans that followed left
    the search a few seconds (3.58 carers per client at 40 %; planned whole, its start routed
    toward familiar carers, 2.91). When a big team's sub-teams' own travel-only plans already
    travel more than its budget, a coarser split is tried (fewer, larger sub-teams travel
    less: group-14d's four +25 % over the group's plan, three +10 %) when its plans, taking as
    long as the last try's, end within that time too; failing that the team is planned whole.
    Returns the parts, the splits kept, the parts' budgets and each kept split's group (by
    `id(split)`)."""
    by_part: dict[int, Budgeted] = {}
    groups: dict[int, Budgeted] = {}
    kept: list[Split] = []
    # the travel-only plans' time: a try is made when it still ends within it, taking as long
    # as the last travel-only plan made (first the group's, when this solve made it)
    plans_end = started + (REFERENCE_SHARE + SUB_TEAM_REFERENCE_SHARE) * options.time_limit
    last = time.monotonic() - started
    for split in splits:
        group = team_reference(split.whole, reference, increase)
        tried: Split | None = split
        own = None
        while tried is not None and time.monotonic() + last <= plans_end:
            began = time.monotonic()
            own = sub_team_budgets(tried.teamed, tried.parts, group, options)
            last = time.monotonic() - began
            if own is not None:
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
                seconds = relabel_seconds(job)
                routing = familiar_routing(job)
                team, plan = budgeted_start(
                    team, plan, group, job.weights, routing, seconds, job.seed
                )
            plan = _whole_group(team, plan, job, len(splits) - index, on_progress)
        elif group is not None:
            team = team.with_travel_budget(group.budget)
        budget = None if group is None else group.budget
        plans.append(TeamPlan(split.whole, plan, score(team, plan, job.weights), budget))
        bound += team.bound
    return plans, bound


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
