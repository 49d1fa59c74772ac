"""Checks on a finished instance, through the evaluator's eligibility (the judge's rules).

The generator's own checks (capacity.py) work on its drafts; these work on the written
instance after pattern expansion, so a disagreement between the two cannot slip through.
Eligibility is computed team by team: without borrowing a carer of another team never
qualifies, and per team the check is quick even for a city.
"""

from __future__ import annotations

from collections import defaultdict

from hemplan.models.contract.instance import Client, Instance, Staff, Visit
from hemplan.models.evaluator.eligibility import eligibility
from hemplan.models.evaluator.travel import TravelMinutes
from hemplan.models.io.patterns import expand_patterns


def team_slices(instance: Instance) -> list[Instance]:
    """One instance per team (its office, staff, clients and visits), patterns expanded; the
    records are sorted to their teams in one pass (not once per team)."""
    expanded = expand_patterns(instance)
    team_of = {c.id: c.team for c in expanded.clients}
    clients: dict[str, list[Client]] = defaultdict(list)
    staff: dict[str, list[Staff]] = defaultdict(list)
    visits: dict[str, list[Visit]] = defaultdict(list)
    for c in expanded.clients:
        clients[c.team].append(c)
    for s in expanded.staff:
        staff[s.team].append(s)
    for v in expanded.visits:
        visits[team_of[v.client]].append(v)
    return [
        Instance.model_construct(
            name=expanded.name,
            horizon=expanded.horizon,
            skills=expanded.skills,
            teams=[team],
            staff=staff[team.id],
            clients=clients[team.id],
            visits=visits[team.id],
            patterns=[],
            travel=expanded.travel,
        )
        for team in expanded.teams
    ]


def unservable(instance: Instance) -> dict[str, str]:
    """Visits with fewer possible carers in their team than they need, with the reason."""
    reasons: dict[str, str] = {}
    for part in team_slices(instance):
        reasons.update(eligibility(part, TravelMinutes(part)).reasons)
    return reasons
