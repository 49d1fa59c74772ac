"""Between CP-SAT steps: serve left-over visits and release rare carers, in Python.

A CP-SAT step re-plans a few dozen visits and costs a few tenths of a second. The
construction's repair (visits near in time move out of a left-over visit's way, or the
busy hours of its day are packed again: `hemplan.solver.continuity.repack`) and its release and merging of
rare carers (`hemplan.solver.continuity.polish`, with swaps) look at the whole team in a tenth of a second or
two and find moves the small neighbourhoods rarely draw. So the search hands its best plan
to them now and then; routes they leave alone keep the times the search chose.
"""

from __future__ import annotations

from hemplan.models.contract.instance import Instance
from hemplan.solver.travel import TravelTimes
from hemplan.solver.continuity.carer_days import CarerDays
from hemplan.solver.continuity.cover import CarerChoice
from hemplan.solver.continuity.insert import Inserter
from hemplan.solver.solution import Plan
from hemplan.solver.continuity.polish import Days, release_rare_carers
from hemplan.solver.continuity.repair import place_left_over
from hemplan.solver.continuity.repack import NodeBudget


def tidy(instance: Instance, travel: TravelTimes, plan: Plan, eligible: dict[str, list[str]], days: Days,
         rank: dict[str, float], bounds: dict[str, int], repacking: NodeBudget, turn: int = 0) -> Plan | None:
    """`plan` with left-over visits placed where the repair can and every releasable carer
    released, or None when neither changes anything (or a route of the plan cannot be rebuilt).
    `rank` breaks ties between carers and between clients; clients at their `bounds` are left as they are.
    The left-over visits are tried from the `turn`-th on (and round), so that successive passes
    spend their `repacking` budget on different visits first."""
    routes = CarerDays.from_plan(instance, travel, plan)
    if routes is None:
        return None
    unassigned = dict(plan.unassigned)
    left_over = sorted((instance.visit_by_id[v] for v in unassigned if eligible.get(v)),
                       key=lambda v: (v.priority != "mandatory", v.day, v.window.earliest, v.id))
    if left_over:
        first = turn % len(left_over)
        left_over = left_over[first:] + left_over[:first]
    inserter = Inserter(instance, routes, eligible, CarerChoice(), rank, days)
    placed = place_left_over(instance, routes, inserter, left_over, unassigned, repacking) if left_over else 0
    if not (release_rare_carers(instance, routes, eligible, days, rank, bounds) or placed):
        return None
    return routes.update(plan, unassigned)
