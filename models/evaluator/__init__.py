"""The independent evaluator: judge any schedule against its instance, from scratch.

It never imports `solver`: a schedule is checked the same way whichever method made it,
so a solver bug cannot hide behind a shared helper.
"""

from __future__ import annotations

from dataclasses import dataclass

from hemplan.models.evaluator.metrics import ClientContinuity, client_continuity, compute_metrics
from hemplan.models.evaluator.violations import KINDS, Violation, find_violations
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Metrics, Schedule
from hemplan.solver.travel import TravelTimes, travel_times

__all__ = ["Evaluation", "KINDS", "Violation", "evaluate"]


@dataclass
class Evaluation:
    """What the evaluator found: violations, the metrics, and per-client continuity."""

    violations: list[Violation]
    metrics: Metrics
    clients: dict[str, ClientContinuity]

    @property
    def feasible(self) -> bool:
        return not self.violations


def evaluate(
    instance: Instance,
    schedule: Schedule,
    travel: TravelTimes | None = None,
    allow_borrowing: bool | None = None,
) -> Evaluation:
    """Check every hard constraint and compute every metric of `schedule`.

    Borrowing carers across teams is a violation unless allowed here or by the schedule
    (which says so in the open, and the metrics count the borrowed visits).
    """
    travel = travel if travel is not None else travel_times(instance)
    borrowing = schedule.allow_borrowing if allow_borrowing is None else allow_borrowing
    violations = find_violations(instance, schedule, travel, borrowing)
    clients = client_continuity(instance, schedule, travel, borrowing)
    metrics = compute_metrics(instance, schedule, travel, clients, len(violations))
    return Evaluation(violations=violations, metrics=metrics, clients=clients)
