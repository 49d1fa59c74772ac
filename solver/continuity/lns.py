"""Large-neighbourhood search: free a few related visits, re-plan them with CP-SAT, keep gains.

Neighbourhoods are chosen so that they can lower a client's carer count: the visits of a
client above its lower bound together with the routes of the carers who serve it (so that
CP-SAT can make room on a carer's day by moving another client's visit elsewhere), pairs of
clients sharing a carer, and a few carers' routes over a few days (swaps and travel).
Between steps the best plan is tidied in Python (`hemplan.solver.continuity.tidy`): the repair serves visits
left out (re-packing their day's busy hours where single moves fail) and rare carers are
released or merged over the whole team, moves the small neighbourhoods rarely draw, at a
few tenths of a second a pass.
"""

from __future__ import annotations

import random
import time
from dataclasses import astuple, dataclass, replace
from typing import Callable, Literal

from hemplan.solver.bounds import smallest_cover
from hemplan.solver.eligibility import FittingDays
from hemplan.models.contract.instance import Instance, Visit
from hemplan.solver.travel import TravelTimes
from hemplan.solver.continuity.construct import seeded_ranks
from hemplan.solver.continuity.neighbourhood import NeighbourhoodResult, solve_neighbourhood
from hemplan.solver.solution import Plan
from hemplan.solver.continuity.repack import NodeBudget
from hemplan.solver.score import Score, Weights, client_carers, score
from hemplan.solver.continuity.tidy import tidy

TRAVEL_WEIGHTS = Weights(new_pair=0, not_preferred=0, arrival=0, workload=0)  # the travel-only yardstick
CAPACITY_REASON = "capacity: no route of an eligible carer has room for it"
Ended = Literal["bound", "optimal", "work", "time", "interrupted"]  # why a search stopped; see `improve`
SERVE_SHARE = 0.85  # steps that serve while a servable visit is left out: continuity comes mostly from `tidy`


@dataclass
class SearchSettings:
    """Knobs of the search; the defaults suit a team of about ten carers on two cores.

    The search spends a budget of CP-SAT deterministic time (`work`), not wall seconds, so
    that a seed gives the same schedule on a busy or an idle machine; the wall-clock
    deadline is only a guard that keeps the time limit when the machine is slow.
    """

    objective: str = "continuity"  # or "travel": unserved visits then travel, continuity ignored
    weights: Weights = Weights()  # of the continuity objective (the travel-only one has its own)
    polish_at_bound: int = 30  # once every client is at its bound, steps in a row without a better cost
    step_work: float = 0.1
    polish_share: float = 0.5  # of a step's work its heads left, the share for minutes (travel-only: all)
    min_step_work: float = 0.05  # charged per step at least
    work_per_variable: float = 2e-5  # building the model is work too: charged by its size
    step_seconds: float = 30.0  # a guard only: a loaded machine must not cut a step short of its work
    initial_free: int = 40
    min_free: int = 12
    max_free: int = 120
    workers: int = 1
    tidy_every: int = 3  # steps at least between two tidy passes (`hemplan.solver.continuity.tidy`)
    serve_tidy_every: int = 10  # while a servable visit is left out, a pass at least this often, improved or not
    tidy_work: float = 0.03  # charged per tidy pass: it runs in Python, outside CP-SAT's count
    repack_nodes: int = 3000  # search nodes a tidy pass may spend re-packing days for left-over visits
    work_per_node: float = 1e-4  # charged per re-packing node (measured: about a third of a millisecond each)


def plan_routes(plan: Plan) -> dict[tuple[str, int], list[str]]:
    """Visit ids on each carer-day."""
    routes: dict[tuple[str, int], list[str]] = {}
    for visit_id, p in plan.assignments.items():
        for carer in p.carers:
            routes.setdefault((carer, p.day), []).append(visit_id)
    return routes


