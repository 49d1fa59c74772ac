"""What does continuity cost in travel? The continuity plan under each travel budget, with the
travel-only plans of the same teams (teams-travel) and of the district (central-travel) as
reference points.

teams-travel is planned once: it is the schedule `hemplan solve --method teams-travel` writes
with the same options, and every budget is counted from its plan. Every figure comes from the
evaluator (`SolveResult.evaluation`), never from a method's own view.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from hemplan.models.contract.instance import Instance
from hemplan.solver.baselines.central_travel import routed_plan
from hemplan.solver.baselines.finish import verified_result
from hemplan.solver.continuity.solve import solve
from hemplan.solver.continuity.travel_budget import REFERENCE_METHOD
from hemplan.solver.method import SolveOptions, SolveResult
from hemplan.solver.methods import METHODS

POOL_REFERENCE = "central-travel"  # the district as one pool, travel first


@dataclass
class TradeoffPoint:
    """One plan of the trade-off: continuity under `budget` per cent (None: without a
    budget), or a reference method's plan (`reference` names it)."""

    budget: float | None
    reference: str | None
    result: SolveResult
    wall_s: float

    @property
    def label(self) -> str:
        """The plan's name in the table and on its file: a reference's method, else the budget."""
        if self.reference is not None:
            return self.reference
        return "no budget" if self.budget is None else f"budget {self.budget:g} %"

    @property
    def slug(self) -> str:
        """The plan's file name, without the extension."""
        if self.reference is not None:
            return self.reference
        return "budget-none" if self.budget is None else f"budget-{self.budget:g}"


def run_tradeoff(
    instance: Instance,
    budgets: list[float | None],
    options: SolveOptions,
    on_point: Callable[[TradeoffPoint], None] = lambda point: None,
) -> list[TradeoffPoint]:
    """teams-travel first, then continuity under each budget in order, then central-travel;
    `on_point` hears each plan as it is done (to write its file and print its line). Each plan
    has the options' time limit and work limit to itself."""
    points = []
    began = time.monotonic()
    routed = routed_plan(instance, options, REFERENCE_METHOD, started=began)
    settings: dict[str, str | int | float | bool] = (
        {} if routed.per_day is None else {"iterations_per_day": routed.per_day}
    )
    travel_only = verified_result(
        routed.problem,
        routed.days.solution,
        REFERENCE_METHOD,
        options,
        began,
        settings,
        routed.days.interrupted,
    )
    points.append(TradeoffPoint(None, REFERENCE_METHOD, travel_only, time.monotonic() - began))
    on_point(points[-1])
    for budget in budgets:
        began = time.monotonic()
        chosen = replace(options, max_travel_increase=budget)
        result = solve(instance, chosen, reference=routed.days.solution)
        points.append(TradeoffPoint(budget, None, result, time.monotonic() - began))
        on_point(points[-1])
    began = time.monotonic()
    pooled = METHODS[POOL_REFERENCE].solve(instance, options)
    points.append(TradeoffPoint(None, POOL_REFERENCE, pooled, time.monotonic() - began))
    on_point(points[-1])
    return points
