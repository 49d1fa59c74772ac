"""Route minimisation for a fixed fleet: bring left-out nodes in by squeezing and ejecting.

OR-Tools' local search moves one node at a time and is steered by distance, so on the
tightest fleets (Solomon's fewest vehicles known) it ends with a customer or two left out: no
single move makes room for them. This is the route-minimisation phase of Nagata and Bräysy
(2009, "A powerful route minimization heuristic for the vehicle routing problem with time
windows", Oper. Res. Lett. 37(5)). Take a left-out node from the ejection pool and

1. insert it where it fits, at the least extra distance; or else
2. squeeze: insert it where it breaks its route least, then repair the routes by a local
   search on time warp and excess load (relocations and tail exchanges); or else
3. eject: count the failure against the node, insert it where removing at most
   `MAX_EJECTED` nodes of that route restores it at the least sum of the removed nodes'
   failure counts, put those in the pool, and perturb the routes by random feasible moves so
   that the pool's next node meets a different plan.

Nodes that fail often get high counts, so they stay in and the easy ones make room.

Routes are checked with time-warp segments (Vidal et al. 2013, "A hybrid genetic algorithm
with adaptive diversity management ..."): a stretch of a route is summed up by its duration,
time warp, earliest and latest start and load, and two stretches join in constant time, so
an insertion, relocation or tail exchange is checked from each route's prefix and suffix
stretches without walking the route.

It needs what the local search can join freely: one travel matrix for every vehicle and no
paired starts (`applies`); the routes it returns serve every node they did before.
"""

from __future__ import annotations

import random
import time
from itertools import pairwise

from solver.baselines.routing_problem import RoutingProblem, RoutingSolution

MAX_EJECTED = 3  # nodes removed from one route to make room (Nagata and Bräysy use up to 5)
NEIGHBOURS = 20  # nearest nodes a move joins to
PERTURB_MOVES = 300  # random feasible-move attempts after each ejection
SQUEEZE_STEPS = 50  # improving moves of one squeeze before it gives up
NO_CAPACITY = 1 << 62  # the capacity of a problem without one: no load is ever over it
NO_RANK = 1 << 62  # ranks above every ejection: the bound before one is found

# A stretch of a route: (duration, time warp, earliest start, latest start, load, first place,
# last place). Duration counts service and travel inside the stretch.
Stretch = tuple[int, int, int, int, int, int, int]


def applies(problem: RoutingProblem) -> bool:
    """Whether the ejection search can run: tails move between vehicles only when they share
    a matrix, a depot and working hours, and paired starts tie routes together."""
    first = problem.vehicles[0]
    return not problem.same_start and all(
        (v.matrix, v.depot, v.start, v.end) == (first.matrix, first.depot, first.start, first.end)
        for v in problem.vehicles)


def minimise_dropped(problem: RoutingProblem, routes: list[list[int]], deadline: float,
                     seed: int = 0) -> RoutingSolution:
    """Serve as many of the nodes `routes` leave out as possible by `deadline` (monotonic
    clock); every node `routes` serve stays served."""
    plan = _Plan(problem, routes)
    served = {k for route in routes for k in route}
    pool = [k for k in range(len(problem.nodes)) if k not in served]
    best = plan.solution()
    failures = [1] * len(problem.nodes)
    unplaceable: list[int] = []
    rng = random.Random(seed)
    while pool and time.monotonic() < deadline:
        node = pool.pop()
        if not (plan.insert_where_it_fits(node) or plan.squeeze(node)):
            failures[node] += 1
            ejected = plan.insert_ejecting(node, failures)
            if ejected is None:
                unplaceable.append(node)
                continue
            pool.extend(ejected)
            plan.perturb(rng)
        if len(pool) + len(unplaceable) < len(best.dropped):
            best = plan.solution()
    return best


def _rank(failures: int, size: int) -> int:
    """An ejection's rank as one integer: its summed failure counts first, then its size."""
    return failures * (MAX_EJECTED + 1) + size


def _join(a: Stretch, b: Stretch, travel: list[list[int]]) -> Stretch:
    """Stretch `a` followed by stretch `b` (Vidal et al. 2013, time-warp concatenation).

    The innermost call of the search: comparisons instead of max() and min() halve its time."""
    d1, w1, e1, l1, q1, f1, z1 = a
    d2, w2, e2, l2, q2, f2, z2 = b
    move = travel[z1][f2]
    delta = d1 - w1 + move
    wait = e2 - delta - l1
    if wait < 0:  # noqa: PLR1730
        wait = 0
    warp = e1 + delta - l2
    if warp < 0:  # noqa: PLR1730
        warp = 0
    earliest = e2 - delta if e2 - delta > e1 else e1  # noqa: FURB136
    latest = l2 - delta if l2 - delta < l1 else l1  # noqa: FURB136
    return d1 + d2 + move + wait, w1 + w2 + warp, earliest - wait, latest + warp, q1 + q2, f1, z2