def merge(plan: Plan, result: NeighbourhoodResult) -> Plan:
    """The plan with the neighbourhood's new placements and breaks."""
    assignments = dict(plan.assignments)
    unassigned = dict(plan.unassigned)
    for visit_id, placement in result.placements.items():
        if placement is None:
            assignments.pop(visit_id, None)
            unassigned[visit_id] = plan.unassigned.get(visit_id, CAPACITY_REASON)
        else:
            assignments[visit_id] = placement
            unassigned.pop(visit_id, None)
    merged = Plan(assignments=assignments, unassigned=unassigned)
    working = set(plan_routes(merged))
    merged.breaks = {k: b for k, b in {**plan.breaks, **result.breaks}.items() if k in working}
    return merged


class Neighbourhoods:
    """Draws sets of visits to free, guided by which clients exceed their lower bound."""

    def __init__(self, instance: Instance, eligible: dict[str, list[str]], bounds: dict[str, int], rng: random.Random,
                 objective: str = "continuity"):
        self.instance = instance
        self.eligible = eligible
        self.bounds = bounds
        self.rng = rng
        self.objective = objective

    def draw(self, plan: Plan, size: int) -> set[str]:
        servable = sorted(v for v in plan.unassigned if self.eligible.get(v))
        if servable and self.rng.random() < SERVE_SHARE:
            return self._unserved_and_routes(plan, servable, size)
        roll = self.rng.random()  # shares measured by the carers each kind of step removed
        if self.objective == "travel":
            return self._carers_over_days(plan, size) if roll < 0.7 else self._clients_sharing_a_carer(plan, size)
        if roll < 0.6:
            return self._drop_a_carer(plan, size)
        if roll < 0.7:
            return self._toward_smallest_cover(plan, size)
        if roll < 0.85:
            return self._clients_sharing_a_carer(plan, size)
        return self._carers_over_days(plan, size)

    def _unserved_and_routes(self, plan: Plan, servable: list[str], size: int) -> set[str]:
        """An unserved visit with the routes of carers who could take it on its days, the
        visits near it in time first (they are the ones in its way)."""
        visit = self.instance.visit_by_id[self.rng.choice(servable)]
        if self.rng.random() < 0.5:
            return self._unserved_day(plan, visit, size)
        routes = plan_routes(plan)
        keys = [(c, d) for c in self.eligible[visit.id] for d in visit.days if (c, d) in routes]
        self.rng.shuffle(keys)
        free = {visit.id} | {v for v in servable if self.instance.visit_by_id[v].days == visit.days}
        for key in keys:
            if len(free) >= size:
                break
            free.update(routes[key])
        return free

    def _unserved_day(self, plan: Plan, visit: Visit, size: int) -> set[str]:
        """Every visit of the unserved visit's day(s) whose start is near its window."""
        opens, closes = visit.window.earliest - 90, visit.window.latest + visit.duration + 90
        near = [
            v for v, p in plan.assignments.items()
            if p.day in visit.days and p.start < closes and p.start + self.instance.visit_by_id[v].duration > opens
        ]
        near.sort(key=lambda v: abs(plan.assignments[v].start - visit.window.earliest))
        unserved = [v for v in plan.unassigned if self.instance.visit_by_id[v].days == visit.days]
        return set(unserved) | set(near[: max(0, size - len(unserved))])

    def _pick_client(self, plan: Plan) -> str:
        met = client_carers(self.instance, plan)
        excess = {c: len(met[c]) - self.bounds.get(c, 0) for c in sorted(met)}
        above = [c for c, e in excess.items() if e > 0]
        if above:
            return self.rng.choices(above, weights=[excess[c] for c in above])[0]
        return self.rng.choice(sorted(met))

    def _drop_a_carer(self, plan: Plan, size: int) -> set[str]:
        """Try to take a client's rarest carer away (one a smallest cover of the client can do
        without, when there is one): free that carer's visits to the client and, on the client's
        other carers' routes, the visits that clash with them in time."""
        own, count, cover = self._client_carers(plan)
        if len(count) < 2:
            return self._client_and_its_carers(plan, size)
        spare = [c for c in sorted(count) if not cover or c not in cover]  # carers a smallest cover can do without
        rarest = min(spare or sorted(count), key=lambda c: count[c])
        moving = [v for v in own if rarest in plan.assignments[v.id].carers]
        return self._with_clashes(plan, moving, sorted(set(count) - {rarest}), size)

    def _toward_smallest_cover(self, plan: Plan, size: int) -> set[str]:
        """Move a client towards a smallest carer set that could serve it (its current carers
        preferred): free its visits done by others and the clashing visits on that set's routes."""
        own, _, cover = self._client_carers(plan)
        if not cover:
            return self._drop_a_carer(plan, size)
        moving = [v for v in own if not set(plan.assignments[v.id].carers) <= cover]
        self.rng.shuffle(moving)
        return self._with_clashes(plan, moving, sorted(cover), size)

    def _client_carers(self, plan: Plan) -> tuple[list[Visit], dict[str, int], frozenset[str] | None]:
        """A client picked by excess: its served visits, visits per carer, and a smallest carer
        set that could serve them, its most frequent carers preferred."""
        client = self._pick_client(plan)
        own = [v for v in self.instance.visits_by_client.get(client, []) if v.id in plan.assignments]
        count: dict[str, int] = {}
        for v in own:
            for c in plan.assignments[v.id].carers:
                count[c] = count.get(c, 0) + 1
        preference = sorted(count, key=lambda c: (-count[c], c))
        _, cover = smallest_cover(((frozenset(self.eligible.get(v.id, ())), v.staff_needed) for v in own), preference)
        return own, count, cover

    def _with_clashes(self, plan: Plan, moving: list[Visit], carers: list[str], size: int, margin: int = 30) -> set[str]:
        """The `moving` visits and, on the routes of `carers` on their days, the visits that
        overlap their windows (they are in the way)."""
        free = {v.id for v in moving}
        routes = plan_routes(plan)
        for v in moving:
            day = plan.assignments[v.id].day
            opens, closes = v.window.earliest - margin, v.window.latest + v.duration + margin
            for carer in carers:
                for other in routes.get((carer, day), []):
                    p = plan.assignments[other]
                    if p.start < closes and p.start + self.instance.visit_by_id[other].duration > opens:
                        free.add(other)
            if len(free) >= size:
                break
        return free

    def _client_and_its_carers(self, plan: Plan, size: int) -> set[str]:
        """A client's visits, plus visits on its carers' routes on its days, to make room."""
        client = self._pick_client(plan)
        own = [v.id for v in self.instance.visits_by_client.get(client, [])]
        free = set(own)
        routes = plan_routes(plan)
        carers = sorted({c for v in own if v in plan.assignments for c in plan.assignments[v].carers})
        days = sorted({d for v in own for d in self.instance.visit_by_id[v].days})
        keys = [(c, d) for c in carers for d in days if (c, d) in routes]
        self.rng.shuffle(keys)
        for key in keys:
            if len(free) >= size:
                break
            free.update(routes[key])
        return free

    def _clients_sharing_a_carer(self, plan: Plan, size: int) -> set[str]:
        """All visits of a client and of other clients its carers also serve."""
        client = self._pick_client(plan)
        met = client_carers(self.instance, plan)
        mine = met[client]
        partners = sorted(c for c in met if c != client and met[c] & mine)
        self.rng.shuffle(partners)
        free = {v.id for v in self.instance.visits_by_client.get(client, [])}
        for other in partners:
            if len(free) >= size:
                break
            free.update(v.id for v in self.instance.visits_by_client.get(other, []))
        return free

    def _carers_over_days(self, plan: Plan, size: int) -> set[str]:
        """Every visit on a few carers' routes over a few consecutive days."""
        routes = plan_routes(plan)
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
    instance: Instance, eligible: dict[str, list[str]], plan: Plan, free: set[str], rng: random.Random, extra: int = 2
) -> dict[str, list[str]]:
    """Carers a freed visit may go to: those its client already meets, its own, and a few others.

    Continuity only improves by moving visits towards carers the client already meets; a
    few other eligible carers keep room to manoeuvre. An unserved visit may go to anyone.
    """
    met = client_carers(instance, plan)
    allowed: dict[str, list[str]] = {}
    for visit_id in sorted(free):
        able = eligible.get(visit_id, [])
        if visit_id not in plan.assignments:
            allowed[visit_id] = able
            continue
        keep = set(met[instance.visit_by_id[visit_id].client]) | set(plan.assignments[visit_id].carers)
        others = [c for c in able if c not in keep]
        rng.shuffle(others)
        allowed[visit_id] = [c for c in able if c in keep] + others[:extra]
    return allowed


