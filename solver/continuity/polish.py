"""Fewer carers per client: release carers who serve a client only now and then.

Insertion falls back to a new carer whenever the familiar ones have no room at that moment;
later insertions then fill other routes, and the fallback often turns out unnecessary. The
neighbourhood search leaves the same kind of debris when it serves a visit wherever there
is room. For each client, the carer with the fewest of its visits is released when every
one of those visits can move to carers the client already meets (any allowed day for a
flexible visit, the same start for a double-staffed one). When a familiar carer's route has
no room, one visit of another client near that time may make room for it, provided that
visit moves in turn to a carer its own client already meets (or, `DEPTH` allowing, makes
room there the same way): a swap between clients' carers that no single insertion finds.
Where no carer can be released alone, two rare ones may be merged: their visits go to the
client's other carers and to one carer it does not meet yet (the carers who work those
days are often not the ones the client met first). All moves of one release or merge
succeed together or are undone, so each accepted one lowers the client's distinct carers by
at least one and adds no (client, carer) pair for any other client; only travel may get worse.

Measured on district-14d teams after the CP-SAT search had run 24-600 s: 2-7 pairs fewer
per team in under 0.1 s, pairs the search had not found (`benchmarks/RESULTS.md`, "Tidying").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from hemplan.models.contract.instance import Visit
from hemplan.solver.continuity.carer_days import CarerDays
from hemplan.solver.continuity.routes import Insertion, RouteStop

NEAR_MINUTES = (
    90  # a visit that makes room starts within this many minutes of the moving visit's window
)
DEPTH = 2  # a visit that makes room may in turn move one more out of its way
MERGE_AMONG = 3  # a merge hands over the visits of two of the client's this-many rarest carers
# to one of this many carers able to do most of those visits (on saved plans, the first always did)
MERGE_NEWCOMERS = 2

Days = Callable[[str, Visit], list[int]]


def release_rare_carers(routes: CarerDays, rank: dict[str, float]) -> int:
    """Release every carer that can be released, client by client; returns how many were.
    A client at its lower bound (`hemplan.solver.bounds`) cannot lose a carer, so it is not
    tried."""
    instance, bounds = routes.problem.instance, routes.problem.bounds
    released = 0
    order = sorted(instance.clients, key=lambda c: (-len(routes.serving[c.id]), rank[c.id], c.id))
    for client in order:
        visits = instance.visits_by_client.get(client.id, [])
        progress = True
        while progress and len(routes.serving[client.id]) > max(1, bounds.get(client.id, 1)):
            progress = False
            counts = routes.serving[client.id]
            for carer in sorted(counts, key=lambda c: (counts[c], rank[c], c)):
                if _release(routes, visits, carer):
                    released += 1
                    progress = True
                    break
            else:  # no carer could be released on its own
                if _merge(routes, visits, rank):
                    released += 1
                    progress = True
    return released


def _merge(routes: CarerDays, visits: list[Visit], rank: dict[str, float]) -> bool:
    """Hand the visits of two of the client's rarest carers to one carer it does not meet
    yet (and to its other carers): one carer fewer where no single release works."""
    counts = routes.serving[visits[0].client]
    rare = sorted(counts, key=lambda c: (counts[c], rank[c], c))[:MERGE_AMONG]
    pairs = sorted(
        ((a, b) for i, a in enumerate(rare) for b in rare[i + 1 :]),
        key=lambda p: counts[p[0]] + counts[p[1]],
    )
    for a, b in pairs:
        moving = [v for v in visits if {a, b} & set(routes.carers_of.get(v.id, ()))]
        able = Counter(c for v in moving for c in routes.problem.eligible[v.id] if c not in counts)
        for newcomer in sorted(able, key=lambda c: (-able[c], rank[c], c))[:MERGE_NEWCOMERS]:
            routes.begin()
            if _release(routes, visits, a, frozenset({b}), newcomer) and _release(
                routes, visits, b, frozenset({a}), newcomer
            ):
                routes.commit()
                return True
            routes.rollback()
    return False


def _release(
    routes: CarerDays,
    visits: list[Visit],
    carer: str,
    barred: frozenset[str] = frozenset(),
    newcomer: str | None = None,
) -> bool:
    """Move all of the client's visits off `carer` onto its other carers (never `barred`
    ones; `newcomer` too, though the client does not meet it yet), or change nothing."""
    mine = [v for v in visits if carer in routes.carers_of.get(v.id, ())]
    if any(carer in v.locked_carers for v in mine):
        return False
    routes.begin()
    for visit in sorted(mine, key=lambda v: (-v.staff_needed, v.id)):
        day = routes.day_of[visit.id]
        pinned = routes.stop_of(carer, day, visit.id)
        partners = [c for c in routes.carers_of[visit.id] if c != carer]
        if not routes.remove(carer, day, visit.id):
            routes.rollback()
            return False
        stop = pinned if partners or visit.locked_start is not None else routes.stop(visit)
        on_days = _that_day(day) if partners else routes.problem.fitting_days
        unwanted = {carer, *barred, *partners, *_out_of_role(routes, visit, partners, stop)}
        found = _familiar_insertion(routes, on_days, visit, stop, unwanted, newcomer)
        if found is not None:
            routes.insert(found[0], found[1], stop, found[2])
        elif not _make_room(routes, on_days, visit, stop, unwanted, visit.client, DEPTH, newcomer):
            routes.rollback()
            return False
    routes.commit()
    return True


def _out_of_role(routes: CarerDays, visit: Visit, partners: list[str], stop: RouteStop) -> set[str]:
    """Carers who may not take the leaving carer's place beside `partners` (roles, a start
    gap): the newcomer starts at the pinned stop's start, each partner at its own."""
    if not partners or (visit.roles is None and not visit.staggered):
        return set()
    problem, day = routes.problem, routes.day_of.get(visit.id)
    partner_starts = (
        [
            next(
                t
                for s, t in zip(routes.stops[(p, day)], routes.timings[(p, day)].starts)
                if s.visit == visit.id
            )
            for p in partners
        ]
        if day is not None
        else []
    )
    start = stop.fixed if stop.fixed is not None else 0
    return {
        c
        for c in problem.eligible[visit.id]
        if not problem.roles_allow(visit, [c, *partners], [start, *partner_starts])
    }


