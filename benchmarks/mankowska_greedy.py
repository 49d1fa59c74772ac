"""A quick feasible Mankowska solution, the CP-SAT model's starting hint.

Patients in order of their window, each appended to the end of the route (or the two routes,
for a double service) that raises the cost least, as in the decoder of Kummer et al. (GECCO
2020); a few seeded perturbations of that order are tried too, as the order decides a lot
when one staff member alone holds a skill. Appending never breaks an earlier patient, so the
result is always feasible; CP-SAT then only has to improve it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from benchmarks.mankowska_source import Slot, Solution, Source


@dataclass
class _Route:
    at: int = 0  # node where the staff member is
    free: float = 0.0  # when it may leave


def greedy(src: Source, tries: int = 1, seed: int = 0) -> Solution:
    """The cheapest of `tries` appending passes: patients by window start, then (tries > 1)
    by window start plus seeded noise of up to one to two window lengths. ValueError if a
    service has no qualified staff (or a double service no two distinct ones)."""
    rng = random.Random(seed)
    patients = list(range(1, src.end))
    best = _append_all(src, sorted(patients, key=lambda n: (src.early[n], src.late[n], n)))
    for _ in range(tries - 1):
        spread = rng.choice([0.25, 0.5, 1.0, 2.0])
        keys = {n: src.early[n] + rng.random() * spread * (src.late[n] - src.early[n]) for n in patients}
        best = min(best, _append_all(src, sorted(patients, key=lambda n: (keys[n], n))), key=lambda r: r[0])
    return best[1]


def _append_all(src: Source, order: list[int]) -> tuple[float, Solution]:
    """Append the patients in `order`, each where it raises the cost least; the cost
    (travel + tardiness + maximum tardiness) and the solution."""
    routes = [_Route(0, src.early[0]) for _ in range(src.staff)]
    sol = Solution([[] for _ in range(src.staff)])
    cost = worst = 0.0
    for i in order:
        options = [(*_insert(src, routes, i, staff, worst), staff) for staff in _candidates(src, i)]
        if not options:
            raise ValueError(f"{src.name}: patient {i} has no qualified staff")
        rise, starts, staff = min(options, key=lambda o: (o[0], o[2]))
        cost += rise
        for k, s, start in zip(staff, src.required[i], starts):
            slot: Slot = (i, s)
            sol.routes[k].append(slot)
            sol.starts[slot] = start
            routes[k] = _Route(i, start + src.proc[i][k][s])
            worst = max(worst, start - src.late[i])
    return cost + sum(src.dist[r.at][src.end] for r in routes), sol


def _candidates(src: Source, i: int) -> list[tuple[int, ...]]:
    """Staff (pairs of distinct staff) qualified for patient i's service(s), in order."""
    services = src.required[i]
    if len(services) == 1:
        return [(k,) for k in range(src.staff) if services[0] in src.qualified[k]]
    return [(a, b) for a in range(src.staff) for b in range(src.staff)
            if a != b and services[0] in src.qualified[a] and services[1] in src.qualified[b]]


def _insert(src: Source, routes: list[_Route], i: int, staff: tuple[int, ...], worst: float) -> tuple[float, list[float]]:
    """Cost increase (travel + tardiness + rise of the maximum) and the starts of appending i."""
    arrive = [max(src.early[i], routes[k].free + src.dist[routes[k].at][i]) for k in staff]
    if len(staff) == 1:
        starts = arrive
    elif src.simultaneous(i):
        starts = [max(arrive)] * 2
    else:
        second = max(arrive[1], arrive[0] + src.mind[i])
        starts = [max(arrive[0], second - src.maxd[i]), second]
    travel = sum(src.dist[routes[k].at][i] for k in staff)
    late = [max(0.0, t - src.late[i]) for t in starts]
    return travel + sum(late) + max(0.0, max(late) - worst), starts
