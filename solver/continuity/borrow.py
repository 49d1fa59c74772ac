"""Visits a team left out, offered to a wider circle of carers once the teams are planned.

Small teams plan alone (continuity is made inside a team), but a visit its own team has no
room for is better served by another carer than left out. Two circles use it: the other teams
of the district (`solve --borrow-left-out`: how a home-care group borrows, as the last
resort), and the whole of a big team planned as sub-teams (`continuity.subteams`). After the
plans are merged, each visit left out goes through the construction's repair on the wider
problem: the inserter tries the client's own carers and team first and the wider circle last
(its tiers), moving a visit or two out of the way where that makes room. Nothing else of the
plans moves.
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


def place_left_out(wider: Problem, plan: Solution, seed: int) -> Solution:
    """`plan` (the merged plans of the parts of `wider`) with the visits it leaves out placed
    where a carer of `wider` has room, the client's own team first: `wider` is the district
    with borrowing allowed, or one big team. The plan itself when nothing is left out or
    nothing can be placed."""
    routes = CarerDays.from_solution(wider, plan)
    if routes is None or not plan.unassigned:
        return plan
    unassigned = dict(plan.unassigned)
    left_over = sorted(
        (wider.visit(v) for v in unassigned if wider.eligible.get(v)),
        key=lambda v: (v.priority != "mandatory", v.day, v.window.earliest, v.id),
    )
    if not left_over:
        return plan
    instance = wider.instance
    rank = seeded_ranks(
        [s.id for s in instance.staff] + [c.id for c in instance.clients] + list(unassigned),
        seed,
    )
    inserter = Inserter(routes, CarerChoice(), rank)
    if not place_left_over(routes, inserter, left_over, unassigned, NodeBudget(REPACK_NODES)):
        return plan
    return routes.update(plan, unassigned)
