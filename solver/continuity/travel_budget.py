"""`--max-travel-increase P`: continuity as good as it gets while travel stays within P % of
the travel-only plan of the same teams.

The reference is teams-travel (`solver.baselines.central_travel`: each team routed on its own,
day by day, by PyVRP), planned first with `REFERENCE_SHARE` of the time limit. Each team's
budget is its reference travel plus P %; the minutes over it are a level of the score between
visits left out and new (client, carer) pairs (`solver.score.Score.over_budget`), so a plan
serves every visit it can first and spends travel on continuity only within the budget.

The search starts from the continuity construction when that is within the budget and no
worse, else from the reference plan with its routes handed over to the carers its clients
meet most (`continuity.relabel`: the same routes in the same order and no more travel,
within the budget by definition): the search only accepts plans no worse than the one it
has, so with P = 0 no team travels more than its travel-only plan unless it serves visits
that plan left out.

A big team (`continuity.subteams`) is planned as sub-teams here too: from the travel-only plan
of the whole group a search seldom finds small circles (group-14d at a 40 % budget kept 9.7
carers per client of central-travel's 10.3). Each sub-team gets its own travel-only plan (the
group with its carers and clients in sub-teams, teams-travel) and a share of the group's
budget in proportion to that plan's travel (`sub_team_budgets`); the joined plan is then
searched as the whole group within the group's budget, from the better of it and the group's
travel-only plan. When the sub-teams' own travel-only plans already travel more than the
group's budget, less a margin (group-14d: four sub-teams +25 % over the group's plan, three
+10 %), a coarser split is tried, and failing that the group is planned whole as before.
"""

from __future__ import annotations

import math
import time
from dataclasses import astuple, dataclass, replace

from hemplan.models.contract.instance import Instance
from hemplan.solver.baselines.central_travel import routed_plan
from hemplan.solver.continuity.familiar import Routing, familiar_routes
from hemplan.solver.continuity.relabel import relabelled
from hemplan.solver.continuity.search import CAPACITY_REASON
from hemplan.solver.method import SolveOptions
from hemplan.solver.problem import Problem
from hemplan.solver.score import Weights, score, solution_travel
from hemplan.solver.solution import Solution

REFERENCE_METHOD = "teams-travel"
REFERENCE_SHARE = 0.4  # of the time limit, for the reference plan (a work limit usually ends it)
# of the time limit, for a big team's sub-team reference plans: at 0.15 (9 s of 60) group-14d's
# four sub-teams were routed so briefly that together they travelled more than a 40 % budget
# (the group was then planned whole: 8.84 carers per client); at 0.25 they fit (4.56)
SUB_TEAM_REFERENCE_SHARE = 0.25
# of the group's budget, left free by the sub-teams' own travel-only plans: serving the visits
# they leave out costs travel too (group-14d at 30 %: four sub-teams' plans at 96 % of the
# budget ended 8 % over it once every visit was served; at 89 % (40 %) they kept it)
SUB_TEAM_MARGIN = 0.05
# the travel-only plans' work when the solve has a time limit alone: the router stops there or
# at its share of the time, whichever comes first. More work changes little (group-14d by
# teams-travel: 6,121 minutes at work 1, 6,007 at work 2, 6,021 in 24 s) and the time saved
# goes to a coarser split when the first is over budget, and to the search
REFERENCE_WORK = 2.0


@dataclass(frozen=True)
class Budgeted:
    """A team's travel-only plan and the travel budget the team plans within."""

    plan: Solution
    budget: int


def reference_plan(instance: Instance, options: SolveOptions, started: float) -> Solution:
    """The teams-travel plan of `instance`, with `REFERENCE_SHARE` of the time limit counted
    from `started` (time.monotonic), the same seed, work limit and workers; a stop request
    while it is planned stops the solve (KeyboardInterrupt)."""
    share = _routing(options, REFERENCE_SHARE)
    routed = routed_plan(instance, share, REFERENCE_METHOD, started=started)
    if routed.days.interrupted:
        raise KeyboardInterrupt
    return routed.days.solution


