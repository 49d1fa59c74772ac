"""Serve a left-over visit by packing the busy hours of its day again: a small exact search.

The repair moves one or two visits out of a left-over visit's way. On a day when only two
carers may give medication in the morning, serving one more morning visit can take another
order and another sharing of most of that morning's visits over three routes, which no
chain of single moves reaches. A CP-SAT step freeing the whole day found it in none of
twelve tries of 0.5-2 units of work, one freeing only the morning in two of twelve
(`benchmarks/RESULTS.md`, "Re-packing a day's busy hours").

Here the movable visits that start near the left-over visit's window come off the routes of
every carer working that day, and a depth-first search puts them back together with it:
the visit that fits the fewest routes goes next (fail-first, ties in random order), each of
its insertions is tried in turn (carer and position; a double-staffed visit takes two
carers at a common start), carers the client already meets and less travel first, and the
search backs up as soon as some visit fits no route. Having found a packing, it goes on
within its budget for one with fewer distinct (client, carer) pairs: pairs are counted
against the routes with the visits off, so a packing that takes a carer off the only visit
where they met a client gains that pair back.

A double-staffed visit's common starts are its carers' earliest starts at each feasible
position (the earliest common start of two routes is one of them) and a grid over its
window. Since the forward pass times a given order exactly, the search misses no packing of
the single-staffed visits within the band. A node budget bounds each search; as such
searches are heavy-tailed (one packing took 48,000 nodes in window order), a few short ones
with other tie orders are run per band, and wider bands are tried in turn. The routes
change only when every visit is back in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import combinations

from hemplan.models.contract.instance import Visit
from hemplan.solver.continuity.carer_days import CarerDays
from hemplan.solver.continuity.insert import common_starts
from hemplan.solver.continuity.routes import Insertion, RouteStop, feasible_insertions

BANDS = (
    (30, 100),
    (60, 200),
    (90, 400),
)  # (minutes around the window, node budget of one search), tried in turn
# searches per band, each breaking ties in its own random order: the hard cases are heavy-tailed
RESTARTS = 4
START_STEP = 10  # minutes between the common starts tried for a double-staffed visit

Move = tuple[str, Insertion, RouteStop]  # one carer's insertion of the visit's stop


@dataclass
class NodeBudget:
    """Search nodes a caller allows its repacks in all: a failing search may spend its whole
    band budgets, so the caller bounds the total and charges what was spent as work."""

    left: int
    spent: int = 0
    seed: int = (
        0  # varies the searches' tie orders, so that a caller trying again does not repeat itself
    )


def repack(routes: CarerDays, visit: Visit, budget: NodeBudget) -> bool:
    """Put `visit` into the routes by re-packing the visits near it in time on one of its
    days; True when done, else the routes are unchanged. A visit whose carers start apart
    (a start gap) is left to the inserter: the packing tries common starts only."""
    problem = routes.problem
    if visit.staggered:
        return False
    for day in sorted(
        {d for c in problem.eligible.get(visit.id, []) for d in problem.fitting_days(c, visit)}
    ):
        for margin, nodes in BANDS:
            for restart in range(RESTARTS):
                if budget.left <= 0:
                    return False
                rng = random.Random(budget.seed * RESTARTS + restart)
                search = _Packing(routes, day, min(nodes, budget.left), rng)
                found = search.run(visit, margin)
                budget.left -= search.nodes
                budget.spent += search.nodes
                if found:
                    return True
    return False


class _Packing:
    """One day's depth-first re-packing; `run` leaves the routes as they were unless it succeeds.

    Every insertion a route offers a visit is remembered per carer and dropped while that
    carer's route is changed (the routes themselves remember whether it fits and where a
    pinned start goes, `CarerDays.reach` and `best_insertion`).
    """

    def __init__(self, routes: CarerDays, day: int, budget: int, rng: random.Random) -> None:
        self.instance = routes.problem.instance
        self.routes = routes
        self.eligible = routes.problem.eligible
        self.days = routes.problem.fitting_days
        self.day = day
        self.budget = budget
        self.rng = rng  # breaks ties between visits that fit equally many routes
        self.nodes = 0
        self._every: dict[str, dict[str, list[Insertion]]] = {}  # carer -> visit -> insertions
        self._stops: dict[tuple[str, int | None], RouteStop] = {}
        self._met: dict[str, set[str]] = {}  # client -> carers it met before the visits came off
        self._path: list[list[Move]] = []  # the moves from the taken-off state to the current node
        self._best: tuple[int, list[list[Move]]] | None = (
            None  # fewest pairs added so far, and its moves
        )

    def run(self, visit: Visit, margin: int) -> bool:
        low, high = visit.window.earliest - margin, visit.window.latest + visit.duration + margin
        self._met = {v.client: set(self.routes.serving[v.client]) for v in [visit, *self._on_day()]}
        self.routes.begin()
        taken = self._take_off(low, high)
        if taken is not None:
            self._search([visit.id, *taken], 0)
        if self._best is None:
            self.routes.rollback()
            return False
        for moves in self._best[
            1
        ]:  # replayed in the order found, each on the route state it was computed on
            for carer, insertion, stop in moves:
                self.routes.insert(carer, self.day, stop, insertion)
        self.routes.commit()
        return True

    def _on_day(self) -> list[Visit]:
        visit = self.instance.visit_by_id
        return [
            visit[s.visit]
            for (_, day), stops in self.routes.stops.items()
            if day == self.day
            for s in stops
        ]

    def _take_off(self, low: int, high: int) -> list[str] | None:
        """Remove the visits starting in [low, high] that may move from every route of the
        day; their ids, or None if a route would not time without one."""
        visit = self.instance.visit_by_id
        taken: list[str] = []
        for carer, day in sorted(self.routes.contexts):
            if day != self.day:
                continue
            for visit_id in self.routes.movable_between(carer, day, low, high):
                if not self.routes.remove(carer, day, visit_id):
                    return None
                taken.append(visit_id)
            timing = self.routes.timings[(carer, day)]
            for stop, start in zip(list(self.routes.stops[(carer, day)]), timing.starts):
                v = visit[stop.visit]
                if (
                    low <= start <= high
                    and v.staff_needed > 1
                    and not v.staggered  # its carers' own starts stay as the inserter set them
                    and not v.locked_carers
                    and v.locked_start is None
                ):
                    for partner in list(self.routes.carers_of[v.id]):
                        if not self.routes.remove(partner, day, v.id):
                            return None
                    taken.append(v.id)
        return taken

    def _search(self, left: list[str], added: int) -> bool:
        """Put every visit of `left` back (fewest fitting routes first), backing up on a dead
        end, and keep the packing that adds the fewest (client, carer) pairs (`added` so far);
        True when the search should stop: a packing adding none, or the budget spent."""
        if not left:
            self._best = (added, list(self._path))
            return added == 0
        self.nodes += 1
        if self.nodes > self.budget:
            return True
        chosen: tuple[tuple[int, float], str] | None = None
        for visit_id in left:
            visit = self.instance.visit_by_id[visit_id]
            fitting = sum(self._fits(visit, carer) for carer in self._able(visit))
            if fitting < visit.staff_needed:
                return False
            key = (fitting, self.rng.random())
            if chosen is None or key < chosen[0]:
                chosen = (key, visit_id)
        assert chosen is not None
        visit_id = chosen[1]
        rest = [v for v in left if v != visit_id]
        for new, moves in self._options(self.instance.visit_by_id[visit_id]):
            if self._best is not None and added + new >= self._best[0]:
                break  # options come fewest pairs added first: none of the rest does better
            touched = {carer for carer, _, _ in moves}
            kept = {carer: self._every.pop(carer, {}) for carer in touched}
            self.routes.begin()
            for carer, insertion, stop in moves:
                self.routes.insert(carer, self.day, stop, insertion)
            self._path.append(moves)
            stop_now = self._search(rest, added + new)
            self._path.pop()
            self.routes.rollback()
            self._every.update(kept)
            if stop_now:
                return True
        return False

    def _able(self, visit: Visit) -> list[str]:
        return [c for c in self.eligible[visit.id] if self.day in self.days(c, visit)]

    def _options(self, visit: Visit) -> list[tuple[int, list[Move]]]:
        """Every way to insert the visit now with the (client, carer) pairs it adds to the
        routes as they stand, fewest first, then carers the client met before the visits
        came off, then less travel."""
        serving, met = self.routes.serving[visit.client], self._met.get(visit.client, set())
        able = self._able(visit)
        found: list[tuple[tuple[int, int, int], list[Move]]] = []
        if visit.staff_needed == 1:
            stop = self._stop(visit)
            for carer in able:
                for insertion in self._insertions(visit, carer):
                    key: tuple[int, int, int] = (
                        carer not in serving,
                        carer not in met,
                        insertion.extra_cost,
                    )
                    found.append((key, [(carer, insertion, stop)]))
        else:
            for start in self._common_starts(visit, able):
                ready = [
                    (c, found_)
                    for c in able
                    if (found_ := self._pinned(visit, c, start)) is not None
                ]
                stop = self._stop(visit, start)
                for (a, first), (b, second) in combinations(ready, 2):
                    if any(c not in (a, b) for c in visit.locked_carers):
                        continue  # a partly locked double visit keeps its locked carer
                    if not self.routes.problem.roles_allow(visit, [a, b]):
                        continue
                    key = (
                        (a not in serving) + (b not in serving),
                        (a not in met) + (b not in met),
                        first.extra_cost + second.extra_cost,
                    )
                    found.append((key, [(a, first, stop), (b, second, stop)]))
        found.sort(key=lambda option: option[0])
        return [(key[0], moves) for key, moves in found]

    def _fits(self, visit: Visit, carer: str) -> bool:
        """Whether the carer's route takes the visit somewhere (the routes remember it)."""
        return bool(self.routes.reach(carer, self.day, self._stop(visit)).lefts)

    def _insertions(self, visit: Visit, carer: str) -> list[Insertion]:
        """Every feasible insertion of the visit (start not pinned) into the carer's route."""
        every = self._every.setdefault(carer, {})
        if visit.id not in every:
            route = (carer, self.day)
            every[visit.id] = list(
                feasible_insertions(
                    self.routes.contexts[route],
                    self.routes.stops[route],
                    self.routes.timings[route],
                    self._stop(visit),
                )
            )
        return every[visit.id]

    def _pinned(self, visit: Visit, carer: str, start: int) -> Insertion | None:
        """The cheapest insertion of the visit starting exactly at `start`, or None (the
        routes remember it)."""
        return self.routes.best_insertion(carer, self.day, self._stop(visit, start))

    def _common_starts(self, visit: Visit, able: list[str]) -> list[int]:
        """Starts worth trying for a double-staffed visit
        (`hemplan.solver.continuity.insert.common_starts`)."""
        return common_starts(
            visit,
            [self.routes.reach(c, self.day, self._stop(visit)).lefts for c in able],
            START_STEP,
        )

    def _stop(self, visit: Visit, start: int | None = None) -> RouteStop:
        key = (visit.id, start)
        if key not in self._stops:
            self._stops[key] = self.routes.stop(visit, fixed=start)
        return self._stops[key]
