"""The neighbourhoods of the search: which visits a step frees, and which carers they may go to.

Neighbourhoods are chosen so that they can lower a client's carer count: the visits of a
client above its lower bound together with the routes of the carers who serve it (so that
CP-SAT can make room on a carer's day by moving another client's visit elsewhere), pairs of
clients sharing a carer, and a few carers' routes over a few days (swaps and travel). While a
visit that some carer could serve is left out, most steps go to it.
"""

from __future__ import annotations

import random

from hemplan.models.contract.instance import Visit
from hemplan.solver.bounds import smallest_cover
from hemplan.solver.problem import Problem
from hemplan.solver.score import client_carers
from hemplan.solver.solution import Solution

SERVE_SHARE = (
    0.85  # steps that serve while a servable visit is left out: continuity comes mostly from `tidy`
)


# with a stable week, the share of steps that make a visit repeat the week before
WEEK_SHARE = 0.3


class Neighbourhoods:
    """Draws sets of visits to free, guided by which clients exceed their lower bound."""

    def __init__(self, problem: Problem, rng: random.Random, stable_week: bool = False):
        self.problem = problem
        self.instance = problem.instance
        self.eligible = problem.eligible
        self.bounds = problem.bounds
        self.rng = rng
        self.stable_week = stable_week

    def draw(self, plan: Solution, size: int) -> set[str]:
        servable = sorted(v for v in plan.unassigned if self.eligible.get(v))
        if servable and self.rng.random() < SERVE_SHARE:
            return self._unserved_and_routes(plan, servable, size)
        if self.stable_week and self.rng.random() < WEEK_SHARE:
            return self._repeat_a_week(plan, size)
        roll = self.rng.random()  # shares measured by the carers each kind of step removed
        if roll < 0.6:
            return self._drop_a_carer(plan, size)
        if roll < 0.7:
            return self._toward_smallest_cover(plan, size)
        if roll < 0.85:
            return self._clients_sharing_a_carer(plan, size)
        return self._carers_over_days(plan, size)

    def _repeat_a_week(self, plan: Solution, size: int) -> set[str]:
        """Visits not done by the carers of the week before who work that day, with what is
        in those carers' way; a client's other steps when there are none."""
        a = plan.assignments
        differ = []
        for later, earlier in sorted(self.problem.week_before.items()):
            if later in a and earlier in a and set(a[later].carers) != set(a[earlier].carers):
                carers = a[earlier].carers
                if all(a[later].day in self.problem.carer(c).shift_by_day for c in carers):
                    differ.append((later, carers))
        if not differ:
            return self._client_and_its_carers(plan, size)
        self.rng.shuffle(differ)
        free: set[str] = set()
        for later, carers in differ:
            if len(free) >= size:
                break
            free |= self._with_clashes(
                plan, [self.instance.visit_by_id[later]], list(carers), size - len(free)
            )
        return free

    def _unserved_and_routes(self, plan: Solution, servable: list[str], size: int) -> set[str]:
        """An unserved visit with the routes of carers who could take it on its days, the
        visits near it in time first (they are the ones in its way)."""
        visit = self.instance.visit_by_id[self.rng.choice(servable)]
        if self.rng.random() < 0.5:
            return self._unserved_day(plan, visit, size)
        routes = plan.routes()
        keys = [(c, d) for c in self.eligible[visit.id] for d in visit.days if (c, d) in routes]
        self.rng.shuffle(keys)
        free = {visit.id} | {v for v in servable if self.instance.visit_by_id[v].days == visit.days}
        for key in keys:
            if len(free) >= size:
                break
            free.update(routes[key])
        return free

    def _unserved_day(self, plan: Solution, visit: Visit, size: int) -> set[str]:
        """Every visit of the unserved visit's day(s) whose start is near its window."""
        opens, closes = visit.window.earliest - 90, visit.window.latest + visit.duration + 90
        near = [
            v
            for v, p in plan.assignments.items()
            if p.day in visit.days
            and p.start < closes
            and p.start + self.instance.visit_by_id[v].duration > opens
        ]
        near.sort(key=lambda v: abs(plan.assignments[v].start - visit.window.earliest))
        unserved = [v for v in plan.unassigned if self.instance.visit_by_id[v].days == visit.days]
        return set(unserved) | set(near[: max(0, size - len(unserved))])

    def _pick_client(self, plan: Solution) -> str:
        met = client_carers(self.problem, plan)
        known = self.problem.known
        # a client who meets someone new while it knows carers from the history is above its
        # best too (a known carer costs less: `solver.score.pair_cost`)
        excess = {
            c: len(met[c]) - self.bounds.get(c, 0) + bool(known.get(c) and met[c] - known[c])
            for c in sorted(met)
        }
        above = [c for c, e in excess.items() if e > 0]
        if above:
            return self.rng.choices(above, weights=[excess[c] for c in above])[0]
        return self.rng.choice(sorted(met))

    def _drop_a_carer(self, plan: Solution, size: int) -> set[str]:
        """Try to take a client's rarest carer away (one a smallest cover of the client can do
        without, when there is one): free that carer's visits to the client and, on the client's
        other carers' routes, the visits that clash with them in time."""
        own, count, cover = self._client_carers(plan)
        if len(count) < 2:
            return self._client_and_its_carers(plan, size)
        spare = [
            c for c in sorted(count) if not cover or c not in cover
        ]  # carers a smallest cover can do without
        rarest = min(spare or sorted(count), key=lambda c: count[c])
        moving = [v for v in own if rarest in plan.assignments[v.id].carers]
        return self._with_clashes(plan, moving, sorted(set(count) - {rarest}), size)

    def _toward_smallest_cover(self, plan: Solution, size: int) -> set[str]:
        """Move a client towards a smallest carer set that could serve it (its current carers
        preferred): free its visits done by others and the clashing visits on that set's routes."""
        own, _, cover = self._client_carers(plan)
        if not cover:
            return self._drop_a_carer(plan, size)
        moving = [v for v in own if not set(plan.assignments[v.id].carers) <= cover]
        self.rng.shuffle(moving)
        return self._with_clashes(plan, moving, sorted(cover), size)

    def _client_carers(
        self, plan: Solution
    ) -> tuple[list[Visit], dict[str, int], frozenset[str] | None]:
        """A client picked by excess: its served visits, visits per carer, and a smallest carer
        set that could serve them, its most frequent carers preferred."""
        client = self._pick_client(plan)
        own = [
            v for v in self.instance.visits_by_client.get(client, []) if v.id in plan.assignments
        ]
        count: dict[str, int] = {}
        for v in own:
            for c in plan.assignments[v.id].carers:
                count[c] = count.get(c, 0) + 1
        known = self.problem.known.get(client, frozenset())
        preference = sorted(count, key=lambda c: (c not in known, -count[c], c)) + sorted(
            known - set(count)
        )
        _, cover = smallest_cover(
            ((frozenset(self.eligible.get(v.id, ())), v.staff_needed) for v in own), preference
        )
        return own, count, cover

    def _with_clashes(
        self, plan: Solution, moving: list[Visit], carers: list[str], size: int, margin: int = 30
    ) -> set[str]:
        """The `moving` visits and, on the routes of `carers` on their days, the visits that
        overlap their windows (they are in the way)."""
        free = {v.id for v in moving}
        routes = plan.routes()
        for v in moving:
            day = plan.assignments[v.id].day
            opens, closes = v.window.earliest - margin, v.window.latest + v.duration + margin
            for carer in carers:
                for other in routes.get((carer, day), []):
                    p = plan.assignments[other]
                    if (
                        p.start < closes
                        and p.start + self.instance.visit_by_id[other].duration > opens
                    ):
                        free.add(other)
            if len(free) >= size:
                break
        return free

    def _client_and_its_carers(self, plan: Solution, size: int) -> set[str]:
        """A client's visits, plus visits on its carers' routes on its days, to make room."""
        client = self._pick_client(plan)
        own = [v.id for v in self.instance.visits_by_client.get(client, [])]
        free = set(own)
        routes = plan.routes()
        carers = sorted(
            {c for v in own if v in plan.assignments for c in plan.assignments[v].carers}
        )
        days = sorted({d for v in own for d in self.instance.visit_by_id[v].days})
        keys = [(c, d) for c in carers for d in days if (c, d) in routes]
        self.rng.shuffle(keys)
        for key in keys:
            if len(free) >= size:
                break
            free.update(routes[key])
        return free

    def _clients_sharing_a_carer(self, plan: Solution, size: int) -> set[str]:
        """All visits of a client and of other clients its carers also serve."""
        client = self._pick_client(plan)
        met = client_carers(self.problem, plan)
        mine = met[client]
        partners = sorted(c for c in met if c != client and met[c] & mine)
        self.rng.shuffle(partners)
        free = {v.id for v in self.instance.visits_by_client.get(client, [])}
        for other in partners:
            if len(free) >= size:
                break
            free.update(v.id for v in self.instance.visits_by_client.get(other, []))
        return free

    def _carers_over_days(self, plan: Solution, size: int) -> set[str]:
        """Every visit on a few carers' routes over a few consecutive days."""
        routes = plan.routes()
        if not routes:
            return {v.id for v in self.instance.visits}
        days = self.instance.horizon.days
        first = self.rng.randrange(days)
        span = range(first, min(days, first + self.rng.randint(1, 3)))
        carers = sorted({c for c, d in routes if d in span})
        self.rng.shuffle(carers)
        free: set[str] = set()
        for carer in carers:
            if len(free) >= size:
                break
            for day in span:
                free.update(routes.get((carer, day), []))
        return free


