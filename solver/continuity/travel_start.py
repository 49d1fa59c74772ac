"""Where a team's search starts without a travel budget: its own travel-only plan, handed over.

The search is continuity first: it accepts a plan only when it is no worse, and travel comes
after the pairs. From the continuity construction it reaches few pairs, but its circles are
whoever the cover chose, spread over the office's area, and the small steps seldom make the
routes between them shorter. From a travel-only plan whose routes are handed to the carers
the clients meet most (`continuity.relabel`), then tidied as a construction ends (the visits
the router left out placed where the repair can, rare carers released: `continuity.tidy`),
the search reaches as few pairs with routes that stay about where the router put them
(benchmarks/RESULTS.md, "Where the search starts"). The start is that plan when it scores
better than the construction (fewer visits out, then fewer pairs, ..., then the cost), else
the construction; either way the construction is the team's first plan (told at once, so
the first plan of a solve comes no later for this), and the search never ends worse than its
start. On district-28d's five teams the travel-only plans have 142-158 (client, carer) pairs
a team, the constructions 71-83 and 25 visits out; handed over day by day and tidied, 69-83
pairs and 13 visits out, in 0.4-0.8 s a team after the routing.

The travel-only plan is the team's own, made in the team's process: each day routed by the
teams-travel router (`baselines.central_travel.route_day`, PyVRP) one day after another, so it
depends only on the team, the seed and the work, not on how many processes plan the days.

A construction already at the continuity bound (every client meets as few carers as any plan
allows: every Mankowska patient has one visit) has no pairs to win but its minutes: the
insertion's routes are far longer than the router's, and the search's small steps seldom
undo a route's order. So it is routed too, and the router's plan is the start when it scores
better at the same pairs (Mankowska F1 at work 2: +150 % -> +25 % on the set's objective;
benchmarks/RESULTS.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from hemplan.solver.baselines.by_day import DayOffer, plan_by_day
from hemplan.solver.baselines.central_travel import ITERATIONS_PER_WORK, route_day
from hemplan.solver.continuity.construct import REPACK_NODES
from hemplan.solver.continuity.relabel import relabelled
from hemplan.solver.continuity.repack import NodeBudget
from hemplan.solver.continuity.tidy import tidy, tidy_ranks
from hemplan.solver.continuity.travel_budget import REFERENCE_METHOD, with_reasons_of
from hemplan.solver.problem import Problem
from hemplan.solver.score import Weights, score
from hemplan.solver.solution import Solution

# the router's work for a start (x ITERATIONS_PER_WORK iterations a day), whatever the solve's
# work limit: for a construction at the continuity bound, whose start is the routed plan itself
# (Mankowska at work 2 with 0.5 instead: C2 828.99 -> 962.46, D2 825.41 -> 860.16), and, handed
# over and tidied alone, for one short of it, where more bought little (district-14d's teams:
# 66-78 pairs at work 2, 22-28 s a team; 68-79 at 0.05)
TRAVEL_START_WORK = 0.05
# short of the bound the start is then routed toward familiar carers (`continuity.familiar`),
# and a better travel-only plan gives a better start: district-14d in 60 s, 345 pairs at 0.5
# against 349 at 0.05 (benchmarks/RESULTS.md)
FAMILIAR_START_WORK = 0.5
# the hand-over's CP-SAT stage over all days is left out: the tidy pass after it wins back
# most of what it would (district-28d's teams: 69-83 pairs in 0.4-0.8 s a team without it,
# 68-78 in up to 7 s with its work of 4)
HANDOVER_WORK = 0.0


def team_travel_plan(
    problem: Problem,
    seconds: float,
    work: float,
    seed: int,
    should_stop: Callable[[], bool] = lambda: False,
    held: bool = False,
) -> Solution | None:
    """The team's travel-only plan, its days routed one after another in this process within
    `seconds` and `work` (router iterations per day: `work` x ITERATIONS_PER_WORK); None when
    a stop request came first (checked between days). A Ctrl-C in this process is raised.
    `held`: soft-window visits routed within their own windows (`on_time`)."""
    iterations = max(1, round(work * ITERATIONS_PER_WORK))

    def route_days(offers: list[DayOffer], share: float) -> list[Solution]:
        if should_stop():
            raise KeyboardInterrupt
        return [
            route_day(problem, on_time(offer) if held else offer, share, iterations, seed)
            for offer in offers
        ]

    days = plan_by_day(problem, route_days, time.monotonic() + seconds, REFERENCE_METHOD)
    if days.interrupted and not should_stop():
        raise KeyboardInterrupt  # a Ctrl-C in this process: the caller's to keep
    return None if days.interrupted else days.solution


def on_time(offer: DayOffer) -> DayOffer:
    """The day's offer with each soft-window visit held to its own windows: the router knows
    travel only, and with the lateness a visit allows it starts visits as late as travel
    suits; a visit it then leaves out is placed, late if need be, by the tidy pass."""
    held = []
    for dv in offer.visits:
        visit = dv.visit
        if visit.lateness is None or visit.locked_start is not None:
            held.append(dv)
            continue
        own = visit.start_windows
        held.append(replace(dv, earliest=own[0][0], latest=own[-1][1], windows=own))
    return replace(offer, visits=tuple(held))


def travel_start(
    problem: Problem, built: Solution, travel_plan: Solution, weights: Weights, seed: int
) -> Solution:
    """The plan the team's search starts from (module doc): `travel_plan` handed over day by
    day, then tidied as the construction ends (`continuity.tidy`: the visits it left out
    placed where the repair can, rare carers released), when it then scores better than
    `built` (the construction, or with soft windows the start the plain plan gave), else
    `built`; its left-out visits keep `built`'s reasons where it had them. A travel-only plan
    that leaves out a locked visit is no start (`built` is): the search keeps a locked visit
    where it is, so it would stay out."""
    handed = relabelled(problem, travel_plan, weights, HANDOVER_WORK, seed=seed)
    if _drops_a_lock(problem, handed):  # the search never puts a locked visit back
        return built
    start = with_reasons_of(handed, built)
    start = tidy(problem, start, tidy_ranks(problem, seed), NodeBudget(REPACK_NODES)) or start
    return start if score(problem, start, weights) < score(problem, built, weights) else built


def _drops_a_lock(problem: Problem, plan: Solution) -> bool:
    """Whether `plan` leaves out a visit with locked carers or a locked start."""
    return any(problem.visit(v).locked for v in plan.unassigned)
