"""One carer's day as an ordered list of stops: exact timing of an order, and cheapest insertion.

Times are never stored on a route, only the order: a forward pass starts every visit as
early as its window, the previous visit, the travel and the break allow. For a fixed order
this is exact, because every constraint bounds a start from below except a window's end, a
fixed start and the shift's end, and an earlier start never hurts those later on. A visit
with several start windows starts at the first moment a window allows (`first_start`), which
never comes earlier for a later arrival, so the same holds.

The break is a pseudo-stop without travel, taken where the carer is (the office before the
first visit, a client's home after a visit). Rather than fixing its place in the order, the
pass carries two states — break taken or not yet — and lets the break fall into whichever
gap works, as early as its window allows. So every route of a carer whose shift has a break
carries the break whenever it has a visit, and insertion never has to move the break.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from hemplan.models.contract.instance import Visit
from hemplan.models.contract.start_windows import (
    StartWindows,
    lateness_of,
    latest_start_by,
    snap_start,
)

INF = 1 << 30


@dataclass(frozen=True)
class BreakRule:
    """A break of `minutes` starting in [earliest, latest]."""

    minutes: int
    earliest: int
    latest: int


@dataclass(frozen=True)
class DayContext:
    """What a route needs to know about its carer-day: shift, office, break, travel matrix."""

    carer: str
    day: int
    shift_start: int
    shift_end: int
    office: int
    brk: BreakRule | None
    travel: Sequence[Sequence[int]]  # minutes between place indices at the carer's own mode


@dataclass(frozen=True)
class RouteStop:
    """A visit as a route sees it: where, its start window, how long; `fixed` pins the start.

    `earliest` and `latest` span the start windows; `gaps` holds the windows themselves when
    there are several (empty for one window, the common case, which stays plain arithmetic).
    With soft windows they are the windows reaching `lateness.max` further and `due` holds the
    promised ones, which price each late minute (empty: hard windows, never late)."""

    visit: str
    place: int
    earliest: int
    latest: int
    duration: int
    fixed: int | None = None
    gaps: StartWindows = ()
    due: StartWindows = ()

    def lateness(self, start: int) -> int:
        """Minutes a start at `start` falls after its promised window (0 with hard windows)."""
        return lateness_of(self.due, start) if self.due else 0

    @classmethod
    def of(cls, visit: Visit, place: int, fixed: int | None = None) -> RouteStop:
        """The stop of `visit` at `place`; a locked start is always fixed, else `fixed`."""
        pin = visit.locked_start if visit.locked_start is not None else fixed
        windows = visit.allowed_starts  # soft windows reach `lateness.max` further
        gaps = windows if len(windows) > 1 else ()
        due = visit.start_windows if visit.lateness is not None else ()
        return cls(visit.id, place, windows[0][0], windows[-1][1], visit.duration, pin, gaps, due)

    def pinned(self, start: int | None) -> RouteStop:
        """This stop with its start fixed (double staffing, locks), or freed with None."""
        return replace(self, fixed=start)

    def first_start(self, t: int) -> int:
        """The first start at or after `t` inside a window (`t` itself past the last one)."""
        return snap_start(self.gaps, t) if self.gaps else max(t, self.earliest)

    def last_start(self, t: int) -> int:
        """The last start at or before `t` inside a window (below `earliest` when none is)."""
        if not self.gaps:
            return min(t, self.latest)
        found = latest_start_by(self.gaps, t)
        return self.earliest - 1 if found is None else found


@dataclass(frozen=True)
class Timing:
    """Result of a feasible forward pass.

    `starts` are the chosen starts in route order, `break_start` the break (None when the
    shift has none or the route is empty), `travel` all travel minutes incl. office legs.
    `lower[j]` is a lower bound on stop j's start under any timing of this prefix, used to
    prune insertion positions.
    """

    starts: tuple[int, ...]
    break_start: int | None
    travel: int
    lower: tuple[int, ...]


EMPTY = Timing((), None, 0, ())


def _fit(t: int, stop: RouteStop) -> int:
    """Start at t or later if the stop allows it: its window end, or exactly its fixed start."""
    if t >= INF:
        return INF
    if stop.fixed is not None:
        return stop.fixed if t <= stop.fixed else INF
    if stop.gaps:
        t = snap_start(stop.gaps, t)
    return t if t <= stop.latest else INF


def time_route(ctx: DayContext, stops: Sequence[RouteStop]) -> Timing | None:
    """Earliest timing of `stops` in this order with the break placed, or None if infeasible.

    State A has not had the break yet, state B has; B at stop j comes either from B at j-1
    or from A taking the break in the gap just before j. Both keep the earliest time the
    carer is free, which is all that matters for what follows.
    """
    n = len(stops)
    if n == 0:
        return EMPTY
    tt, brk = ctx.travel, ctx.brk
    a_starts = [INF] * n
    b_starts = [INF] * n
    b_switch = [False] * n
    b_break = [0] * n
    place = ctx.office
    a_free, b_free = ctx.shift_start, INF
    travel = 0
    for j, stop in enumerate(stops):
        leg = tt[place][stop.place]
        travel += leg
        nb = max(stop.earliest, b_free + leg) if b_free < INF else INF
        if brk is not None and a_free < INF:
            bs = max(brk.earliest, a_free)
            if bs <= brk.latest:
                t = max(stop.earliest, bs + brk.minutes, a_free + brk.minutes + leg)
                if t < nb:
                    nb, b_switch[j], b_break[j] = t, True, bs
        na = _fit(max(stop.earliest, a_free + leg), stop) if a_free < INF else INF
        nb = _fit(nb, stop)
        if na >= INF and nb >= INF:
            return None
        a_starts[j], b_starts[j] = na, nb
        a_free = na + stop.duration if na < INF else INF
        b_free = nb + stop.duration if nb < INF else INF
        place = stop.place
    back = tt[place][ctx.office]
    travel += back
    lower = tuple(min(a, b) for a, b in zip(a_starts, b_starts))
    if brk is None:
        if a_free + back > ctx.shift_end:
            return None
        return Timing(tuple(a_starts), None, travel, lower)
    if b_free + back <= ctx.shift_end:
        starts = list(b_starts)
        for j in range(n - 1, -1, -1):
            if b_switch[j]:
                starts[:j] = a_starts[:j]
                return Timing(tuple(starts), b_break[j], travel, lower)
        raise AssertionError("state B without a break")  # pragma: no cover
    if a_free < INF:
        bs = max(brk.earliest, a_free)
        if bs <= brk.latest and max(a_free + back, bs) + brk.minutes <= ctx.shift_end:
            return Timing(tuple(a_starts), bs, travel, lower)
    return None


def latest_starts(ctx: DayContext, stops: Sequence[RouteStop]) -> list[int]:
    """Latest start of each stop that leaves the rest of the route doable, ignoring the break.

    Ignoring the break only loosens the bound, so it stays a valid necessary condition.
    """
    tt = ctx.travel
    latest = [0] * len(stops)
    limit = ctx.shift_end - tt[stops[-1].place][ctx.office] if stops else ctx.shift_end
    for j in range(len(stops) - 1, -1, -1):
        stop = stops[j]
        latest[j] = (
            min(stop.fixed, limit - stop.duration)
            if stop.fixed is not None
            else stop.last_start(limit - stop.duration)
        )
        if j:
            limit = latest[j] - tt[stops[j - 1].place][stop.place]
    return latest


@dataclass(frozen=True)
class Insertion:
    """Where a stop goes into a route, what it adds in travel, and the route's new timing."""

    position: int
    extra_travel: int
    start: int
    timing: Timing
    extra_late: int = 0  # late minutes it adds to the route (soft windows only)

    @property
    def extra_cost(self) -> int:
        """Added travel and late minutes, one for one: what an inserter weighs."""
        return self.extra_travel + self.extra_late