def pinned(instance: Instance, eligible: dict[str, list[str]], plan: Plan) -> set[str]:
    """Assigned visits whose lock leaves no choice (every carer, the start and the day):
    freeing them would only spend the step's budget on visits that cannot move."""
    found = set()
    for visit_id, p in plan.assignments.items():
        v = instance.visit_by_id[visit_id]
        if v.locked_start is not None and len(v.days) == 1 and (
            len(v.locked_carers) == v.staff_needed or len(eligible.get(visit_id, [])) == v.staff_needed
        ):
            found.add(visit_id)
    return found


def drops_a_lock(instance: Instance, plan: Plan, candidate: Plan) -> bool:
    """Whether `candidate` leaves out a locked visit that `plan` serves: locks are hard, so
    such a plan is never accepted, even when it would serve a more important visit instead."""
    return any(
        v in plan.assignments and (instance.visit_by_id[v].locked_carers or instance.visit_by_id[v].locked_start is not None)
        for v in candidate.unassigned
    )


def all_at_bound(instance: Instance, plan: Plan, bounds: dict[str, int], eligible: dict[str, list[str]]) -> bool:
    """Whether no plan can do better on continuity: every client at its bound, and no mandatory
    visit left out that an eligible carer could serve (one with none stays out in every plan)."""
    met = client_carers(instance, plan)
    return all(len(met[c]) <= bounds.get(c, 0) for c in met) and not any(
        instance.visit_by_id[v].priority == "mandatory" and eligible.get(v) for v in plan.unassigned
    )