def candidate_carers(
    problem: Problem, plan: Solution, free: set[str], rng: random.Random, extra: int = 2
) -> dict[str, list[str]]:
    """Carers a freed visit may go to: those its client already meets, its own, and a few others.

    Continuity only improves by moving visits towards carers the client already meets; a
    few other eligible carers keep room to manoeuvre: first those whose routes the step frees
    on the visit's day too (the step re-plans their routes, so they can make room; a fixed
    route can only take a visit where it has a gap), then others drawn at random. An unserved
    visit may go to anyone.
    """
    met = client_carers(problem, plan)
    freed: dict[int, set[str]] = {}  # per day, the carers whose visits the step frees
    for visit_id in free:
        if (placed := plan.assignments.get(visit_id)) is not None:
            freed.setdefault(placed.day, set()).update(placed.carers)
    allowed: dict[str, list[str]] = {}
    for visit_id in sorted(free):
        able = problem.eligible.get(visit_id, [])
        if visit_id not in plan.assignments:
            allowed[visit_id] = able
            continue
        keep = set(met[problem.visit(visit_id).client]) | set(plan.assignments[visit_id].carers)
        others = [c for c in able if c not in keep]
        rng.shuffle(others)
        moving = freed.get(plan.assignments[visit_id].day, set())
        others.sort(key=lambda c: c not in moving)  # stable: drawn at random within each
        allowed[visit_id] = [c for c in able if c in keep] + others[:extra]
    return allowed


def pinned(problem: Problem, plan: Solution) -> set[str]:
    """Assigned visits whose lock leaves no choice (every carer, the start and the day):
    freeing them would only spend the step's budget on visits that cannot move."""
    found = set()
    for visit_id in plan.assignments:
        v = problem.visit(visit_id)
        if (
            v.locked_start is not None
            and len(v.days) == 1
            and (
                len(v.locked_carers) == v.staff_needed
                or len(problem.eligible.get(visit_id, [])) == v.staff_needed
            )
        ):
            found.add(visit_id)
    return found
