"""Routes that keep to familiar carers: the router, with a price on a carer the client rarely
meets.

Within a small travel budget a search seldom turns a travel-only plan into a plan of small
circles: handed over (`continuity.relabel`) group-14d's travel-only plan gives its clients 6.8
carers in 14 days, and a search from it within a 10 % budget ended at 6.9 with 1.5 % more
travel, most of the budget unused (benchmarks/RESULTS.md, "The budget curve on one big group").
The routes themselves must change, and the router that made them knows travel only.

So each day is routed again by the router central-travel uses, every visit offered to every
able carer at work, with a price on who serves it: `price` x (1 - n / top) minutes, n the
visits of that client the carer serves in the plan on the other days, top those of the
client's most frequent carer. A client's usual carer costs nothing extra, a stranger the
whole price; the router trades travel against it. Each day is priced by the other days as
the pass has left them, so the shares sharpen from day to day and from pass to pass. The
price picks the point on the travel-continuity curve: the passes climb a ladder of prices,
PASSES_PER_PRICE at a price whose pass found a better plan and one at a price whose pass did
not (district-14d's teams without a budget found almost nothing after their fourth pass of
twelve), and stop at the first plan over the travel budget; after each pass the visits left
out are placed and rare carers released (`tidy`), and the plan that scores best is kept.
(Going back down the ladder from the first plan over the budget, an experiment on group-14d
at 10 %, found nothing better.) Used for a budgeted start (`travel_budget.budgeted_start`)
and, climbing to the top price since no budget stops it, for the unbudgeted start from a
team's own travel-only plan (`rounds`, README step 3).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from hemplan.solver.continuity.align import aligned
from hemplan.solver.continuity.construct import REPACK_NODES
from hemplan.solver.continuity.repack import NodeBudget
from hemplan.solver.continuity.reroute import circle_offer, rerouted_day
from hemplan.solver.continuity.tidy import tidied_in_budget, tidy_ranks
from hemplan.solver.problem import Problem
from hemplan.solver.score import Score, Weights, score, solution_travel
from hemplan.solver.solution import Solution


@dataclass(frozen=True)
class Routing:
    """What the routing toward familiar carers may spend: seconds in all, router iterations
    per day (None: until it stops improving), and a stop request that ends it."""

    seconds: float
    iterations: int | None
    should_stop: Callable[[], bool] = lambda: False


FIRST_PRICE = 5  # minutes of travel a visit by a stranger is worth at the ladder's foot
PASSES_PER_PRICE = 2  # group-14d: most of a price's gain comes in its first two passes
MOST_PASSES = 12  # at most; the ladder's top: 5 * 2**5 = 160 minutes a visit
TOP_PRICE = FIRST_PRICE * 2 ** ((MOST_PASSES - 1) // PASSES_PER_PRICE)
# under the clock a pass takes the time left over this many passes (or the passes left):
# the ladder mostly stops within four, and their routing needs the time more than the search
TIMED_PASSES = 4


def familiarity_price(
    problem: Problem, plan: Solution, price: int, day: int | None = None
) -> Callable[[str, str], int]:
    """price x (1 - n / top) for a carer serving a visit, n the visits of its client that
    carer serves in `plan` on days other than `day` (the day being routed: a carer is not
    familiar by the visit it is about to be given; a carer met in the history counts at least
    half of top), top the most any one carer serves."""
    served: dict[str, Counter[str]] = {}
    for visit_id, placed in plan.assignments.items():
        if placed.day == day:
            continue
        counts = served.setdefault(problem.visit(visit_id).client, Counter())
        counts.update(placed.carers)
    top = {client: max(counts.values()) for client, counts in served.items()}

    def cost(carer: str, visit_id: str) -> int:
        client = problem.visit(visit_id).client
        most = top.get(client)
        if most is None:
            return 0  # nobody serves the client yet: no carer is familiar
        n = float(served[client][carer])
        if carer in problem.known.get(client, ()):
            n = max(n, most / 2)
        return round(price * (1 - n / most))

    return cost


def priced_pass(
    problem: Problem,
    plan: Solution,
    price: int,
    seconds: float,
    iterations: int | None,
    seed: int,
    should_stop: Callable[[], bool] = lambda: False,
) -> Solution:
    """`plan` with each day routed again, every visit open to every able carer at work and
    priced by `familiarity_price`, the starts aligned; a day the router cannot route, or
    whose new routes drop a locked visit, stays as it was; a stop request ends the pass at
    the next day."""
    began = time.monotonic()
    days = sorted({p.day for p in plan.assignments.values()})
    routed_plan = plan
    for k, day in enumerate(days):
        left = seconds - (time.monotonic() - began)
        if left <= 0 or should_stop():
            break
        offer = circle_offer(problem, routed_plan, day, circles=False)
        cost = familiarity_price(problem, routed_plan, price, day)
        share = left / (len(days) - k)
        routed = rerouted_day(problem, routed_plan, offer, share, iterations, seed, cost)
        routed_plan = routed or routed_plan
    return aligned(problem, routed_plan)


def familiar_routes(
    problem: Problem, plan: Solution, weights: Weights, routing: Routing, seed: int
) -> tuple[Solution, Score]:
    """The best-scoring plan of the price ladder from `plan`, `plan` itself when no pass
    scores better, within what `routing` may spend (a stop request ends the ladder with the
    best plan so far). With a travel budget the ladder stops at its first plan over it;
    without one it climbs to the top price (the score puts fewer pairs before travel)."""
    seconds, iterations, should_stop = routing.seconds, routing.iterations, routing.should_stop
    began = time.monotonic()
    budget = problem.travel_budget
    rank = tidy_ranks(problem, seed)
    best, best_score = plan, score(problem, plan, weights)
    current = plan
    price, at_price = FIRST_PRICE, 0
    for done in range(MOST_PASSES):
        left = seconds - (time.monotonic() - began)
        if left <= 0 or should_stop() or price > TOP_PRICE:
            break
        share = left / min(TIMED_PASSES, MOST_PASSES - done)
        routed = priced_pass(problem, current, price, share, iterations, seed, should_stop)
        current, value, _ = tidied_in_budget(
            problem,
            routed,
            score(problem, routed, weights),
            rank,
            weights,
            lambda: NodeBudget(REPACK_NODES),
        )
        at_price += 1
        if value < best_score:
            best, best_score = current, value
        else:  # a price that found nothing better is not tried again
            at_price = PASSES_PER_PRICE
        if at_price == PASSES_PER_PRICE:
            price, at_price = 2 * price, 0
        if budget is not None and solution_travel(problem, current) > budget:
            break  # a higher price only travels more
    return best, best_score
