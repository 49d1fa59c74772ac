"""The CP-SAT steps and a visit whose carers start apart: the step frees it like any other
(each carer's route sees its own start, the first role's or the second's) and plans the other
freed visits around each carer's own start of it."""

from __future__ import annotations

from hemplan.models.contract.clock import parse_clock
from hemplan.models.evaluator import evaluate
from hemplan.solver.assemble import to_schedule
from hemplan.solver.continuity.neighbourhood import StepLimits, solve_neighbourhood
from hemplan.solver.continuity.neighbourhoods import pinned
from hemplan.solver.continuity.search import merge
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Placement, Solution
from tests.small_instances import shift, small, visit

HOME = {"lat": 62.392, "lon": 17.304}  # both clients live here: no travel between visits


def test_a_freed_visit_goes_around_the_partner_own_start_of_a_freed_staggered_visit() -> None:
    instance = small(
        [
            {"id": "A", "skills": ["nurse"], "shifts": [shift(0)]},
            {"id": "B", "shifts": [shift(0)]},
        ],
        [{"id": "K", "location": HOME}, {"id": "L", "location": HOME, "excluded_carers": ["A"]}],
        [
            visit(
                "V",
                "K",
                0,
                "08:00",
                "08:00",
                staff_needed=2,
                roles=[{"skills": ["nurse"]}, {"skills": []}],
                gap={"min": 20, "max": 20},
            ),
            visit("W", "L", 0, "08:00", "09:00"),
        ],
        days=1,
        skills=["nurse"],
    )
    problem = Problem.build(instance)
    eight, twenty_past = parse_clock("08:00"), parse_clock("08:20")
    plan = Solution(
        assignments={"V": Placement(0, eight, ("A", "B"), (eight, twenty_past))},
        unassigned={"W": "not yet"},
    )
    assert pinned(problem, plan) == set()  # a visit with a start gap may move
    result = solve_neighbourhood(
        problem, plan, {"V", "W"}, {"V": ["A", "B"], "W": ["B"]}, StepLimits(10.0, None)
    )
    assert result is not None and set(result.placements) == {"V", "W"}
    v, w = result.placements["V"], result.placements["W"]
    # the nurse A takes the first role at 08:00, B the second 20 minutes later
    assert v is not None and (v.carers, v.starts) == (("A", "B"), (eight, twenty_past))
    assert w is not None and w.carers == ("B",)
    assert w.start >= twenty_past + 30  # B is at K from 08:20 to 08:50, not 08:00-08:30
    merged = merge(plan, result)
    assert evaluate(instance, to_schedule(problem, merged)).feasible