def _that_day(day: int) -> Days:
    """Days for a double-staffed visit whose partner stays: only the day it is on."""
    return lambda target, visit: [day]


def _familiar_insertion(
    routes: CarerDays,
    days: Days,
    visit: Visit,
    stop: RouteStop,
    unwanted: set[str],
    newcomer: str | None = None,
) -> tuple[str, int, Insertion] | None:
    """The (carer, day, insertion) among carers the client already meets (and a merge's
    `newcomer`) that takes the visit: the carer with most of the client's visits first, then
    the least extra travel."""
    counts = routes.serving[visit.client]
    best: tuple[tuple, str, int, Insertion] | None = None
    for target in routes.problem.eligible[visit.id]:
        if target in unwanted or (target not in counts and target != newcomer):
            continue
        for d in days(target, visit):
            found = routes.best_insertion(target, d, stop)
            if found is not None:
                key = (-counts.get(target, 0), found.extra_cost, d, target)
                if best is None or key < best[0]:
                    best = (key, target, d, found)
    return None if best is None else best[1:]


def _make_room(
    routes: CarerDays,
    on_days: Days,
    visit: Visit,
    stop: RouteStop,
    unwanted: set[str],
    releasing: str,
    depth: int,
    newcomer: str | None = None,
) -> bool:
    """Put `visit` on a familiar carer's (or a merge's `newcomer`'s) route by moving one visit
    of another client near that time to a carer that client already meets (making room in
    turn while `depth` allows); True when done, else no change. The visits of the client
    whose carer is being released never move, so the release cannot hand one back to that
    carer."""
    counts = routes.serving[visit.client]
    low, high = (
        visit.window.earliest - NEAR_MINUTES,
        visit.window.latest + visit.duration + NEAR_MINUTES,
    )
    targets = sorted(counts, key=lambda c: (-counts[c], c))
    if newcomer is not None and newcomer not in counts:
        targets.append(newcomer)
    for target in targets:
        if target in unwanted or target not in routes.problem.eligible[visit.id]:
            continue
        for day in on_days(target, visit):
            key = (target, day)
            for other_id in routes.movable_between(target, day, low, high):
                other = routes.problem.visit(other_id)
                if other.client in (visit.client, releasing):
                    continue
                if _swap_in(routes, visit, stop, key, other, releasing, depth):
                    return True
    return False


def _swap_in(
    routes: CarerDays,
    visit: Visit,
    stop: RouteStop,
    key: tuple[str, int],
    other: Visit,
    releasing: str,
    depth: int,
) -> bool:
    """Take `other` off route `key`, put `visit` there and `other` with a carer its client
    already meets; True when all three steps work, else no change."""
    routes.begin()
    if routes.remove(*key, other.id):
        room: Insertion | None = routes.best_insertion(*key, stop)
        if room is not None:
            routes.insert(*key, stop, room)
            moved = routes.stop(other)
            days = routes.problem.fitting_days
            found = _familiar_insertion(routes, days, other, moved, {key[0]})
            if found is not None:
                routes.insert(found[0], found[1], moved, found[2])
                routes.commit()
                return True
            if depth > 1 and _make_room(routes, days, other, moved, {key[0]}, releasing, depth - 1):
                routes.commit()
                return True
    routes.rollback()
    return False
