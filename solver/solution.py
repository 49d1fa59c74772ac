"""A solution: the decisions a planning method makes, before they become a Schedule document.

Methods decide who does which visit when, when each break is, and what is left out (and
why); `solver.assemble` derives the routes people read. Keeping the solution this small lets
construction, CP-SAT, neighbourhood search and the baselines hand decisions to one another
cheaply; the views below are the questions they all ask of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RouteKey = tuple[str, int]  # (carer id, day)


@dataclass(frozen=True)
class Placement:
    """A served visit: its day, its start (minutes after midnight) and its carer(s).

    `starts` (in `carers` order) only for a visit whose carers start apart (a start gap);
    `start` is then the first role's start. Empty: everyone starts at `start`."""

    day: int
    start: int
    carers: tuple[str, ...]
    starts: tuple[int, ...] = ()

    def start_of(self, carer: str) -> int:
        """When `carer` starts this visit."""
        if self.starts and carer in self.carers:
            return self.starts[self.carers.index(carer)]
        return self.start


@dataclass
class Solution:
    """Assignments per visit id, break start per (carer, day), and unassigned visits with
    reasons."""

    assignments: dict[str, Placement] = field(default_factory=dict)
    breaks: dict[RouteKey, int] = field(default_factory=dict)
    unassigned: dict[str, str] = field(default_factory=dict)

    def routes(self) -> dict[RouteKey, list[str]]:
        """The visit ids on each carer-day, in start order (visit id on ties)."""
        routes: dict[RouteKey, list[str]] = {}
        for visit_id, p in sorted(
            self.assignments.items(), key=lambda item: (item[1].start, item[0])
        ):
            for carer in p.carers:
                routes.setdefault((carer, p.day), []).append(visit_id)
        if any(p.starts for p in self.assignments.values()):  # a staggered partner's own start
            for (carer, _), ids in routes.items():
                ids.sort(key=lambda v: (self.assignments[v].start_of(carer), v))
        return routes

    @staticmethod
    def merged(parts: list[Solution]) -> Solution:
        """The solution of independent parts (teams, days) together."""
        whole = Solution()
        for part in parts:
            whole.assignments.update(part.assignments)
            whole.breaks.update(part.breaks)
            whole.unassigned.update(part.unassigned)
        return whole