def insertion_candidates(
    ctx: DayContext,
    stops: Sequence[RouteStop],
    timing: Timing,
    stop: RouteStop,
    latest: Sequence[int] | None = None,
) -> list[tuple[int, int]]:
    """(extra travel, position) of every position that passes cheap necessary checks, cheapest
    first. `latest`: the route's `latest_starts`, when the caller keeps them."""
    tt = ctx.travel
    n = len(stops)
    if latest is None:
        latest = latest_starts(ctx, stops)
    cap = stop.fixed if stop.fixed is not None else stop.latest
    found = []
    for p in range(n + 1):
        prev_place = stops[p - 1].place if p else ctx.office
        next_place = stops[p].place if p < n else ctx.office
        free = timing.lower[p - 1] + stops[p - 1].duration if p else ctx.shift_start
        arrive = stop.first_start(free + tt[prev_place][stop.place])
        if stop.fixed is not None:
            arrive = max(arrive, stop.fixed)
        if arrive > cap:
            continue
        leave = arrive + stop.duration + tt[stop.place][next_place]
        if (p < n and leave > latest[p]) or (p == n and leave > ctx.shift_end):
            continue
        extra = tt[prev_place][stop.place] + tt[stop.place][next_place] - tt[prev_place][next_place]
        found.append((extra, p))
    found.sort()
    return found


