"""Size and load figures of an instance, for the CLI summary and instances/README.md."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

import numpy as np

from hemplan.models.contract.instance import Client, Instance, Staff
from hemplan.models.generator.capacity import hop_estimate
from hemplan.models.generator.geography import distance_km, travel_minutes
from hemplan.models.io.patterns import expand_patterns


@dataclass(frozen=True)
class Summary:
    teams: int
    staff: int
    clients: int
    days: int
    visits: int  # after pattern expansion
    visits_per_day: float
    double_share: float  # visits needing two carers
    skill_share: float  # visits needing a skill
    client_time_share: float  # visit carer-minutes / paid minutes
    utilisation: float  # (visit carer-minutes + estimated travel) / paid minutes

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        return (
            f"{_n(self.teams, 'team')}, {self.staff} staff, {_n(self.clients, 'client')}, "
            f"{_n(self.days, 'day')}: {self.visits} visits ({self.visits_per_day:.1f}/day), "
            f"{self.double_share:.1%} double-staffed, "
            f"{self.skill_share:.1%} need a skill, client time {self.client_time_share:.0%} "
            f"and with travel {self.utilisation:.0%} of paid time"
        )


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summarize(instance: Instance) -> Summary:
    inst = expand_patterns(instance)
    visits = inst.visits
    paid = sum(sh.paid_minutes for s in inst.staff for sh in s.shifts)
    client_time = sum(v.staff_needed * v.duration for v in visits)
    travel = _travel_estimate(inst)
    n = len(visits)
    return Summary(
        teams=len(inst.teams),
        staff=len(inst.staff),
        clients=len(inst.clients),
        days=inst.horizon.days,
        visits=n,
        visits_per_day=n / inst.horizon.days,
        double_share=sum(v.staff_needed == 2 for v in visits) / n if n else 0.0,
        skill_share=sum(bool(v.skills) for v in visits) / n if n else 0.0,
        client_time_share=client_time / paid if paid else 0.0,
        utilisation=(client_time + travel) / paid if paid else 0.0,
    )


def _travel_estimate(inst: Instance) -> float:
    """Travel as the generator estimates it: a hop per carer-visit (`hop_estimate`) and the
    trips from and back to the office per shift (see capacity.py)."""
    clients: dict[str, list[Client]] = defaultdict(list)
    staff: dict[str, list[Staff]] = defaultdict(list)
    seats: dict[str, int] = defaultdict(int)  # carer-visits per team
    team_of = {c.id: c.team for c in inst.clients}
    for c in inst.clients:
        clients[c.team].append(c)
    for s in inst.staff:
        staff[s.team].append(s)
    for v in inst.visits:
        seats[team_of[v.client]] += v.staff_needed
    total = 0.0
    for team in inst.teams:
        if not clients[team.id] or not staff[team.id]:
            continue
        homes = [c.location for c in clients[team.id]]
        km = distance_km(homes, homes)
        office_km = distance_km([team.office], homes)[0]
        hop = []
        for s in staff[team.id]:
            hop.append(hop_estimate(travel_minutes(km, s.travel_mode, inst.travel)))
            total += (
                2
                * float(travel_minutes(office_km, s.travel_mode, inst.travel).mean())
                * len(s.shifts)
            )
        total += seats[team.id] * float(np.mean(hop))
    return total
