"""The pre-reform organisation: one district pool working from one base.

Before the reform in Skönsmon, the district's carers were one large group planned centrally:
every carer could be sent to any client, and every shift started and ended at one base. The
generated district is the same people and the same care; only the organisation differs:

- one team (`P`, the pool) holds every carer and every client;
- its office is the base: of the district's team offices, the one nearest their centre (a
  home-care group keeps its base in one of its neighbourhoods, not in an empty middle);
- absence cover (absences.py), applied after this, then draws substitutes from one shared
  pool for the whole district, as a central staffing office books them, instead of per team.

Nothing here is a number to set: the shifts, rosters, part-time rules and care are those of
the teams organisation with the same seed (rosters.py, services.py, team.py).
"""

from __future__ import annotations

import math

from hemplan.models.contract.instance import Instance, Location, Team

POOL_ID = "P"


def as_pool(instance: Instance) -> Instance:
    """`instance` with every carer and client in one team working from the central office."""
    offices = [t.office for t in instance.teams]
    lat = sum(o.lat for o in offices) / len(offices)
    lon = sum(o.lon for o in offices) / len(offices)
    centre = Location(lat=lat, lon=lon)
    base = min(instance.teams, key=lambda t: (_squared(t.office, centre), t.id))
    names = " + ".join(t.name or t.id for t in instance.teams)
    pool = Team(id=POOL_ID, name=f"Pool ({names}), base {base.name or base.id}", office=base.office)
    return Instance(
        name=instance.name,
        horizon=instance.horizon,
        skills=instance.skills,
        teams=[pool],
        staff=[s.model_copy(update={"team": POOL_ID}) for s in instance.staff],
        clients=[c.model_copy(update={"team": POOL_ID}) for c in instance.clients],
        visits=instance.visits,
        patterns=instance.patterns,
        travel=instance.travel,
    )


def _squared(a: Location, b: Location) -> float:
    """Squared distance in degrees of latitude: enough to rank places within a town."""
    scale = math.cos(math.radians((a.lat + b.lat) / 2))
    return (a.lat - b.lat) ** 2 + ((a.lon - b.lon) * scale) ** 2