def feasible_insertions(
    ctx: DayContext,
    stops: Sequence[RouteStop],
    timing: Timing,
    stop: RouteStop,
    latest: Sequence[int] | None = None,
) -> Iterator[Insertion]:
    """Every feasible insertion of `stop`, least added travel first (earliest position on
    ties), each timed only when asked for: the first is the best."""
    for extra, p in insertion_candidates(ctx, stops, timing, stop, latest):
        trial = time_route(ctx, [*stops[:p], stop, *stops[p:]])
        if trial is not None:
            yield Insertion(p, extra, trial.starts[p], trial)


def best_insertion(
    ctx: DayContext,
    stops: Sequence[RouteStop],
    timing: Timing,
    stop: RouteStop,
    latest: Sequence[int] | None = None,
    late: int | None = None,
) -> Insertion | None:
    """The feasible position of `stop` adding the least travel (earliest position on ties), or
    None. With soft windows on the route, the least travel and added late minutes together
    (one for one, as the default weights trade them), every feasible position weighed.
    `latest`: the route's `latest_starts`, and `late` its late minutes, when the caller keeps
    them."""
    if not stop.due and not any(s.due for s in stops):
        return next(feasible_insertions(ctx, stops, timing, stop, latest), None)
    before = route_lateness(stops, timing.starts) if late is None else late
    best: Insertion | None = None
    for ins in feasible_insertions(ctx, stops, timing, stop, latest):
        p, starts = ins.position, ins.timing.starts  # a break may move the stops before p too
        after = route_lateness(stops[:p], starts[:p]) + stop.lateness(starts[p])
        after += route_lateness(stops[p:], starts[p + 1 :])
        priced = Insertion(p, ins.extra_travel, ins.start, ins.timing, after - before)
        if best is None or (priced.extra_cost, p) < (best.extra_cost, best.position):
            best = priced
    return best


def route_lateness(stops: Sequence[RouteStop], starts: Sequence[int]) -> int:
    """Late minutes of a timed route's stops (soft windows only)."""
    return sum(stop.lateness(start) for stop, start in zip(stops, starts))


def left_ends(insertions: Iterable[Insertion]) -> list[int]:
    """Earliest starts of a visit at each of its feasible insertions, sorted. The starts at
    which a position works form at most two intervals (break taken before the visit or
    not), beginning at these values; so the earliest common start of two routes is one of them."""
    return sorted(
        {t for found in insertions for t in (found.start, found.timing.lower[found.position])}
    )
