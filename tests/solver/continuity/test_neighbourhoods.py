"""Which carers a step's freed visits may go to (`continuity.neighbourhoods.candidate_carers`)."""

from __future__ import annotations

import random

from hemplan.solver.continuity.neighbourhoods import candidate_carers
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Placement, Solution
from tests.small_instances import shift, small, visit


def test_a_freed_visits_few_other_carers_are_first_those_whose_routes_are_freed_too() -> None:
    """K0 (A's), L0 (B's) and M0 (C's) on day 0, five able carers; a step frees K0 and L0:
    each may go to its own carer, to the other freed route's carer (whose route the step
    re-plans, so it can make room), and to one more drawn at random."""
    instance = small(
        [{"id": c, "shifts": [shift(0)]} for c in "ABCDE"],
        [{"id": k} for k in "KLM"],
        [visit(f"{k}0", k, 0, t, t) for k, t in (("K", "08:00"), ("L", "10:00"), ("M", "12:00"))],
        days=1,
    )
    problem = Problem.build(instance)
    served = {"K0": ("A", 480), "L0": ("B", 600), "M0": ("C", 720)}
    plan = Solution(assignments={v: Placement(0, t, (c,)) for v, (c, t) in served.items()})
    drawn = set()
    for seed in range(20):
        allowed = candidate_carers(problem, plan, {"K0", "L0"}, random.Random(seed))
        assert allowed["K0"][:2] == ["A", "B"] and len(allowed["K0"]) == 3
        assert allowed["L0"][:2] == ["B", "A"] and len(allowed["L0"]) == 3
        drawn |= {allowed["K0"][2], allowed["L0"][2]}
    assert drawn == {"C", "D", "E"}  # the third is drawn among the rest
