"""Continuity-aware construction: a complete, feasible plan in seconds.

It is the first solution and the hint for the CP-SAT model, and a baseline in its own
right. The steps, each in its own module:

1. `order`: hardest clients and visits first;
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
import time

from hemplan.solver.bounds import client_bounds
from hemplan.solver.eligibility import Eligibility, eligibility
from hemplan.models.contract.instance import Instance, Visit
from hemplan.models.contract.schedule import Schedule, SolverInfo
from hemplan.models.contract.version import hemplan_version
from hemplan.solver.travel import TravelTimes, travel_times
from hemplan.solver.continuity.carer_days import CarerDays
from hemplan.solver.continuity.cover import Cover
from hemplan.solver.continuity.insert import Inserter
from hemplan.solver.continuity.order import client_order, visit_order
from hemplan.solver.solution import Plan
from hemplan.solver.continuity.polish import release_rare_carers
from hemplan.solver.continuity.repair import place_left_over
from hemplan.solver.continuity.repack import NodeBudget

METHOD = "construct"
REPACK_NODES = 1000  # search nodes the repacks of left-over visits may spend in all (`hemplan.solver.continuity.repack`)


def seeded_ranks(ids: list[str], seed: int) -> dict[str, float]:
    """A random but reproducible tie-break value per id (ids sorted first, so input order does not matter)."""
    rng = random.Random(seed)
    return {i: rng.random() for i in sorted(set(ids))}


def construct(
    instance: Instance,
    travel: TravelTimes,
    eligible: Eligibility,
    allow_borrowing: bool = False,
    seed: int = 0,
    bounds: dict[str, int] | None = None,
) -> Plan:
    """Build a plan: carers chosen per client, then visits inserted hardest first.

    `eligible` must come from `hemplan.solver.eligibility.eligibility` with the same
    `allow_borrowing`; borrowed carers are only used when the client's own team has no room.
    `bounds` are the clients' lower bounds (`hemplan.solver.bounds.client_bounds`), if the caller has them.
    """
    rank = seeded_ranks(
        [s.id for s in instance.staff] + [c.id for c in instance.clients] + [v.id for v in instance.visits], seed
    )
    unassigned: dict[str, str] = dict(eligible.reasons)
    servable = [v for v in instance.visits if v.id not in unassigned]
    visits_of: dict[str, list[Visit]] = {}
    for visit in visit_order(servable, eligible.carers, rank):
        visits_of.setdefault(visit.client, []).append(visit)

    cover = Cover(instance, travel, eligible.carers, rank)
    choice = cover.choose(client_order(instance, visits_of, eligible.carers, rank), visits_of)

    routes = CarerDays(instance, travel)
    inserter = Inserter(instance, routes, eligible.carers, choice, rank, cover.days)
    ordered = visit_order(servable, eligible.carers, rank)
    for visit in ordered:
        reason = inserter.place(visit)
        if reason is not None:
            unassigned[visit.id] = reason
    left_over = [v for v in ordered if v.id in unassigned]
    place_left_over(instance, routes, inserter, left_over, unassigned, NodeBudget(REPACK_NODES))
    if bounds is None:
        bounds = client_bounds(instance, eligible.carers)
    release_rare_carers(instance, routes, eligible.carers, cover.days, rank, bounds)
    return routes.to_plan(unassigned)


def construct_schedule(
    instance: Instance,
    travel: TravelTimes | None = None,
    allow_borrowing: bool = False,
    seed: int = 0,
) -> Schedule:
    """Eligibility, construction and assembly in one call, with the solver block filled in."""
    began = time.perf_counter()
    travel = travel if travel is not None else travel_times(instance)
    plan = construct(instance, travel, eligibility(instance, travel, allow_borrowing), allow_borrowing, seed)
    info = SolverInfo(
        method=METHOD,
        status="FEASIBLE",  # hard constraints hold by construction; unassigned visits are an objective
        objective={"unassigned": float(len(plan.unassigned))},
        wall_time_s=round(time.perf_counter() - began, 3),
        seed=seed,
        version=hemplan_version(),
        options={"allow_borrowing": allow_borrowing},
    )
    return plan.to_schedule(instance, travel, solver=info, allow_borrowing=allow_borrowing)

