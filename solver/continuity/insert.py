"""Put one visit into the routes, preferring carers the client already has.

Candidates come in tiers, and the first tier with room wins, the cheapest insertion
(extra travel) deciding inside a tier:

0. the carer(s) and day the cover promised for this visit;
1. the client's other chosen carers and carers already serving the client, any allowed day;
2. every other eligible carer of the client's team;
3. with borrowing allowed, eligible carers of other teams.

So a route that is full only costs continuity when no carer the client already meets has
room. A double-staffed visit needs two distinct carers at the same start: candidate starts
are tried one by one and the two best carers at each start are paired. With roles the pair
must share them out (`Problem.roles_allow`); with a start gap the second role's carer is
pinned at each gap of a grid over [min, max] after the first's start (`gap_grid`). A walk
that asks thousands of times (`continuity.recreate`) takes a quick inserter: no grids, only
the carers' earliest starts (for a gap, the second role's carers' own).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from hemplan.models.contract.instance import Visit
from hemplan.models.contract.roles import gap_grid
from hemplan.models.contract.start_windows import starts_inside
from hemplan.solver.continuity.carer_days import CarerDays, Reach
from hemplan.solver.continuity.cover import CarerChoice
from hemplan.solver.continuity.routes import Insertion, RouteStop

START_STEP = 5  # minutes between candidate common starts of a double-staffed visit


@dataclass(frozen=True)
class Option:
    """One way to insert a visit: who, which day, and at what cost."""

    tier: int
    cost: int
    carer: str
    day: int
    insertion: Insertion

    def key(self, load: int, rank: float) -> tuple:
        return (self.tier, self.cost, load, rank, self.day, self.carer)


class Inserter:
    """Places visits one at a time into `routes`, remembering who serves which client."""

    def __init__(
        self,
        routes: CarerDays,
        choice: CarerChoice,
        rank: dict[str, float],
        quick: bool = False,
    ) -> None:
        self.instance = routes.problem.instance
        self.routes = routes
        self.eligible = routes.problem.eligible
        self.choice = choice
        self.rank = rank
        self.days = routes.problem.fitting_days
        # a double-staffed visit's starts: every carer's earliest start at every position and
        # a grid over its windows (and over its gaps); `quick` (a walk that asks thousands of
        # times, `continuity.recreate`): the earliest starts without the grids, the second
        # role at the least gap or at a second carer's own earliest starts
        self.quick = quick

    def tiers(self, visit: Visit) -> list[tuple[int, str, int]]:
        """(tier, carer, day) for every eligible carer and allowed day with a shift, best tier
        first."""
        client = self.instance.client_by_id[visit.client]
        promised = set(self.choice.designated.get(visit.id, ()))
        familiar = set(self.choice.chosen.get(client.id, ())) | set(self.routes.serving[client.id])
        options = []
        for carer in self.eligible[visit.id]:
            if len(visit.locked_carers) == visit.staff_needed and carer not in visit.locked_carers:
                continue  # eligibility already says so; kept here so a lock can never be broken
            team = self.instance.staff_by_id[carer].team
            for day in self.days(carer, visit):
                if (carer, day) in promised:
                    tier = 0
                elif carer in familiar:
                    tier = 1
                else:
                    tier = 2 if team == client.team else 3
                options.append((tier, carer, day))
        options.sort(key=lambda o: (o[0], self.rank[o[1]], o[2], o[1]))
        return options

    def place(self, visit: Visit) -> str | None:
        """Insert the visit; None when done, else why it could not be placed."""
        options = self.tiers(visit)
        placed = (
            self._place_single(visit, options)
            if visit.staff_needed == 1
            else self._place_double(visit, options)
        )
        if placed:
            return None
        days = visit.days
        when = f"day {days[0]}" if len(days) == 1 else f"days {days[0]}-{days[-1]}"
        if visit.staff_needed == 2:
            return f"capacity: no two routes of eligible carers have room at one start on {when}"
        return f"capacity: no route of an eligible carer has room on {when}"

    def repeat(self, visit: Visit, carers: frozenset[str], start: int) -> bool:
        """Insert the visit on its day with `carers` at `start`, as the same visit was done
        before the horizon; False, and nothing changed, when that is not allowed or a route
        has no room then."""
        day = visit.day
        if (
            len(carers) != visit.staff_needed
            or visit.staggered  # the past visit has one start; a gap needs two
            or not self.routes.problem.roles_allow(visit, sorted(carers))
            or len(visit.days) != 1
            or not starts_inside(visit.allowed_starts, start)
            or (visit.locked_start is not None and visit.locked_start != start)
            or not set(visit.locked_carers) <= carers
            or any(
                c not in self.eligible[visit.id] or day not in self.days(c, visit) for c in carers
            )
        ):
            return False
        stop = self.routes.stop(visit, fixed=start)
        found = []
        for carer in sorted(carers):
            insertion = self.routes.best_insertion(carer, day, stop)
            if insertion is None:
                return False
            found.append(Option(0, insertion.extra_cost, carer, day, insertion))
        self._commit(visit, stop, found)
        return True

    def _commit(self, visit: Visit, stop: RouteStop, chosen: list[Option]) -> None:
        for option in chosen:
            self.routes.insert(option.carer, option.day, stop, option.insertion)

    def _commit_roles(self, visit: Visit, chosen: list[tuple[Option, RouteStop]]) -> None:
        for option, stop in chosen:
            self.routes.insert(option.carer, option.day, stop, option.insertion)

    def _key(self, option: Option) -> tuple:
        return option.key(
            self.routes.visit_count(option.carer, option.day), self.rank[option.carer]
        )

    def _place_single(self, visit: Visit, options: list[tuple[int, str, int]]) -> bool:
        stop = self.routes.stop(visit)
        best: Option | None = None
        for tier, carer, day in options:
            if best is not None and tier > best.tier:
                break
            found = self.routes.best_insertion(carer, day, stop)
            if found is not None:
                option = Option(tier, found.extra_cost, carer, day, found)
                if best is None or self._key(option) < self._key(best):
                    best = option
        if best is None:
            return False
        self._commit(visit, stop, [best])
        return True

    def _place_double(self, visit: Visit, options: list[tuple[int, str, int]]) -> bool:
        """Familiar carers (tiers 0-1) first, as a pair; the rest only if no familiar pair fits."""
        familiar = [o for o in options if o[0] <= 1]
        if len({c for _, c, _ in familiar}) >= 2 and self._pair(visit, familiar):
            return True
        return self._pair(visit, options)

    def _pair(self, visit: Visit, options: list[tuple[int, str, int]]) -> bool:
        if visit.roles is not None or visit.staggered:
            return self._pair_roles(visit, options)
        best: tuple[tuple, int, list[Option]] | None = None
        for day, reach, able in self._pair_days(visit, options):
            least = _least(reach, able)
            floor = min(least.values())
            for start in self._starts(visit, reach, able):
                # a carer whose every pair at this start loses to the best pair is not asked
                # (a pinned insertion adds no less travel than its free one, `Reach`)
                hopeful = [
                    (t, c)
                    for t, c in able
                    if reach[c].lefts[0] <= start
                    and not _beaten(_plus(least[c], floor, start), best)
                ]
                stop = self.routes.stop(visit, fixed=start)
                found = self._at(day, hopeful, stop)
                if len(found) < 2:
                    continue
                found.sort(key=self._key)
                pair = _with_locked(found, visit.locked_carers)
                if pair is None:
                    continue
                key = (pair[0].tier + pair[1].tier, pair[0].cost + pair[1].cost, start, day)
                if best is None or key < best[0]:
                    best = (key, start, pair)
        if best is None:
            return False
        _, start, pair = best
        self._commit(visit, self.routes.stop(visit, fixed=start), pair)
        return True

    def _pair_roles(self, visit: Visit, options: list[tuple[int, str, int]]) -> bool:
        """`_pair` for a visit with roles or a start gap: the first role's carer at each
        candidate start, the second's at that start plus each gap, every ordered pair that
        shares out the roles weighed (tiers, then added cost, then start and day).

        Most pairs lose to the best found so far whatever their pinned insertions cost, since
        a pinned insertion adds no less travel than the free one (`Reach`): those
        carers are not asked at that start (on Mankowska the placing of double services was
        three quarters of a walk's time). Starts plus gaps meet the same second starts many
        times over, so each pair's roles are worked out once per day (and the routes
        remember each insertion asked)."""
        best: tuple[tuple, list[tuple[Option, RouteStop]]] | None = None
        for day, reach, able in self._pair_days(visit, options):
            allowed: dict[tuple[str, str, int], bool] = {}
            first_able, second_able = self._role_holders(visit, able)
            if not first_able or not second_able:
                continue
            first_least = _least(reach, first_able)
            if visit.staggered:  # the second role at its own start: its own reach
                span = self._second_span(visit)
                seconds_reach = {c: self.routes.reach(c, day, span) for _, c in second_able}
                second_able = [(t, c) for t, c in second_able if seconds_reach[c].lefts]
                if not second_able:
                    continue
                second_least = _least(seconds_reach, second_able)
            else:
                seconds_reach, second_least = reach, first_least
            gaps = self._gaps(visit, second_able, seconds_reach)
            second_floor = min(second_least.values())
            for start in self._starts(visit, reach, first_able):
                first_stop = self.routes.stop(visit, fixed=start)
                # a carer whose earliest start anywhere is later cannot start there
                early = [
                    (t, c)
                    for t, c in first_able
                    if reach[c].lefts[0] <= start
                    and not _beaten(_plus(first_least[c], second_floor, start), best)
                ]
                firsts = [
                    a
                    for a in sorted(self._at(day, early, first_stop), key=self._key)
                    if not _beaten(_plus((a.tier, a.cost), second_floor, start), best)
                ]
                if not firsts:
                    continue
                first_floor = min((a.tier, a.cost) for a in firsts)
                for gap in gaps(start):
                    if gap == 0:
                        second_stop = first_stop
                    else:
                        second_stop = self.routes.partner_stop(visit, start + gap)
                    hopeful = [
                        (t, c)
                        for t, c in second_able
                        if not _beaten(_plus(first_floor, second_least[c], start), best)
                    ]
                    seconds = sorted(self._at(day, hopeful, second_stop), key=self._key)
                    for a in firsts:
                        # for one first carer the pairs' keys differ only in the second's
                        # option key, so the first allowed second in key order is its best
                        for b in seconds:
                            if a.carer == b.carer:
                                continue
                            pair = (a.carer, b.carer, gap)
                            if pair not in allowed:
                                allowed[pair] = self.routes.problem.roles_allow(
                                    visit, [a.carer, b.carer], [start, start + gap]
                                ) and all(c in (a.carer, b.carer) for c in visit.locked_carers)
                            if not allowed[pair]:
                                continue
                            key = (
                                a.tier + b.tier,
                                a.cost + b.cost,
                                start,
                                gap,
                                day,
                                self._key(a),
                                self._key(b),
                            )
                            if best is None or key < best[0]:
                                best = (key, [(a, first_stop), (b, second_stop)])
                            break
        if best is None:
            return False
        self._commit_roles(visit, best[1])
        return True

    def _second_span(self, visit: Visit) -> RouteStop:
        """The second role's stop with its start free over every start a gap after a first
        start can reach (no lateness of its own: a bound, never a placement)."""
        low, high = visit.start_gap
        free = self.routes.stop(visit)
        return replace(
            free, earliest=free.earliest + low, latest=free.latest + high, gaps=(), due=()
        )

    def _starts(
        self, visit: Visit, reach: dict[str, Reach], able: list[tuple[int, str]]
    ) -> list[int]:
        """The common starts to try (`common_starts`); when quick, the earliest starts of `able`
        only, without the grid (the earliest common start of two routes is one of them)."""
        if not self.quick:
            return common_starts(visit, [r.lefts for r in reach.values()], START_STEP)
        return common_starts(visit, [reach[carer].lefts for _, carer in able], None)

    def _gaps(
        self, visit: Visit, second_able: list[tuple[int, str]], seconds_reach: dict[str, Reach]
    ) -> Callable[[int], list[int]]:
        """The gaps to try after a first start (`gap_grid`); when quick, the least gap and the
        gaps to each second carer's earliest starts within the gap's range."""
        low, high = visit.start_gap
        if not self.quick or high == 0:
            grid = gap_grid(visit.start_gap)
            return lambda start: grid
        own = {t for _, carer in second_able for t in seconds_reach[carer].lefts}
        return lambda start: sorted({low, *(t - start for t in own if low <= t - start <= high)})

    def _role_holders(
        self, visit: Visit, able: list[tuple[int, str]]
    ) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        """Who may take the first role and who the second: with a gap that never reaches 0
        the first role's carer starts first, so each needs that role's skills; otherwise
        either carer may take either role (`roles_allow` still weighs each pair)."""
        if visit.start_gap[0] == 0:
            return able, able
        first, second = visit.slot_skills
        held = {c: set(self.instance.staff_by_id[c].skills) for _, c in able}
        return (
            [(t, c) for t, c in able if first <= held[c]],
            [(t, c) for t, c in able if second <= held[c]],
        )

    def _pair_days(
        self, visit: Visit, options: list[tuple[int, str, int]]
    ) -> Iterator[tuple[int, dict[str, Reach], list[tuple[int, str]]]]:
        """Per allowed day, in order: each candidate's reach in its route (`Reach`), and the
        (tier, carer) of those with room at all; only days where two carers have room."""
        by_day: dict[int, list[tuple[int, str]]] = {}
        for tier, carer, day in options:
            by_day.setdefault(day, []).append((tier, carer))
        for day in sorted(by_day):
            free = self.routes.stop(visit)
            reach = {carer: self.routes.reach(carer, day, free) for _, carer in by_day[day]}
            able = [(tier, carer) for tier, carer in by_day[day] if reach[carer].lefts]
            if len(able) >= 2:
                yield day, reach, able

    def _at(self, day: int, able: list[tuple[int, str]], stop: RouteStop) -> list[Option]:
        """The cheapest insertion of `stop` (start pinned) into each able carer's route."""
        found = []
        for tier, carer in able:
            ins = self.routes.best_insertion(carer, day, stop)
            if ins is not None:
                found.append(Option(tier, ins.extra_cost, carer, day, ins))
        return found


