"""The orders construction works in: hardest clients and hardest visits first.

Greedy methods fail on what they meet last, so what has the fewest ways to be served goes
first while there is still room. Ties are broken by a seeded rank, never by set or dict
iteration order, so a seed always yields the same plan.
"""

from __future__ import annotations

from hemplan.models.contract.instance import Instance, Visit


def client_order(
    instance: Instance,
    visits_of: dict[str, list[Visit]],
    eligible: dict[str, list[str]],
    rank: dict[str, float],
) -> list[str]:
    """Clients with the least choice of carers first, then the most carer-minutes of work."""

    def key(client_id: str) -> tuple:
        visits = visits_of.get(client_id, [])
        slack = min((len(eligible[v.id]) - v.staff_needed for v in visits), default=1 << 20)
        locked = any(v.locked for v in visits)
        work = sum(v.duration * v.staff_needed for v in visits)
        return (not locked, slack, -work, rank[client_id], client_id)

    return sorted((c.id for c in instance.clients), key=key)


def visit_order(
    visits: list[Visit], eligible: dict[str, list[str]], rank: dict[str, float]
) -> list[Visit]:
    """Locked first; mandatory before deferrable; then the least slack (eligible carers beyond
    those needed: a visit only one carer can do goes in before a pair that could take that
    carer), double-staffed, one-day before flexible, tight windows, long."""

    def key(v: Visit) -> tuple:
        return (
            not v.locked,
            v.priority != "mandatory",
            len(eligible[v.id]) - v.staff_needed,
            -v.staff_needed,
            len(v.days) > 1,
            sum(latest - earliest for earliest, latest in v.start_windows),
            -v.duration,
            v.day,
            v.window.earliest,
            rank[v.id],
            v.id,
        )

    return sorted(visits, key=key)
