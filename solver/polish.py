"""Fewer carers per client after insertion: release carers who serve a client only now and then.

Insertion falls back to a new carer whenever the familiar ones have no room at that moment;
later insertions then fill other routes, and the fallback often turns out unnecessary. For
each client, the carer with the fewest of its visits is released when every one of those
visits can move to carers the client already meets (any allowed day for a flexible visit,
the same start for a double-staffed one). All moves of one release succeed together or are
undone, so each accepted release lowers the client's distinct carers by one and nothing else
gets worse except travel.
"""

from __future__ import annotations

from typing import Callable

from models.instance import Instance, Visit
from solver.carer_days import CarerDays
from solver.routes import Insertion


def release_rare_carers(
    instance: Instance,
    routes: CarerDays,
    eligible: dict[str, list[str]],
    days: Callable[[str, Visit], list[int]],
    rank: dict[str, float],
) -> int:
    """Release every carer that can be released, client by client; returns how many were."""
    released = 0
    order = sorted(instance.clients, key=lambda c: (-len(routes.serving[c.id]), rank[c.id], c.id))
    for client in order:
        visits = instance.visits_by_client.get(client.id, [])
        progress = True
        while progress and len(routes.serving[client.id]) > 1:
            progress = False
            counts = routes.serving[client.id]
            for carer in sorted(counts, key=lambda c: (counts[c], rank[c], c)):
                if _release(routes, eligible, days, visits, carer):
                    released += 1
                    progress = True
                    break
    return released


def _release(
    routes: CarerDays,
    eligible: dict[str, list[str]],
    days: Callable[[str, Visit], list[int]],
    visits: list[Visit],
    carer: str,
) -> bool:
    """Move all of the client's visits off `carer` onto its other carers, or change nothing."""
    mine = [v for v in visits if carer in routes.carers_of.get(v.id, ())]
    if any(carer in v.locked_carers for v in mine):
        return False
    client = mine[0].client if mine else None
    routes.begin()
    for visit in sorted(mine, key=lambda v: (-v.staff_needed, v.id)):
        day = routes.day_of[visit.id]
        pinned = routes.stop_of(carer, day, visit.id)
        partners = [c for c in routes.carers_of[visit.id] if c != carer]
        if not routes.remove(carer, day, visit.id):
            routes.rollback()
            return False
        counts = routes.serving[client] if client else {}
        best: tuple[tuple, str, int, Insertion] | None = None
        stop = pinned if partners or visit.locked_start is not None else routes.stop(visit)
        for target in eligible[visit.id]:
            if target == carer or target in partners or target not in counts:
                continue
            for d in ([day] if partners else days(target, visit)):
                found = routes.best_insertion(target, d, stop)
                if found is not None:
                    key = (-counts[target], found.extra_travel, d, target)
                    if best is None or key < best[0]:
                        best = (key, target, d, found)
        if best is None:
            routes.rollback()
            return False
        _, target, d, found = best
        routes.insert(target, d, stop, found)
    routes.commit()
    return True
