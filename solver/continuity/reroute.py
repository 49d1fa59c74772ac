"""Shorter routes inside each client's circle, by the router central-travel uses.

The continuity search decides who meets whom; its routes are what its insertions and small
neighbourhoods left, and they travel far more than the same teams routed by PyVRP (district-14d:
+59 % before this step, +46 % after it; benchmarks/RESULTS.md). Once the circles are set, each
day of a team is routed again by the router (`central_travel.route_from`), started from the
plan's own routes, with each visit allowed only to the carers its client already meets in the
plan (and who are at work and able that day; where the plan gives a visit a preferred carer,
only preferred ones), and a recurring visit only near its usual start. No client can meet a
new carer through a visit it already has, so continuity never gets worse. The visits the plan
leaves out are offered too, to any able carer. Then every recurring visit moves toward its
usual time (`align`), since the router starts each visit as early as it can. A day's new routes
are taken when they keep every locked visit and the plan, aligned, scores better with them than
without (a visit left out for another counts as one left out): the router knows travel only, and
on a small team a shorter day may cost more in arrival times than it saves.

Shorter routes and moved starts leave room where the search's routes had none, so the routed
plan is tidied once more (`continuity.tidy`: visits left out placed, rare carers released) and
kept so when that scores better: district-14d at work 2, 358 -> 356 pairs
(benchmarks/RESULTS.md).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from hemplan.models.contract.instance import Visit
from hemplan.models.contract.start_windows import StartWindows
from hemplan.models.evaluator.eligibility import allowed_windows
from hemplan.solver.baselines.by_day import DayOffer, DayVisit, offered
from hemplan.solver.baselines.central_travel import route_from
from hemplan.solver.continuity.align import aligned, usual_starts
from hemplan.solver.continuity.construct import REPACK_NODES
from hemplan.solver.continuity.repack import NodeBudget
from hemplan.solver.continuity.search import CAPACITY_REASON
from hemplan.solver.continuity.tidy import tidied_in_budget, tidy, tidy_ranks
from hemplan.solver.problem import Problem
from hemplan.solver.score import Score, Weights, client_carers, score
from hemplan.solver.solution import Solution

ITERATIONS_PER_WORK = 150  # router iterations per team-day for each unit of --work-limit
# without a work limit a day's search ends at its share of the time or after this many
# iterations without a better solution, whichever comes first (a search that stops early on
# a plan it cannot improve leaves its time to the router, which needs it on one-day sets)
PATIENCE = 500
# a recurring visit is routed within this many minutes of its usual start (the part of its
# window there): the router knows travel only. On district-14d's and team-14d's plans, 10 / 20
# / 40 minutes or the whole window gave 13,110 / 12,966 / 12,862 / 13,225 travel minutes and
# 31,094 / 30,528 / 33,157 / 37,157 minutes of arrival deviation (district-14d, 150 iterations)
USUAL_SLACK = 20


def circle_offer(problem: Problem, plan: Solution, day: int, circles: bool = True) -> DayOffer:
    """The visits `plan` serves on `day`, each offered to the carers of its client's circle
    who could do it that day (a preferred one's visit to preferred ones only), to the
    carers at work that day. A client the plan serves once, with no carer met in the history,
    meets its visit's carers whoever they are: its visit goes to any able carer. The visits
    the plan leaves out that may go on `day` are offered too, to any able carer (serving a
    visit comes before continuity). Without `circles` every visit goes to any able carer
    (`continuity.familiar` prices the strangers instead)."""
    instance = problem.instance
    met = client_carers(problem, plan)
    served = Counter(problem.visit(v).client for v in plan.assignments)
    usual = usual_starts(problem, plan)
    working = tuple(c for c in instance.staff if day in c.shift_by_day)
    at_work = {c.id for c in working}
    visits = []
    for visit_id, placed in sorted(plan.assignments.items()):
        if placed.day != day:
            continue
        visit = problem.visit(visit_id)
        anyone = not circles or (served[visit.client] == 1 and not problem.known.get(visit.client))
        circle = set(problem.eligible.get(visit_id, [])) if anyone else met[visit.client]
        preferred = set(instance.client_by_id[visit.client].preferred_carers)
        if preferred & set(placed.carers):
            circle = circle & preferred
        carers = tuple(
            c
            for c in problem.eligible.get(visit_id, [])
            if c in circle and c in at_work and day in problem.fitting_days(c, visit)
        )
        windows = _routed_windows(visit, placed.start, usual.get(visit_id))
        visits.append(DayVisit(visit, carers, windows[0][0], windows[-1][1], True, windows))
    left_out = [problem.visit(v) for v in sorted(plan.unassigned)]
    unlocked = [v for v in left_out if not v.locked_carers and v.locked_start is None]
    visits += offered(problem, day, unlocked).visits  # any able carer, a new one too
    return DayOffer(day, working, tuple(visits))


def _routed_windows(visit: Visit, start: int, usual: int | None) -> StartWindows:
    """Where the router may start `visit`, now at `start`: its windows; of a recurring visit
    the part of the window holding `start` within USUAL_SLACK minutes of its `usual` start;
    of a visit with a soft window nothing later than `start` or its promised window's end,
    since the router cannot price lateness. Always holding `start`, so the plan's own route
    stays a solution."""
    windows = allowed_windows(visit)
    if usual is None and visit.lateness is None:
        return windows
    low, high = next(w for w in windows if w[0] <= start <= w[1])
    if usual is not None:
        low, high = (
            max(low, min(start, usual - USUAL_SLACK)),
            min(high, max(start, usual + USUAL_SLACK)),
        )
    if visit.lateness is not None:
        on_time = max((hi for lo, hi in visit.start_windows if lo <= start), default=start)
        high = min(high, max(start, on_time))
    return ((low, high),)


def with_day(plan: Solution, day: int, routed: Solution) -> Solution:
    """`plan` with its assignments and breaks of `day` replaced by `routed`'s: the visits it
    serves no longer left out, those of the day it does not serve left out."""
    assignments = {v: p for v, p in plan.assignments.items() if p.day != day}
    assignments.update(routed.assignments)
    breaks = {k: b for k, b in plan.breaks.items() if k[1] != day}
    breaks.update(routed.breaks)
    unassigned = {v: why for v, why in plan.unassigned.items() if v not in routed.assignments}
    for v, p in plan.assignments.items():
        if p.day == day and v not in routed.assignments:
            unassigned[v] = CAPACITY_REASON
    return Solution(dict(sorted(assignments.items())), breaks, dict(sorted(unassigned.items())))


def rerouted_day(
    problem: Problem,
    plan: Solution,
    offer: DayOffer,
    seconds: float,
    iterations: int | None,
    seed: int,
    price: Callable[[str, str], int] | None = None,
) -> Solution | None:
    """`plan` with `offer`'s day routed again by the router from the plan's own routes of
    that day (`route_from`, PATIENCE when no iterations are given; `price` as there); None
    when the router finds no solution or its routes drop a locked visit."""
    start = day_of(plan, offer.day)
    routed = route_from(
        problem,
        offer,
        start,
        seconds,
        iterations,
        seed,
        patience=PATIENCE if iterations is None else None,
        price=price,
    )
    if routed is None or not keeps_locks(problem, start, routed):
        return None
    return with_day(plan, offer.day, routed)


def day_of(plan: Solution, day: int) -> Solution:
    """The assignments and breaks of `plan` on `day`: a day's start for the router."""
    return Solution(
        {v: p for v, p in plan.assignments.items() if p.day == day},
        {key: b for key, b in plan.breaks.items() if key[1] == day},
    )


def keeps_locks(problem: Problem, start: Solution, routed: Solution) -> bool:
    """Whether `routed` serves every locked visit `start` serves (the score alone would let
    it trade one for another visit)."""
    return all(v in routed.assignments for v in start.assignments if problem.visit(v).locked)


def shorter_routes(
    problem: Problem,
    plan: Solution,
    seconds: float,
    iterations: int | None,
    seed: int,
    weights: Weights = Weights(),
    should_stop: Callable[[], bool] = lambda: False,
) -> Solution:
    """`plan` with each day routed again inside the circles and the starts aligned, if that
    scores better (see the module docstring), within `seconds` and at most `iterations` of the
    router per day (None: until PATIENCE iterations bring nothing better); a stop request
    ends the routing at the next day."""
    began = time.monotonic()
    days = sorted(
        {p.day for p in plan.assignments.values()}
        | {d for v in plan.unassigned for d in problem.visit(v).days}
    )
    best = aligned(problem, plan)
    best_score = score(problem, best, weights)
    for k, day in enumerate(days):
        left = seconds - (time.monotonic() - began)
        if should_stop() or left <= 0:
            break
        offer = circle_offer(problem, best, day)
        if not offer.visits:
            continue
        routed = rerouted_day(problem, best, offer, left / (len(days) - k), iterations, seed)
        if routed is None:
            continue
        candidate = aligned(problem, routed)
        value = score(problem, candidate, weights)
        if value < best_score:
            best, best_score = candidate, value
    best, best_score = _tidied(problem, best, best_score, seed, weights)
    return best if best_score < score(problem, plan, weights) else plan


def _tidied(
    problem: Problem, plan: Solution, plan_score: Score, seed: int, weights: Weights
) -> tuple[Solution, Score]:
    """The routed plan tidied once (new routes and starts: room the search's routes did not
    have), kept when better; with a travel budget a placing-only pass too, as in the search
    (`tidy.tidied_in_budget`), so that a release's travel past the budget does not cost the
    visits the pass placed."""
    rank = tidy_ranks(problem, seed)
    if problem.travel_budget is not None:
        kept, kept_score, _ = tidied_in_budget(
            problem, plan, plan_score, rank, weights, lambda: NodeBudget(REPACK_NODES)
        )
        return kept, kept_score
    tidied = tidy(problem, plan, rank, NodeBudget(REPACK_NODES))
    if tidied is not None and (value := score(problem, tidied, weights)) < plan_score:
        return tidied, value
    return plan, plan_score
