"""A kick out of a local optimum: some related visits of a searched plan taken out and put
back by the construction's insertion.

When a round of the search improves nothing, the search is stuck where its steps (each an
exact re-plan of a few dozen visits around the rest) cannot lead it away. A plan built again
from nothing (`construct` with another seed) starts far from a good one (Mankowska C1: travel
and lateness 5,000-5,800 minutes, against 3,700 for the searched plan); the searched plan
with a fifth of its visits, related in place and time, re-inserted one by one elsewhere
starts near it and yet where the steps had not been (iterated local search).
"""

from __future__ import annotations

import random

from hemplan.solver.continuity.construct import seeded_ranks
from hemplan.solver.continuity.neighbourhoods import Neighbourhoods
from hemplan.solver.continuity.repack import NodeBudget
from hemplan.solver.continuity.search import CAPACITY_REASON
from hemplan.solver.continuity.tidy import tidy
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Solution

KICKED_SHARE = 0.2  # of the plan's served visits, the share taken out and put back
REPACK_NODES = 1000  # search nodes the putting back may spend re-packing busy hours


def kicked(problem: Problem, plan: Solution, seed: int) -> Solution:
    """`plan` with a related fifth of its visits taken out and inserted again where the
    insertion finds room first (those it cannot place stay out: the search serves them)."""
    rng = random.Random(seed)
    size = max(1, round(KICKED_SHARE * len(plan.assignments)))
    out = Neighbourhoods(problem, rng).routing(plan, size)
    out -= {v for v in out if _locked(problem, v)}
    if not out:
        return plan
    ruined = Solution(
        assignments={v: p for v, p in plan.assignments.items() if v not in out},
        unassigned={**plan.unassigned, **{v: CAPACITY_REASON for v in sorted(out)}},
        breaks=dict(plan.breaks),
    )
    instance = problem.instance
    ranks = seeded_ranks([s.id for s in instance.staff] + [c.id for c in instance.clients], seed)
    put_back = tidy(problem, ruined, ranks, NodeBudget(REPACK_NODES, seed=seed), release=False)
    return put_back if put_back is not None else plan


def _locked(problem: Problem, visit_id: str) -> bool:
    visit = problem.visit(visit_id)
    return bool(visit.locked_carers) or visit.locked_start is not None
