"""Ruin and recreate at the bound: the cost of a plan whose continuity no plan can better.

Once every client is at its bound only the cost is left (travel, lateness, arrival), and the
search's small CP-SAT steps end in a local optimum that more steps do not leave (Mankowska
C1 at 60 s: +18.6 % over the best known, every step after the first plan's rounds in vain).
Routing heuristics leave such optima by taking out a few strings of neighbouring stops and
putting the visits back one by one (Christiaens and Vanden Berghe's SISR, 2020), accepting a
slightly worse plan now and then (simulated annealing) so that the walk can cross a ridge.
The visits left out are offered again after every ruin: a route that has room now may take
one (Mankowska E1's visit that only its one s1 carer can begin needs that carer's route
near its shortest).

Here the strings come off the routes near a random visit (travel from its home), from a few
routes; a double-staffed visit leaves both its carers' routes. The visits go back through the
construction's inserter (`insert.Inserter`): carers the client still meets first, then the
cheapest insertion, a double-staffed visit at a common start or within its gap. A recreated
plan is compared with the current one on the whole score: it must be no worse on everything
before the cost (served visits, continuity), and its cost may be higher by at most the
temperature's draw. The walk's work is the insertions it works out (the inserter's question,
where and at what cost a visit goes into a route), so a seed gives the same plan on any
machine; the deadline is only a guard.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import astuple, dataclass

import numpy as np

from hemplan.solver.continuity.carer_days import CarerDays, Key
from hemplan.solver.continuity.cover import CarerChoice
from hemplan.solver.continuity.insert import Inserter
from hemplan.solver.continuity.tidy import tidy_ranks
from hemplan.solver.problem import Problem
from hemplan.solver.score import Score, Weights, score
from hemplan.solver.solution import Solution

COST_FIELD = [f for f in Score.__dataclass_fields__].index("cost")
NEAREST = 100  # visits a ruin looks through for its strings' routes
# a walk's part of the cooling schedule (`heat_at`) when it walks the whole of it, hot to cold
WHOLE_COOLING: tuple[float, float] = (0.0, 1.0)


@dataclass(frozen=True)
class RuinSettings:
    """How much one iteration takes out and how warm the walk starts and ends."""

    strings: int = 3  # routes a ruin takes a string from, at most
    string_length: int = 5  # stops in one string, at most
    # the temperature as a share of the plan's cost per visit: at the start a draw may accept
    # a plan half of one visit's share worse, at the end one two-hundredth (0.1 and 0.2 at the
    # start did no better on Mankowska C1, D2 and E2, two seeds each)
    start_heat: float = 0.5
    end_heat: float = 0.005
    # ruins in a row without a better plan that end the walk before its budget: a small team
    # walks its few routes in a fraction of a second and should not spend the rest on them,
    # and on a one-team day the time left once a walk stops finding better plans does more in
    # the rounds after it (a cold walk from the best plan, a restart from a new construction):
    # 500 against 2000, Mankowska D2 and E2 at 60 s over six seeds +3.5 % and +3.7 % against
    # +6.9 % and +5.4 % over the best known, C and F level (benchmarks/RESULTS.md)
    patience: int = 500
    # ...and at least this many insertions without one: a small day's ruins are cheap, and 500
    # of them took Mankowska B1 under a second, too short a walk to find its better plans
    patience_insertions: int = 60_000


def ruin_and_recreate(
    problem: Problem,
    plan: Solution,
    insertions: int,
    seed: int,
    weights: Weights,
    deadline: float,
    should_stop: Callable[[], bool] = lambda: False,
    settings: RuinSettings = RuinSettings(),
    cooling: tuple[float, float] = WHOLE_COOLING,
) -> tuple[Solution, Score, int]:
    """The best plan the walk met from `plan` (`plan` itself when none was better), its score,
    and the insertions it worked out: about `insertions` (the last ruin is put back whole),
    fewer once `settings.patience` ruins and `settings.patience_insertions` insertions in a
    row found nothing better, at the deadline or at a stop request. `cooling`: the part of the
    schedule from `settings.start_heat` to `settings.end_heat` this walk covers, when a search
    walks in several rounds (one cooling over the rounds did better than a hot start in every
    round: Mankowska C1 at 60 s, +3.6 % -> +1.7 % over the best known on three seeds' mean, F2
    +6.3 % -> +3.9 %; benchmarks/RESULTS.md)."""
    best, best_score = plan, score(problem, plan, weights)
    routes = CarerDays.from_solution(problem, plan)
    movable = _movable(problem, plan)
    if routes is None or len(movable) < 2 or insertions <= 0:
        return best, best_score, 0
    rng = random.Random(seed)
    inserter = Inserter(routes, CarerChoice(), tidy_ranks(problem, seed), quick=True)
    near = _Near(problem, movable)
    current = kept = astuple(best_score)  # the current plan's and the best plan's score
    per_visit = max(1.0, best_score.cost / max(1, len(plan.assignments)))
    since_best = 0
    asked_at_best = 0  # the insertions asked when the walk last found a better plan
    began = time.monotonic()
    while (
        routes.asked < insertions
        and (
            since_best < settings.patience
            or routes.asked - asked_at_best < settings.patience_insertions
        )
        and time.monotonic() < deadline
        and not should_stop()
    ):
        # cooled by whichever runs out first, the work or the clock: a walk the deadline
        # ends still ends cold (at a work limit the clock is far and the walk reproducible)
        spent = routes.asked / insertions
        spent = max(spent, (time.monotonic() - began) / max(1e-9, deadline - began))
        heat = per_visit * heat_at(settings, cooling, spent)
        since_best += 1
        routes.begin()
        left_out = {v: why for v, why in plan.unassigned.items() if v not in routes.day_of}
        servable = sorted(v for v in left_out if problem.eligible.get(v))
        # while a visit is left out, every other ruin is around it
        nearby = [v for v in servable if v in near]
        around = rng.choice(nearby) if nearby and rng.random() < 0.5 else None
        taken = _ruin(routes, movable, near, rng, settings, around)
        for visit_id in servable:  # offered first: a route may have room now
            if inserter.place(problem.visit(visit_id)) is None:
                del left_out[visit_id]
        if not taken or not _recreate(problem, inserter, taken, rng):
            routes.rollback()
            continue
        candidate = routes.update(plan, left_out)
        candidate_score = score(problem, candidate, weights)
        found = astuple(candidate_score)
        if found[:COST_FIELD] > current[:COST_FIELD] or (
            found[:COST_FIELD] == current[:COST_FIELD]
            and found[COST_FIELD] > current[COST_FIELD] - heat * math.log(1.0 - rng.random())
        ):
            routes.rollback()
            continue
        routes.commit()
        current = found
        if found < kept:
            best, best_score, kept, since_best = candidate, candidate_score, found, 0
            asked_at_best = routes.asked
    return best, best_score, routes.asked


def heat_at(settings: RuinSettings, cooling: tuple[float, float], spent: float) -> float:
    """The temperature (a share of the cost per visit) once `spent` of a walk's budget is
    spent, the walk covering `cooling` of the schedule from `settings.start_heat` down to
    `settings.end_heat` (geometric)."""
    done = cooling[0] + (cooling[1] - cooling[0]) * min(1.0, spent)
    return settings.start_heat * (settings.end_heat / settings.start_heat) ** done


def _movable(problem: Problem, plan: Solution) -> list[str]:
    """Visits a ruin may take out once served: no lock of any kind (a lock is the planner's);
    the visits left out too, since the walk may place them."""
    return sorted(
        v
        for v in (*plan.assignments, *plan.unassigned)
        if not problem.visit(v).locked_carers and problem.visit(v).locked_start is None
    )


class _Near:
    """Each movable visit's NEAREST movable visits by travel from its home (itself first),
    worked out when a ruin first starts from it: a big team's full table would not fit."""

    def __init__(self, problem: Problem, movable: list[str]) -> None:
        self.movable = movable
        self.index = {v: k for k, v in enumerate(movable)}
        self.homes = np.array([problem.home(problem.visit(v)) for v in movable], dtype=np.intp)
        self.minutes = problem.travel.minutes[0]
        self.known: dict[str, list[str]] = {}

    def __contains__(self, visit_id: str) -> bool:
        return visit_id in self.index

    def __getitem__(self, visit_id: str) -> list[str]:
        if visit_id not in self.known:
            k = self.index[visit_id]
            row = self.minutes[self.homes[k]][self.homes]
            order = np.argsort(row, kind="stable")[: NEAREST + 1]
            self.known[visit_id] = [visit_id] + [self.movable[j] for j in order if j != k][:NEAREST]
        return self.known[visit_id]


def _ruin(
    routes: CarerDays,
    movable: list[str],
    near: _Near,
    rng: random.Random,
    settings: RuinSettings,
    around: str | None = None,
) -> list[str]:
    """Take strings of neighbouring stops off up to `settings.strings` routes, nearest the
    routes of a random visit's neighbours first (or of `around`'s, a visit left out); the
    visits taken out (empty when a route would not time without them: the trial is then
    given up)."""
    taken: list[str] = []
    strings = rng.randint(1, settings.strings)
    ruined: set[Key] = set()
    for visit_id in near[around if around is not None else rng.choice(movable)]:
        if len(ruined) >= strings:
            break
        if visit_id in taken or visit_id not in routes.day_of:
            continue
        key = (routes.carers_of[visit_id][0], routes.day_of[visit_id])
        if key in ruined:
            continue
        ruined.add(key)
        stops = [s.visit for s in routes.stops[key]]
        at = stops.index(visit_id)
        length = rng.randint(1, min(settings.string_length, len(stops)))
        first = max(0, min(at - rng.randrange(length), len(stops) - length))
        for other in stops[first : first + length]:
            if other not in near or other in taken:  # a locked visit stays
                continue
            for carer in list(routes.carers_of[other]):
                if not routes.remove(carer, routes.day_of[other], other):
                    return []
            taken.append(other)
    return taken


def _recreate(problem: Problem, inserter: Inserter, taken: list[str], rng: random.Random) -> bool:
    """Put the visits back, double-staffed ones first (they need two routes with room at
    once), the rest in random order or by their windows; False when one fits nowhere."""
    visits = [problem.visit(v) for v in taken]
    rng.shuffle(visits)
    if rng.random() < 0.5:
        visits.sort(key=lambda v: v.allowed_starts[0][0])
    visits.sort(key=lambda v: v.staff_needed, reverse=True)
    return all(inserter.place(v) is None for v in visits)
