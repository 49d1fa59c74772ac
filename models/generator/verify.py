"""Checks on a finished instance, through the evaluator's eligibility (the judge's rules).

The generator's own checks (capacity.py) work on its drafts; these work on the written
instance after pattern expansion, so a disagreement between the two cannot slip through.
Eligibility is computed team by team: without borrowing a carer of another team never
qualifies, and per team the check is quick even for a city.
"""

from __future__ import annotations

from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator.eligibility import eligibility
from hemplan.models.evaluator.travel import TravelMinutes
from hemplan.models.io.patterns import expand_patterns


def team_slices(instance: Instance) -> list[Instance]:
    """One instance per team (its office, staff, clients and visits), patterns expanded."""
    expanded = expand_patterns(instance)
    slices = []
    for team in expanded.teams:
        clients = [c for c in expanded.clients if c.team == team.id]
        ids = {c.id for c in clients}
        slices.append(
            Instance.model_construct(
                name=expanded.name,
                horizon=expanded.horizon,
                skills=expanded.skills,
                teams=[team],
                staff=[s for s in expanded.staff if s.team == team.id],
                clients=clients,
                visits=[v for v in expanded.visits if v.client in ids],
                patterns=[],
                travel=expanded.travel,
            )
        )
    return slices


def unservable(instance: Instance) -> dict[str, str]:
    """Visits with fewer possible carers in their team than they need, with the reason."""
    reasons: dict[str, str] = {}
    for part in team_slices(instance):
        reasons.update(eligibility(part, TravelMinutes(part)).reasons)
    return reasons