def common_starts(visit: Visit, earliest: Iterable[Iterable[int]], step: int | None) -> list[int]:
    """Starts worth trying for a double-staffed visit: its locked start, else every carer's
    earliest start at each position that fits it (`earliest`; the earliest common start of
    two carers is one of them) within a window, and a grid of `step` minutes over each window
    (its ends only when `step` is None)."""
    if visit.locked_start is not None:
        return [visit.locked_start]
    windows = visit.start_windows
    grid = (lambda lo, hi: (lo, hi)) if step is None else (lambda lo, hi: range(lo, hi + 1, step))
    starts = {t for lo, hi in windows for t in (*grid(lo, hi), hi)}
    for ends in earliest:  # with soft windows, a late start where a carer can first be
        starts.update(t for t in ends if starts_inside(visit.allowed_starts, t))
    return sorted(starts)


def _with_locked(found: list[Option], locked: list[str]) -> list[Option] | None:
    """The best two options (in `found` order) that include every locked carer, or None."""
    must = [o for o in found if o.carer in locked]
    if len(must) < len(locked):
        return None
    return (must + [o for o in found if o.carer not in locked])[:2]


def _least(reach: dict[str, Reach], able: list[tuple[int, str]]) -> dict[str, tuple[int, int]]:
    """(tier, least added travel) of each able carer: what no pinned start of it undercuts."""
    return {c: (t, reach[c].least_travel) for t, c in able}


def _plus(one: tuple[int, int], other: tuple[int, int], start: int) -> tuple[int, int, int]:
    """The least (tiers, cost, start) of a pair whose parts cost at least `one` and `other`."""
    return (one[0] + other[0], one[1] + other[1], start)


def _beaten(least: tuple[int, int, int], best: tuple | None) -> bool:
    """Whether no pair whose key starts at least at `least` can beat `best` (a pair whose
    key, its first item, leads with tiers, cost and start)."""
    return best is not None and least > best[0][:3]
