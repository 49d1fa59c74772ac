"""Visits a team cannot serve, offered to the other teams' carers once the teams are planned.

Small teams plan alone (continuity is made inside a team), but a visit its own team has no
room for is better served by a carer of another team than left out: that is how a home-care
group borrows, as the last resort. After the teams' plans are merged, each visit left out goes
through the construction's repair on the whole district with borrowing allowed: the inserter
tries the client's own team first (tiers 0-2) and other teams' carers last (tier 3), moving
a visit or two out of the way where that makes room. Nothing else of the teams' plans moves.
"""

from __future__ import annotations

from hemplan.solver.continuity.carer_days import CarerDays
from hemplan.solver.continuity.construct import REPACK_NODES, seeded_ranks
from hemplan.solver.continuity.cover import CarerChoice
from hemplan.solver.continuity.insert import Inserter
from hemplan.solver.continuity.repack import NodeBudget
from hemplan.solver.continuity.repair import place_left_over
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Solution


def borrow_for_left_out(district: Problem, plan: Solution, seed: int) -> Solution:
    """`plan` (the teams' merged plans) with the visits it leaves out placed where any carer of
    the district has room, own team first; `district` is the whole instance's problem with
    borrowing allowed. The plan itself when nothing is left out or nothing can be placed."""
    if not district.allow_borrowing:
        raise ValueError("borrowing for left-out visits needs the district's borrowing problem")
    routes = CarerDays.from_solution(district, plan)
    if routes is None or not plan.unassigned:
        return plan
    unassigned = dict(plan.unassigned)
    left_over = sorted(
        (district.visit(v) for v in unassigned if district.eligible.get(v)),
        key=lambda v: (v.priority != "mandatory", v.day, v.window.earliest, v.id),
    )
    if not left_over:
        return plan
    instance = district.instance
    rank = seeded_ranks(
        [s.id for s in instance.staff] + [c.id for c in instance.clients] + list(unassigned),
        seed,
    )
    inserter = Inserter(routes, CarerChoice(), rank)
    if not place_left_over(routes, inserter, left_over, unassigned, NodeBudget(REPACK_NODES)):
        return plan
    return routes.update(plan, unassigned)
