"""Continuity-aware construction: a complete, feasible plan in seconds.

It is the first solution and the hint for the CP-SAT model, and a baseline in its own
right. The steps, each in its own module:

0. `sole_carer`: once the locked visits are in, the visits only one carer can do, routed
   on that carer's still empty day in a short order (they may fit that day in few orders);
1. `order`: hardest clients and visits first;
   with a history, visits are first done as the same visit was a week or two before
   (`Problem.history_twins`), where the routes have room;
2. `cover`: per client, a small set of carers who together can do its visits;
3. `insert`: each visit into a carer-day route (`routes`), preferring those carers;
4. `repair`: left-over visits get in by moving visits out of their way;
5. `polish`: carers who serve a client only now and then hand those visits to its others.

Visits that no carer could ever serve keep the eligibility reason; visits that fit no
route get a capacity reason. Every route's timing comes from one exact forward pass, so
what is returned satisfies the hard constraints by construction (the tests check it with
the independent evaluator).
"""

from __future__ import annotations

import random

from hemplan.models.contract.instance import Visit
from hemplan.solver.continuity.carer_days import CarerDays
from hemplan.solver.continuity.cover import Cover
from hemplan.solver.continuity.insert import Inserter
from hemplan.solver.continuity.order import client_order, visit_order
from hemplan.solver.continuity.polish import release_rare_carers
from hemplan.solver.continuity.repack import NodeBudget
from hemplan.solver.continuity.repair import place_left_over
from hemplan.solver.continuity.sole_carer import route_sole_visits
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Solution

# search nodes the repacks of left-over visits may spend in all
# (`hemplan.solver.continuity.repack`)
REPACK_NODES = 1000


def seeded_ranks(ids: list[str], seed: int) -> dict[str, float]:
    """A random but reproducible tie-break value per id (ids sorted first, so input order does not
    matter)."""
    rng = random.Random(seed)
    return {i: rng.random() for i in sorted(set(ids))}


def construct(problem: Problem, seed: int = 0) -> Solution:
    """Build a solution: carers chosen per client, then visits inserted hardest first.

    With borrowing allowed (the problem's eligibility says so), carers of other teams are only
    used when the client's own team has no room."""
    instance = problem.instance
    rank = seeded_ranks(
        [s.id for s in instance.staff]
        + [c.id for c in instance.clients]
        + [v.id for v in instance.visits],
        seed,
    )
    unassigned: dict[str, str] = dict(problem.reasons)
    servable = [v for v in instance.visits if v.id not in unassigned]
    visits_of: dict[str, list[Visit]] = {}
    for visit in visit_order(servable, problem.eligible, rank):
        visits_of.setdefault(visit.client, []).append(visit)

    cover = Cover(problem, rank)
    choice = cover.choose(client_order(instance, visits_of, problem.eligible, rank), visits_of)

    routes = CarerDays(problem)
    inserter = Inserter(routes, choice, rank)
    ordered = visit_order(servable, problem.eligible, rank)
    repeated = _repeat_history(problem, inserter, ordered)
    rest = [v for v in ordered if v.id not in repeated]
    # the locked visits first, as `visit_order` has them: a lock is the planner's, and the
    # routes the sole visits get must not take its room
    _place_each(inserter, [v for v in rest if v.locked], unassigned)
    sole = route_sole_visits(routes, inserter, seed)
    _place_each(inserter, [v for v in rest if not v.locked and v.id not in sole], unassigned)
    left_over = [v for v in ordered if v.id in unassigned]
    place_left_over(routes, inserter, left_over, unassigned, NodeBudget(REPACK_NODES))
    release_rare_carers(routes, rank)
    return routes.to_solution(unassigned)


def _place_each(inserter: Inserter, visits: list[Visit], unassigned: dict[str, str]) -> None:
    """Insert `visits` in order; each that fits nowhere is left out with the reason."""
    for visit in visits:
        reason = inserter.place(visit)
        if reason is not None:
            unassigned[visit.id] = reason


def _repeat_history(problem: Problem, inserter: Inserter, ordered: list[Visit]) -> set[str]:
    """Visits done as their twin in the history was (same carers, same start), in the order
    of those starts: where the period repeats the last one, its plan is the last one's."""
    twins = problem.history_twins
    done = set()
    for visit in sorted(
        (v for v in ordered if v.id in twins and twins[v.id].start is not None),
        key=lambda v: (v.day, twins[v.id].start or 0, v.id),
    ):
        twin = twins[visit.id]
        if twin.start is not None and inserter.repeat(visit, twin.carers, twin.start):
            done.add(visit.id)
    return done
