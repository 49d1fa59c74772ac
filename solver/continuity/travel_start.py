"""Where a team's search starts without a travel budget: its own travel-only plan, handed over.

The search is continuity first: it accepts a plan only when it is no worse, and travel comes
after the pairs. From the continuity construction it reaches few pairs, but its circles are
whoever the cover chose, spread over the office's area, and the small steps seldom make the
routes between them shorter. From a travel-only plan whose routes are handed to the carers
the clients meet most (`continuity.relabel`) the same search reaches as few pairs with routes
that stay where the router put them (district-14d at work 2: 351 pairs at 10,735 minutes
against 359 at 12,950 from the construction; benchmarks/RESULTS.md).

The travel-only plan is the team's own, made in the team's process: each day routed by the
teams-travel router (`baselines.central_travel.route_day`, PyVRP) one day after another, so it
depends only on the team, the seed and the work, not on how many processes plan the days.
The construction stays the plan to fall back on: it is the team's first plan (told at once,
so the first plan of a solve is not later for this), and the team's result is the better of
it and the search's (`TeamStart.built`).

When the construction is already at the continuity bound (every client meets as few carers
as any plan allows: every Mankowska patient has one visit), there are no pairs to win: it
stays the start and no travel-only plan is made (`worth_routing`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from hemplan.solver.baselines.by_day import DayOffer, plan_by_day
from hemplan.solver.baselines.central_travel import ITERATIONS_PER_WORK, route_day
from hemplan.solver.continuity.relabel import relabelled
from hemplan.solver.continuity.search import CAPACITY_REASON, all_at_bound
from hemplan.solver.problem import Problem
from hemplan.solver.score import Weights
from hemplan.solver.solution import Solution

METHOD = "teams-travel"  # the router's name in the reasons of the visits it leaves out


def worth_routing(problem: Problem, built: Solution) -> bool:
    """Whether a travel-only start may win pairs: the construction is short of the bound."""
    return not all_at_bound(problem, built)


def team_travel_plan(
    problem: Problem,
    seconds: float,
    work: float,
    seed: int,
    should_stop: Callable[[], bool] = lambda: False,
) -> Solution | None:
    """The team's travel-only plan, its days routed one after another in this process within
    `seconds` and `work` (router iterations per day: `work` x ITERATIONS_PER_WORK); None when
    a stop request came first (checked between days). A Ctrl-C in this process is raised."""
    iterations = max(1, round(work * ITERATIONS_PER_WORK))

    def route_days(offers: list[DayOffer], share: float) -> list[Solution]:
        if should_stop():
            raise KeyboardInterrupt
        return [route_day(problem, offer, share, iterations, seed) for offer in offers]

    days = plan_by_day(problem, route_days, time.monotonic() + seconds, METHOD)
    if days.interrupted and not should_stop():
        raise KeyboardInterrupt  # a Ctrl-C in this process: the caller's to keep
    return None if days.interrupted else days.solution


def travel_start(
    problem: Problem,
    built: Solution,
    travel_plan: Solution,
    weights: Weights,
    seconds: float,
    seed: int,
    on_interrupt: Callable[[], None] = lambda: None,
) -> Solution:
    """The plan the team's search starts from (module doc): `travel_plan` handed over; its
    left-out visits keep the construction's reasons where it had them. A travel-only plan that
    leaves out a locked visit is no start (`built` is): the search keeps a locked visit where
    it is, so it would stay out. `on_interrupt`: as `relabelled`'s."""
    handed = relabelled(
        problem, travel_plan, weights, seconds=seconds, seed=seed, on_interrupt=on_interrupt
    )
    if _drops_a_lock(problem, handed):  # the search never puts a locked visit back
        return built
    return Solution(
        assignments=dict(handed.assignments),
        breaks=dict(handed.breaks),
        unassigned={v: built.unassigned.get(v, CAPACITY_REASON) for v in handed.unassigned},
    )


def _drops_a_lock(problem: Problem, plan: Solution) -> bool:
    """Whether `plan` leaves out a visit with locked carers or a locked start."""
    return any(
        (visit := problem.visit(v)).locked_carers or visit.locked_start is not None
        for v in plan.unassigned
    )
