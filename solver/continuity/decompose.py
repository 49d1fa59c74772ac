"""Split an instance into independent team instances.

Without borrowing a client is served only by its own team, so each team is a problem of
its own: the solver plans teams separately (and in parallel) and merges the plans.
"""

from __future__ import annotations

from hemplan.models.contract.instance import Instance


def team_instances(instance: Instance) -> list[Instance]:
    """One instance per team holding its office, staff, clients and their visits."""
    parts = []
    for team in instance.teams:
        clients = [c for c in instance.clients if c.team == team.id]
        client_ids = {c.id for c in clients}
        staff = [s for s in instance.staff if s.team == team.id]
        staff_ids = {s.id for s in staff}
        data = instance.model_dump(
            by_alias=True, exclude={"teams", "staff", "clients", "visits", "patterns"}
        )
        data["name"] = f"{instance.name}/{team.id}" if instance.name else team.id
        data["teams"] = [team.model_dump(by_alias=True)]
        data["staff"] = [s.model_dump(by_alias=True) for s in staff]
        data["clients"] = [
            c.model_dump(by_alias=True)
            | {
                "preferred_carers": [s for s in c.preferred_carers if s in staff_ids],
                "excluded_carers": [s for s in c.excluded_carers if s in staff_ids],
                "contact_carer": c.contact_carer if c.contact_carer in staff_ids else None,
            }
            for c in clients
        ]
        data["visits"] = [
            v.model_dump(by_alias=True) for v in instance.visits if v.client in client_ids
        ]
        if instance.history is not None:
            data["history"]["visits"] = [
                v.model_dump(by_alias=True)
                for v in instance.history.visits
                if v.client in client_ids
            ]
        parts.append(Instance.model_validate(data))
    return parts
