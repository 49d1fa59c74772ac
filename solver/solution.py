"""A plan: the decisions a planning method makes, before they become a Schedule document.

Methods decide who does which visit when, when each break is, and what is left out (and
why); `hemplan.solver.assemble` derives the routes people read. Keeping the plan this small lets
construction, CP-SAT and neighbourhood search hand decisions to one another cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hemplan.solver.assemble import assemble_schedule
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Assignment, Schedule, SolverInfo, Unassigned
from hemplan.solver.travel import TravelTimes
from hemplan.solver.breaks import settled_breaks


@dataclass(frozen=True)
class Placement:
    """A served visit: its day, its start (minutes after midnight) and its carer(s)."""

    day: int
    start: int
    carers: tuple[str, ...]


@dataclass
class Plan:
    """Assignments per visit id, break start per (carer, day), and unassigned visits with reasons."""

    assignments: dict[str, Placement] = field(default_factory=dict)
    breaks: dict[tuple[str, int], int] = field(default_factory=dict)
    unassigned: dict[str, str] = field(default_factory=dict)

    def to_schedule(
        self,
        instance: Instance,
        travel: TravelTimes,
        solver: SolverInfo | None = None,
        allow_borrowing: bool = False,
    ) -> Schedule:
        """The schedule document of this plan (routes derived by `hemplan.solver.assemble`)."""
        assignments = [
            Assignment(visit=visit, day=p.day, start=p.start, carers=list(p.carers))
            for visit, p in sorted(self.assignments.items())
        ]
        unassigned = [Unassigned(visit=v, reason=r) for v, r in sorted(self.unassigned.items())]
        return assemble_schedule(
            instance, travel, assignments, dict(sorted(settled_breaks(instance, travel, self).items())), unassigned,
            solver=solver, allow_borrowing=allow_borrowing,
        )