def _routing(options: SolveOptions, share: float) -> SolveOptions:
    """The options of a travel-only plan: `share` of the time limit, and REFERENCE_WORK when
    no work limit is given."""
    work = REFERENCE_WORK if options.work_limit is None else options.work_limit
    return replace(options, time_limit=share * options.time_limit, work_limit=work)


def part_of(plan: Solution, part: Instance) -> Solution:
    """The assignments, breaks and left-out visits of `plan` that belong to `part` (a team)."""
    visits, carers = part.visit_by_id, {c.id for c in part.staff}
    return Solution(
        assignments={v: p for v, p in plan.assignments.items() if v in visits},
        breaks={k: b for k, b in plan.breaks.items() if k[0] in carers},
        unassigned={v: why for v, why in plan.unassigned.items() if v in visits},
    )


def travel_budget(reference_travel: int, increase: float) -> int:
    """Whole minutes within `increase` per cent of `reference_travel` (0 %: exactly it)."""
    return math.floor(reference_travel * (100 + increase) / 100)


def budgeted_start(
    problem: Problem,
    built: Solution,
    reference: Budgeted,
    weights: Weights,
    routing: Routing,
    seconds: float = 60.0,
    seed: int = 0,
) -> tuple[Problem, Solution]:
    """The team's problem with its budget, and the plan the search starts from: the
    construction `built` when it is within the budget and scores no worse, else the
    reference plan with its routes handed to the carers its clients meet most
    (`continuity.relabel`: the same routes and travel, group-14d 10.1 -> 6.8 carers per
    client; `seconds` bounds that), then routed again toward familiar carers within the
    budget as `routing` allows (`continuity.familiar`: group-14d at 10 %, 4.8 carers per
    client); its left-out visits keep the construction's reasons, or the search's."""
    budgeted = problem.with_travel_budget(reference.budget)
    handed = relabelled(budgeted, reference.plan, weights, seconds=seconds, seed=seed)
    handed, handed_score = familiar_routes(budgeted, handed, weights, routing, seed)
    own = score(budgeted, built, weights)
    if own.over_budget == 0 and astuple(own) <= astuple(handed_score):
        return budgeted, built
    # even when the construction serves more: from the reference the search serves the visits
    # it left out (the level above the budget) at the least travel its moves find
    return budgeted, with_reasons_of(handed, built)


def with_reasons_of(plan: Solution, built: Solution) -> Solution:
    """A copy of `plan` (a travel-only plan handed over) whose left-out visits give the
    construction `built`'s reasons where it had them, CAPACITY_REASON elsewhere: the router's
    reason would name a method the schedule was not planned by."""
    return Solution(
        assignments=dict(plan.assignments),
        breaks=dict(plan.breaks),
        unassigned={v: built.unassigned.get(v, CAPACITY_REASON) for v in plan.unassigned},
    )


def team_reference(part: Instance, reference: Solution, increase: float) -> Budgeted:
    """A team's part of the reference plan and its budget: that part's travel plus P %."""
    plan = part_of(reference, part)
    travel = solution_travel(Problem.build(part), plan)
    return Budgeted(plan, travel_budget(travel, increase))


def sub_team_budgets(
    teamed: Instance, parts: list[Instance], group: Budgeted, options: SolveOptions
) -> list[Budgeted] | None:
    """Each sub-team's own travel-only plan (`teamed`: the group with its sub-teams, planned by
    teams-travel with SUB_TEAM_REFERENCE_SHARE of the time limit from now) and its share of
    the group's budget, in proportion to that plan's travel; None when those plans together
    travel more than the group's budget less SUB_TEAM_MARGIN (small circles would end over
    it)."""
    share = _routing(options, SUB_TEAM_REFERENCE_SHARE)
    routed = routed_plan(teamed, share, REFERENCE_METHOD, started=time.monotonic())
    if routed.days.interrupted:
        raise KeyboardInterrupt
    plans = [part_of(routed.days.solution, part) for part in parts]
    travels = [solution_travel(Problem.build(p), plan) for p, plan in zip(parts, plans)]
    whole = max(1, sum(travels))
    if whole > (1 - SUB_TEAM_MARGIN) * group.budget:
        return None
    return [
        Budgeted(plan, math.floor(group.budget * travel / whole))
        for plan, travel in zip(plans, travels, strict=True)
    ]