class _Plan:
    """Routes with their prefix and suffix stretches, kept up to date after every change."""

    def __init__(self, problem: RoutingProblem, routes: list[list[int]]):
        self.problem = problem
        vehicle = problem.vehicles[0]
        self.travel = problem.matrices[vehicle.matrix]
        self.depot: Stretch = (0, 0, vehicle.start, vehicle.end, 0, vehicle.depot, vehicle.depot)
        self.own: list[Stretch] = [(n.service, 0, n.earliest, n.latest, n.demand, n.place, n.place)
                                   for n in problem.nodes]
        self.capacity = problem.capacity if problem.capacity is not None else NO_CAPACITY
        # a unit of load over capacity weighs as much time warp as the day has minutes per unit
        self.load_weight = problem.horizon // problem.capacity if problem.capacity else 0
        self.everywhere = [len(n.vehicles) == len(problem.vehicles) for n in problem.nodes]
        self.anywhere = all(self.everywhere)
        places = [n.place for n in problem.nodes]
        self.near = [sorted((j for j in range(len(places)) if j != k),
                            key=lambda j, a=places[k]: min(self.travel[a][places[j]], self.travel[places[j]][a])
                            )[:NEIGHBOURS] for k in range(len(places))]
        self.routes = [list(route) for route in routes]
        self.where: dict[int, tuple[int, int]] = {}
        self.prefix: list[list[Stretch]] = [[] for _ in routes]
        self.suffix: list[list[Stretch]] = [[] for _ in routes]
        self.whole: list[Stretch] = [self.depot for _ in routes]
        for v in range(len(routes)):
            self._refresh(v)

    def _refresh(self, v: int) -> None:
        """Recompute route v's stretches: prefix[i] is the depot and the first i nodes, suffix[i]
        the nodes from i on and the depot."""
        route = self.routes[v]
        prefix, suffix = [self.depot], [self.depot]
        for k in route:
            prefix.append(_join(prefix[-1], self.own[k], self.travel))
        for k in reversed(route):
            suffix.append(_join(self.own[k], suffix[-1], self.travel))
        suffix.reverse()
        self.prefix[v], self.suffix[v] = prefix, suffix
        self.whole[v] = suffix[0] if not route else _join(self.depot, suffix[0], self.travel)
        for i, k in enumerate(route):
            self.where[k] = (v, i)

    def _penalty(self, stretch: Stretch) -> int:
        """Time warp plus weighted load over capacity: zero for a feasible whole route."""
        over = stretch[4] - self.capacity
        return stretch[1] + self.load_weight * over if over > 0 else stretch[1]

    def _joined_penalty(self, a: Stretch, b: Stretch) -> int:
        """`_penalty(_join(a, b))` without building the joined stretch: the question the
        search asks most, so it is answered from the two ends alone."""
        warp = a[0] - a[1] + self.travel[a[6]][b[5]] + a[2] - b[3]
        over = a[4] + b[4] - self.capacity
        penalty = a[1] + b[1] + warp if warp > 0 else a[1] + b[1]
        return penalty + self.load_weight * over if over > 0 else penalty

    def _with(self, v: int, i: int, k: int) -> int:
        """Penalty of route v with node k inserted before position i."""
        return self._joined_penalty(_join(self.prefix[v][i], self.own[k], self.travel), self.suffix[v][i])

    def _without(self, v: int, i: int) -> int:
        """Penalty of route v without its node at position i."""
        return self._joined_penalty(self.prefix[v][i], self.suffix[v][i + 1])

    def _replaced(self, v: int, i: int, k: int) -> int:
        """Penalty of route v with node k in place of its node at position i."""
        return self._joined_penalty(_join(self.prefix[v][i], self.own[k], self.travel), self.suffix[v][i + 1])

    def _detour(self, v: int, i: int, k: int) -> int:
        """Extra travel of inserting node k before position i of route v."""
        before = self.prefix[v][i][6]
        after = self.suffix[v][i][5]
        place = self.own[k][5]
        return self.travel[before][place] + self.travel[place][after] - self.travel[before][after]

    def _insertions(self, k: int) -> list[tuple[int, int]]:
        """Every (vehicle, position) node k may go to."""
        return [(v, i) for v in self.problem.nodes[k].vehicles for i in range(len(self.routes[v]) + 1)]

    def _put(self, v: int, i: int, k: int) -> None:
        """Insert node k before position i of route v."""
        self.routes[v].insert(i, k)
        self._refresh(v)

    def insert_where_it_fits(self, k: int) -> bool:
        """Insert node k at its cheapest feasible position, if it has one."""
        fits = [(self._detour(v, i, k), v, i) for v, i in self._insertions(k)
                if self._with(v, i, k) == 0]
        if not fits:
            return False
        _, v, i = min(fits)
        self._put(v, i, k)
        return True

    def squeeze(self, k: int) -> bool:
        """Insert node k where it breaks its route least and repair by improving moves; undo
        everything when the routes cannot be made feasible."""
        options = self._insertions(k)
        if not options:
            return False
        saved = [list(route) for route in self.routes]
        _, v, i = min((self._with(v, i, k), v, i) for v, i in options)
        self._put(v, i, k)
        for _ in range(SQUEEZE_STEPS):
            broken = [v for v in range(len(self.routes)) if self._penalty(self.whole[v])]
            if not broken:
                return True
            if not self._improve(broken):
                break
        for v, route in enumerate(saved):
            self.routes[v] = route
            self._refresh(v)
        self.where = {k: (v, i) for v, route in enumerate(self.routes) for i, k in enumerate(route)}
        return False

    def _improve(self, broken: list[int]) -> bool:
        """Apply the move that lowers the summed penalty most, touching a broken route: a node
        of it relocated next to a near node of another route, or their tails exchanged."""
        best_gain, best_move = 0, None
        for r in broken:
            old_r = self._penalty(self.whole[r])
            for ia, a in enumerate(self.routes[r]):
                without_a = self._without(r, ia)
                for b in self.near[a]:
                    if b not in self.where or self.where[b][0] == r:
                        continue
                    s, ib = self.where[b]
                    old = old_r + self._penalty(self.whole[s])
                    if s in self.problem.nodes[a].vehicles:
                        for at in (ib, ib + 1):  # before or after b
                            gain = old - without_a - self._with(s, at, a)
                            if gain > best_gain:
                                best_gain, best_move = gain, ("relocate", r, ia, s, at)
                    for cut_r, cut_s in ((ia + 1, ib), (ia, ib + 1)):  # a then b's tail; b then a's tail
                        if not self._tails_may_swap(r, cut_r, s, cut_s):
                            continue
                        new = (self._joined_penalty(self.prefix[r][cut_r], self.suffix[s][cut_s])
                               + self._joined_penalty(self.prefix[s][cut_s], self.suffix[r][cut_r]))
                        if old - new > best_gain:
                            best_gain, best_move = old - new, ("tails", r, cut_r, s, cut_s)
        if best_move is None:
            return False
        kind, r, x, s, y = best_move
        if kind == "relocate":
            self.routes[s].insert(y, self.routes[r].pop(x))
        else:
            self.routes[r], self.routes[s] = (self.routes[r][:x] + self.routes[s][y:],
                                              self.routes[s][:y] + self.routes[r][x:])
        self._refresh(r)
        self._refresh(s)
        return True

    def _tails_may_swap(self, r: int, cut_r: int, s: int, cut_s: int) -> bool:
        """Whether every node of both tails may ride the other vehicle."""
        return self.anywhere or all(self.everywhere[k] for k in self.routes[r][cut_r:] + self.routes[s][cut_s:])

    def insert_ejecting(self, k: int, failures: list[int]) -> list[int] | None:
        """Insert node k where the nodes whose removal makes its route feasible again have
        the least summed failure count (then the fewest of them); return those nodes, now
        out, or None when no position works with at most `MAX_EJECTED` removed."""
        best: tuple[int, int, int, list[int]] | None = None
        least = _rank(min((failures[n] for n in self.where), default=1), 1)  # no ejection ranks lower
        positions = sorted(self._insertions(k), key=lambda at: self._with(*at, k))
        for v, i in positions:  # the least broken first, so the bound tightens early
            if best is not None and best[0] <= least:
                break
            sequence = self.routes[v][:i] + [k] + self.routes[v][i:]
            tails = self._tails(v, i, k)
            found = self._cheapest_ejection(sequence, tails, k, failures, best[0] if best else NO_RANK)
            if found is not None:
                best = (found[0], v, i, found[1])
        if best is None:
            return None
        _, v, i, ejected = best
        self.routes[v] = [n for n in self.routes[v][:i] + [k] + self.routes[v][i:] if n not in ejected]
        for n in ejected:
            del self.where[n]
        self._refresh(v)
        return ejected

    def _tails(self, v: int, i: int, k: int) -> list[Stretch]:
        """For route v with node k inserted before position i, the stretch from each position
        on to the depot: after k they are the route's own suffixes."""
        head = [_join(self.own[k], self.suffix[v][i], self.travel)]
        for n in reversed(self.routes[v][:i]):
            head.append(_join(self.own[n], head[-1], self.travel))
        head.reverse()
        return head + self.suffix[v][i:]

    def _cheapest_ejection(self, sequence: list[int], tails: list[Stretch], keep: int, failures: list[int],
                           bound: int) -> tuple[int, list[int]] | None:
        """The set of at most `MAX_EJECTED` nodes of `sequence`, never `keep`, whose removal
        leaves a feasible route, ranked by `_rank` (summed failures, then size) and better
        than `bound`: a depth-first search over keep-or-remove that stops a branch when its
        kept prefix is already broken or its rank cannot beat the best. `tails[j]` is
        `sequence[j:]` and the depot, all kept. The kept prefix is always feasible, so
        whether it joins its tail feasibly is read off the two stretches inline (the
        search's hot spot)."""
        travel, own, capacity, end = self.travel, self.own, self.capacity, len(sequence)
        one_more = _rank(1, 1)  # the least any further ejection adds to a rank
        best: tuple[int, list[int]] | None = None
        limit = bound
        removed: list[int] = []

        def search(j: int, kept: Stretch, rank: int) -> None:
            nonlocal best, limit
            if rank >= limit:
                return
            tail = tails[j]
            if (tail[1] == 0 and kept[4] + tail[4] <= capacity
                    and kept[2] + kept[0] + travel[kept[6]][tail[5]] <= tail[3]):
                best, limit = (rank, list(removed)), rank
                return
            # keeping the rest fails, so one more node must go: can that still beat the best?
            if j == end or len(removed) == MAX_EJECTED or rank + one_more >= limit:
                return
            n = sequence[j]
            extended = _join(kept, own[n], travel)
            if extended[1] == 0 and extended[4] <= capacity:
                search(j + 1, extended, rank)
            if n != keep:
                removed.append(n)
                search(j + 1, kept, rank + _rank(failures[n], 1))
                removed.pop()

        search(0, self.depot, 0)
        return best

    def perturb(self, rng: random.Random) -> None:
        """Random feasible relocations and swaps between near nodes of different routes."""
        served = list(self.where)
        for _ in range(PERTURB_MOVES):
            a = rng.choice(served)
            b = rng.choice(self.near[a])
            if b not in self.where or self.where[a][0] == self.where[b][0]:
                continue
            (r, ia), (s, ib) = self.where[a], self.where[b]
            nodes = self.problem.nodes
            if rng.random() < 0.5:
                if s not in nodes[a].vehicles:
                    continue
                at = ib + rng.randint(0, 1)
                if self._without(r, ia) or self._with(s, at, a):
                    continue
                self.routes[s].insert(at, self.routes[r].pop(ia))
            else:
                if (s not in nodes[a].vehicles or r not in nodes[b].vehicles
                        or self._replaced(r, ia, b) or self._replaced(s, ib, a)):
                    continue
                self.routes[r][ia], self.routes[s][ib] = b, a
            self._refresh(r)
            self._refresh(s)

    def solution(self) -> RoutingSolution:
        """The routes as a routing solution: each node's start and the objective (travel plus
        the penalties of the nodes left out)."""
        starts: dict[int, int] = {}
        cost = 0
        for route in self.routes:
            clock, here, service = self.depot[2], self.depot[5], 0
            for k in route:
                node = self.problem.nodes[k]
                clock = max(node.earliest, clock + service + self.travel[here][node.place])
                starts[k] = clock
                here, service = node.place, node.service
            places = [self.depot[5], *(self.problem.nodes[k].place for k in route), self.depot[5]]
            cost += sum(self.travel[a][b] for a, b in pairwise(places)) if route else 0
        dropped = [k for k in range(len(self.problem.nodes)) if k not in starts]
        cost += sum(self.problem.nodes[k].penalty or 0 for k in dropped)
        return RoutingSolution([list(route) for route in self.routes], starts, dropped, cost)