def _work_of(result: NeighbourhoodResult | None, step_work: float, settings: SearchSettings) -> float:
    """Deterministic work a step cost: CP-SAT's own measure plus a charge for building the model."""
    if result is None:
        return step_work
    return result.deterministic_time + result.variables * settings.work_per_variable


def improve(
    instance: Instance,
    travel: TravelTimes,
    eligible: dict[str, list[str]],
    bounds: dict[str, int],
    plan: Plan,
    work: float,
    deadline: float,
    seed: int,
    settings: SearchSettings,
    should_stop: Callable[[], bool] = lambda: False,
    on_improve: Callable[[Plan, Score], None] = lambda plan, score: None,
) -> tuple[Plan, Ended]:
    """Improve `plan` until `work` is spent, `deadline` (time.monotonic) passes, a stop is
    requested, or every client is at its bound and `settings.polish_at_bound` steps in a row
    have not lowered the cost (travel, arrival and workload still count once continuity is
    optimal). Returns the best plan found (after Ctrl-C too: it is kept, never lost) and what
    ended the search: "bound", "optimal" (nothing left to try: every movable visit was
    re-planned at once, optimally, or none may move), "work", "time" or "interrupted" (Ctrl-C
    or a stop request)."""
    best = plan
    try:
        rng = random.Random(seed)
        hoods = Neighbourhoods(instance, eligible, bounds, rng, settings.objective)
        by_travel = settings.objective == "travel"
        key: Callable[[Score], tuple] = Score.travel_first if by_travel else astuple
        weights = TRAVEL_WEIGHTS if by_travel else settings.weights
        # the minute terms (arrival, workload) join the CP-SAT model once every visit is served:
        # measured on district-14d, modelling them earlier slows the steps that serve visits and
        # merge carers (37 unserved after 60 s against 19); until then they only break ties
        serving = weights if by_travel else replace(weights, arrival=0, workload=0)
        best_score = score(instance, travel, plan, bounds, weights)
        fixed = pinned(instance, eligible, plan)
        movable = set(instance.visit_by_id) - fixed
        # lock-heavy (a replan): the few visits that may move are re-planned all at once
        whole = bool(fixed) and len(movable) <= settings.max_free
        size = settings.initial_free
        step = 0
        # now and then the plan is tidied in Python (`hemplan.solver.continuity.tidy`): moves over the whole team
        # that the small neighbourhoods rarely draw
        days = FittingDays(instance, travel)
        ranks = seeded_ranks([s.id for s in instance.staff] + [c.id for c in instance.clients], seed)
        tidied_at = -settings.tidy_every
        untidy = False  # the best plan changed since the last tidy pass
        stale = 0  # steps in a row without a better score
        spent = 0.0
        solved_whole = False
        while (
            spent < work
            and time.monotonic() < deadline
            and not should_stop()
            and (by_travel or stale < settings.polish_at_bound or not all_at_bound(instance, best, bounds, eligible))
            and movable
            and not solved_whole
        ):
            free = set(movable) if whole else hoods.draw(best, size) - fixed
            step += 1
            stale += 1
            if not free:
                spent += settings.min_step_work
                continue
            limit = min(settings.step_seconds, deadline - time.monotonic())
            step_work = min(settings.step_work, work - spent)
            allowed = eligible if by_travel or whole else candidate_carers(instance, eligible, best, free, rng)
            result = solve_neighbourhood(
                instance, travel, allowed, best.assignments, best.breaks, free, limit,
                seed=seed + step, workers=settings.workers,
                weights=weights if best_score.unassigned_mandatory + best_score.unassigned_deferrable == 0 else serving,
                deterministic_limit=step_work,
                polish_share=1.0 if by_travel else settings.polish_share,
            )
            spent += max(settings.min_step_work, _work_of(result, step_work, settings))
            if result is None:
                size = max(settings.min_free, int(size * 0.8))
                whole = False  # too much at once: fall back to drawn neighbourhoods
                continue
            size = min(settings.max_free, size + 4) if result.status == "OPTIMAL" else max(settings.min_free, size - 4)
            candidate = merge(best, result)
            candidate_score = score(instance, travel, candidate, bounds, weights)
            improved = False
            if key(candidate_score) <= key(best_score) and not drops_a_lock(instance, best, candidate):
                improved = key(candidate_score) < key(best_score)
                best, best_score = candidate, candidate_score
                if improved:
                    stale = 0
                    on_improve(best, best_score)
                untidy = not by_travel
            since = step - tidied_at
            if not by_travel and (
                (improved and since >= settings.tidy_every)
                or (since >= settings.serve_tidy_every and any(eligible.get(v) for v in best.unassigned))  # stuck
            ):
                tidied_at, untidy = step, False
                best, best_score, work_done = _tidied(instance, travel, eligible, bounds, days, ranks, best, best_score,
                                                      on_improve, settings, step)
                spent += work_done
            solved_whole = whole and result.status == "OPTIMAL"  # every movable visit at once, optimally
        if untidy:  # the last steps' plan has not been tidied yet: a few tenths of a second past the budget
            best, best_score, _ = _tidied(instance, travel, eligible, bounds, days, ranks, best, best_score, on_improve,
                                          settings, step)
    except KeyboardInterrupt:
        return best, "interrupted"
    if should_stop():
        return best, "interrupted"
    if solved_whole or not movable:
        return best, "optimal"
    if spent >= work:
        return best, "work"
    return best, "time" if time.monotonic() >= deadline else "bound"


def _tidied(instance: Instance, travel: TravelTimes, eligible: dict[str, list[str]], bounds: dict[str, int],
            days: FittingDays, ranks: dict[str, float], best: Plan, best_score: Score,
            on_improve: Callable[[Plan, Score], None], settings: SearchSettings, step: int) -> tuple[Plan, Score, float]:
    """The best plan after a tidy pass (`hemplan.solver.continuity.tidy`), reported when the pass changed it, and
    the work the pass is charged."""
    repacking = NodeBudget(settings.repack_nodes, seed=step)
    tidied = tidy(instance, travel, best, eligible, days, ranks, bounds, repacking, turn=step)
    work = settings.tidy_work + repacking.spent * settings.work_per_node
    if tidied is None:
        return best, best_score, work
    tidied_score = score(instance, travel, tidied, bounds, settings.weights)
    on_improve(tidied, tidied_score)
    return tidied, tidied_score, work
