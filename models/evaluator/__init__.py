"""The independent evaluator: judge any schedule against its instance, from scratch.

It never imports `solver`: a schedule is checked the same way whichever method made it,
so a solver bug cannot hide behind a shared helper.
"""

from __future__ import annotations

from dataclasses import dataclass

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Metrics, Schedule
from hemplan.models.evaluator.metrics import ClientContinuity, client_continuity, compute_metrics
from hemplan.models.evaluator.travel import TravelMinutes
from hemplan.models.evaluator.violations import KINDS, Violation, find_violations

__all__ = ["Evaluation", "KINDS", "Violation", "evaluate", "violations_of"]


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
    instance: Instance, schedule: Schedule, allow_borrowing: bool | None = None
) -> Evaluation:
    """Check every hard constraint and compute every metric of `schedule`.

    Borrowing carers across teams is a violation unless allowed here or by the schedule
    (which says so in the open, and the metrics count the borrowed visits). Travel minutes,
    eligibility and bounds are the evaluator's own, worked out from the instance.
    """
    travel = TravelMinutes(instance)
    borrowing = schedule.allow_borrowing if allow_borrowing is None else allow_borrowing
    violations = find_violations(instance, schedule, travel, borrowing)
    clients = client_continuity(instance, schedule, travel, borrowing)
    metrics = compute_metrics(instance, schedule, travel, clients, len(violations))
    return Evaluation(violations=violations, metrics=metrics, clients=clients)


def violations_of(
    instance: Instance, schedule: Schedule, allow_borrowing: bool | None = None
) -> list[Violation]:
    """The hard-constraint violations alone, without the metrics: for a caller that only asks
    what breaks (a replan finding which old assignments still hold)."""
    borrowing = schedule.allow_borrowing if allow_borrowing is None else allow_borrowing
    return find_violations(instance, schedule, TravelMinutes(instance), borrowing)
