"""The solver's own objective of a whole plan, lexicographic as DESIGN.md orders it.

The evaluator's metrics are the judge of a finished schedule; this is the cheap figure the
search compares plans with at every step: unserved visits (mandatory, then deferrable),
distinct carers summed over clients, the worst client's excess over its lower bound,
visits not done by a preferred carer, then travel minutes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from models.instance import Instance
from models.travel import TravelTimes
from solver.plan import Plan


@dataclass(frozen=True, order=True)
class Score:
    """Plan quality; smaller is better, compared field by field in this order."""

    unassigned_mandatory: int
    unassigned_deferrable: int
    distinct_carers: int
    worst_excess: int
    not_preferred: int
    travel: int

    def parts(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.__dict__.items()}

    def travel_first(self) -> tuple[int, int, int]:
        """The order of a travel-only objective: unserved visits, then travel (the yardstick
        against which the price of continuity is measured)."""
        return (self.unassigned_mandatory, self.unassigned_deferrable, self.travel)

    @staticmethod
    def combine(scores: list["Score"]) -> "Score":
        """The score of independent parts (teams) together: sums, and the worst excess."""
        return Score(
            unassigned_mandatory=sum(s.unassigned_mandatory for s in scores),
            unassigned_deferrable=sum(s.unassigned_deferrable for s in scores),
            distinct_carers=sum(s.distinct_carers for s in scores),
            worst_excess=max((s.worst_excess for s in scores), default=0),
            not_preferred=sum(s.not_preferred for s in scores),
            travel=sum(s.travel for s in scores),
        )


def client_carers(instance: Instance, plan: Plan) -> dict[str, set[str]]:
    """The carers each client meets in the plan."""
    met: dict[str, set[str]] = {c.id: set() for c in instance.clients}
    for visit_id, p in plan.assignments.items():
        met[instance.visit_by_id[visit_id].client].update(p.carers)
    return met


def plan_travel(instance: Instance, travel: TravelTimes, plan: Plan) -> int:
    """Travel minutes of every carer-day route: office, visits by start time, office."""
    by_route: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for visit_id, p in plan.assignments.items():
        home = travel.client_index[instance.visit_by_id[visit_id].client]
        for carer in p.carers:
            by_route[(carer, p.day)].append((p.start, home))
    total = 0
    for (carer_id, _), stops in by_route.items():
        carer = instance.staff_by_id[carer_id]
        office = travel.office_index[carer.team]
        places = [office] + [home for _, home in sorted(stops)] + [office]
        total += sum(travel.between(carer.travel_mode, a, b) for a, b in zip(places, places[1:]))
    return total


def score(instance: Instance, travel: TravelTimes, plan: Plan, bounds: dict[str, int]) -> Score:
    """The lexicographic objective of `plan` given per-client lower bounds."""
    met = client_carers(instance, plan)
    unserved = [v for v in instance.visits if v.id not in plan.assignments]
    not_preferred = 0
    for visit_id, p in plan.assignments.items():
        preferred = instance.client_by_id[instance.visit_by_id[visit_id].client].preferred_carers
        if preferred and not set(p.carers) & set(preferred):
            not_preferred += 1
    return Score(
        unassigned_mandatory=sum(v.priority == "mandatory" for v in unserved),
        unassigned_deferrable=sum(v.priority == "deferrable" for v in unserved),
        distinct_carers=sum(len(c) for c in met.values()),
        worst_excess=max((len(met[c]) - bounds.get(c, 0) for c in met), default=0),
        not_preferred=not_preferred,
        travel=plan_travel(instance, travel, plan),
    )
