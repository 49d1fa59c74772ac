"""Large-neighbourhood search: free a few related visits (`neighbourhoods`), re-plan them
with CP-SAT (`neighbourhood`), keep gains.

Between steps the best plan is tidied in Python (`hemplan.solver.continuity.tidy`): the repair
serves visits left out (re-packing their day's busy hours where single moves fail) and rare carers
are released or merged over the whole team, moves the small neighbourhoods rarely draw, at a
few tenths of a second a pass.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import astuple, dataclass, replace
from typing import Literal

from hemplan.solver.continuity.free_starts import applies, draw_clients, solve_free_starts
from hemplan.solver.continuity.neighbourhood import (
    NeighbourhoodResult,
    StepLimits,
    solve_neighbourhood,
)
from hemplan.solver.continuity.neighbourhoods import Neighbourhoods, candidate_carers, pinned
from hemplan.solver.continuity.recreate import WHOLE_COOLING, ruin_and_recreate
from hemplan.solver.continuity.repack import NodeBudget
from hemplan.solver.continuity.tidy import tidied_in_budget, tidy, tidy_ranks
from hemplan.solver.problem import Problem
from hemplan.solver.score import Score, Weights, client_carers, score
from hemplan.solver.solution import Solution

CAPACITY_REASON = "capacity: no route of an eligible carer has room for it"
Ended = Literal[
    "bound", "optimal", "work", "time", "interrupted"
]  # why a search stopped; see `improve`


@dataclass
class SearchSettings:
    """Knobs of the search; the defaults suit a team of about ten carers on two cores.

    The search spends a budget of CP-SAT deterministic time (`work`), not wall seconds, so
    that a seed gives the same schedule on a busy or an idle machine; the wall-clock
    deadline is only a guard that keeps the time limit when the machine is slow.
    """

    weights: Weights = Weights()  # the cost's exchange rates (see solver.score)
    step_work: float = 0.1
    polish_share: float = (
        0.5  # of a step's work its heads left, the share for minutes (travel-only: all)
    )
    min_step_work: float = 0.05  # charged per step at least
    work_per_variable: float = 2e-5  # building the model is work too: charged by its size
    step_seconds: float = (
        30.0  # a guard only: a loaded machine must not cut a step short of its work
    )
    initial_free: int = 40
    min_free: int = 12
    max_free: int = 120
    workers: int = 1
    tidy_every: int = 3  # steps at least between two tidy passes (`hemplan.solver.continuity.tidy`)
    serve_tidy_every: int = (
        10  # while a servable visit is left out, a pass at least this often, improved or not
    )
    # once every client is at its bound the cost is walked by ruin and recreate
    # (`continuity.recreate`): at once when a step cannot free the whole team, else after this
    # many steps in a row without a better score (a step over a small team may end optimal)
    recreate_after: int = 30
    # charged per insertion or reach (`CarerDays.asked`) a walk works out: about 45 us each
    work_per_insertion: float = 1.3e-5
    tidy_work: float = 0.03  # charged per tidy pass: it runs in Python, outside CP-SAT's count
    # all steps but every so many free the starts (`continuity.free_starts`, each within its
    # own work) while a client is above its bound or a servable visit is out: on district-14d
    # in 60 s, three in four (seeds 0-2: 339 / 343 / 337 pairs), all (340 / 340 / 335) or one
    # in two (337 / 345 / 336), against 345-350 without
    free_starts_every: int = 4
    free_starts_work: float = 0.5
    repack_nodes: int = (
        3000  # search nodes a tidy pass may spend re-packing days for left-over visits
    )
    work_per_node: float = (
        1e-4  # charged per re-packing node (measured: about a third of a millisecond each)
    )


def merge(plan: Solution, result: NeighbourhoodResult) -> Solution:
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
    merged = Solution(assignments=assignments, unassigned=unassigned)
    working = set(merged.routes())
    merged.breaks = {k: b for k, b in {**plan.breaks, **result.breaks}.items() if k in working}
    return merged


def drops_a_lock(problem: Problem, plan: Solution, candidate: Solution) -> bool:
    """Whether `candidate` leaves out a locked visit that `plan` serves: locks are hard, so
    such a plan is never accepted, even when it would serve a more important visit instead."""
    return any(v in plan.assignments and problem.visit(v).locked for v in candidate.unassigned)


def all_at_bound(problem: Problem, plan: Solution) -> bool:
    """Whether no plan can do better on continuity: every client at its bound
    (`clients_at_bound`), and no mandatory visit left out that an eligible carer could serve
    (one with none stays out in every plan)."""
    return clients_at_bound(problem, plan) and not any(
        problem.visit(v).priority == "mandatory" and problem.eligible.get(v)
        for v in plan.unassigned
    )


def clients_at_bound(problem: Problem, plan: Solution) -> bool:
    """Whether every client meets no more carers than its bound (and, with a history, only
    carers it knows): what is left to gain is served visits and the cost."""
    met = client_carers(problem, plan)
    bounds, known = problem.bounds, problem.known
    return all(
        len(met[c]) <= bounds.get(c, 0) and (c not in known or met[c] <= known[c]) for c in met
    )


def _work_of(
    result: NeighbourhoodResult | None, step_work: float, settings: SearchSettings
) -> float:
    """Deterministic work a step cost: CP-SAT's own measure plus a charge for building the model."""
    if result is None:
        return step_work
    return result.deterministic_time + result.variables * settings.work_per_variable


@dataclass(frozen=True)
class Budget:
    """What one search may spend: CP-SAT deterministic work, the measure that makes a seed give
    the same plan on any machine, and a wall-clock deadline (time.monotonic) as a guard."""

    work: float
    deadline: float
    cooling: tuple[float, float] = WHOLE_COOLING  # of a walk's schedule (`ruin_and_recreate`)


def improve(
    problem: Problem,
    plan: Solution,
    budget: Budget,
    seed: int,
    settings: SearchSettings,
    should_stop: Callable[[], bool] = lambda: False,
    on_improve: Callable[[Solution, Score], None] = lambda plan, score: None,
) -> tuple[Solution, Ended]:
    """Improve `plan` until the budget's work is spent, its deadline passes, a stop is
    requested. Once every client is at its bound the rest of the work goes to ruin and
    recreate (`continuity.recreate`): the cost (travel, lateness, arrival) and any visit still
    left out are all that is left, and the small steps end in a local optimum of the minutes
    that the walk leaves (Mankowska D1 at 60 s: +24 % over the best known -> +0.1 %). Returns
    the best plan found (after Ctrl-C too: it is kept, never lost) and what ended the search:
    "bound" (at the bound with nothing left to walk), "optimal" (nothing left to try: every
    movable visit was re-planned at once, optimally, or none may move), "work", "time" or
    "interrupted" (Ctrl-C or a stop request)."""
    best = plan
    instance, eligible = problem.instance, problem.eligible
    work, deadline = budget.work, budget.deadline
    try:
        rng = random.Random(seed)
        hoods = Neighbourhoods(problem, rng, stable_week=settings.weights.week > 0)
        key: Callable[[Score], tuple] = astuple
        weights = settings.weights
        # the minute terms (arrival, workload) join the CP-SAT model once every visit is served:
        # measured on district-14d, modelling them earlier slows the steps that serve visits and
        # merge carers (37 unserved after 60 s against 19); until then they only break ties
        serving = replace(weights, arrival=0, workload=0)
        best_score = score(problem, plan, weights)
        fixed = pinned(problem, plan)
        movable = set(instance.visit_by_id) - fixed
        # lock-heavy (a replan): the few visits that may move are re-planned all at once
        whole = bool(fixed) and len(movable) <= settings.max_free
        size = settings.initial_free
        step = 0
        # now and then the plan is tidied in Python (`hemplan.solver.continuity.tidy`): moves over
        # the whole team that the small neighbourhoods rarely draw
        ranks = tidy_ranks(problem, seed)
        tidied_at = -settings.tidy_every
        untidy = False  # the best plan changed since the last tidy pass
        stale = 0  # steps in a row without a better score
        spent = 0.0
        solved_whole = False
        # at the bound the walk takes over: at once when no step can free the whole team, else
        # when the steps (each over the whole team) are stuck; while a visit some carer could
        # serve is left out, the steps, which go to it, are given the same chance first
        # (Mankowska E1: three visits out at one seed of three when the walk came at once)
        walk_after = 0 if len(movable) > settings.initial_free else settings.recreate_after
        # steps that free the starts (`continuity.free_starts`) where its model has every rule
        free_starts = not whole and applies(problem)

        def stuck_at_bound() -> bool:
            if not clients_at_bound(problem, best):
                return False
            if any(eligible.get(v) for v in best.unassigned):  # an optional one too
                return stale >= settings.recreate_after
            return stale >= walk_after

        while (
            spent < work
            and time.monotonic() < deadline
            and not should_stop()
            and not stuck_at_bound()
            and movable
            and not solved_whole
        ):
            free = set(movable) if whole else hoods.draw(best, size) - fixed
            # a draw of every movable visit is the whole problem: every eligible carer may take
            # each, and an optimal step ends the search (a small day, `tiny`: nothing is left)
            everything = whole or free >= movable
            step += 1
            stale += 1
            if not free:
                spent += settings.min_step_work
                continue
            step_work = min(settings.step_work, work - spent)
            limits = StepLimits(
                seconds=min(settings.step_seconds, deadline - time.monotonic()),
                work=step_work,
                seed=seed + step,
                workers=settings.workers,
            )
            clients = (
                draw_clients(problem, best, rng)
                if free_starts and step % settings.free_starts_every != 0
                else []
            )
            if clients:
                limits = replace(limits, work=min(settings.free_starts_work, work - spent))
                result = solve_free_starts(problem, best, clients, limits, weights)
                everything = False
            else:
                allowed = eligible if everything else candidate_carers(problem, best, free, rng)
                result = solve_neighbourhood(
                    problem,
                    best,
                    free,
                    allowed,
                    limits,
                    weights=weights
                    if best_score.unassigned_mandatory + best_score.unassigned_deferrable == 0
                    else serving,
                    polish_share=settings.polish_share,
                )
            spent += max(settings.min_step_work, _work_of(result, step_work, settings))
            if result is None:
                if not clients:
                    size = max(settings.min_free, int(size * 0.8))
                    whole = False  # too much at once: fall back to drawn neighbourhoods
                continue
            if not clients:
                size = (
                    min(settings.max_free, size + 4)
                    if result.status == "OPTIMAL"
                    else max(settings.min_free, size - 4)
                )
            candidate = merge(best, result)
            candidate_score = score(problem, candidate, weights)
            improved = False
            if key(candidate_score) <= key(best_score) and not drops_a_lock(
                problem, best, candidate
            ):
                improved = key(candidate_score) < key(best_score)
                best, best_score = candidate, candidate_score
                if improved:
                    stale = 0
                    on_improve(best, best_score)
                untidy = True
            since = step - tidied_at
            if (
                (improved and since >= settings.tidy_every)
                or (
                    since >= settings.serve_tidy_every
                    and any(eligible.get(v) for v in best.unassigned)
                )  # stuck
            ):
                tidied_at, untidy = step, False
                best, best_score, work_done = _tidied(
                    problem, ranks, best, best_score, on_improve, settings, step
                )
                spent += work_done
            solved_whole = (
                everything and result.status == "OPTIMAL"
            )  # every movable visit at once, optimally
        if (
            not solved_whole
            and spent < work
            and time.monotonic() < deadline
            and not should_stop()
            and stuck_at_bound()
        ):  # the rest goes to ruin and recreate
            walked, walked_score, asked = ruin_and_recreate(
                problem,
                best,
                round((work - spent) / settings.work_per_insertion),
                seed + step + 1,
                weights,
                deadline,
                should_stop,
                cooling=budget.cooling,
            )
            spent += asked * settings.work_per_insertion
            if key(walked_score) < key(best_score) and not drops_a_lock(problem, best, walked):
                best, best_score, untidy = walked, walked_score, True
                on_improve(best, best_score)
        if (
            untidy
        ):  # the last steps' plan has not been tidied yet: a few tenths of a second past the budget
            best, best_score, _ = _tidied(
                problem, ranks, best, best_score, on_improve, settings, step
            )
    except KeyboardInterrupt:
        return best, "interrupted"
    if should_stop():
        return best, "interrupted"
    if solved_whole or not movable:
        return best, "optimal"
    if spent >= work:
        return best, "work"
    return best, "time" if time.monotonic() >= deadline else "bound"


def _tidied(
    problem: Problem,
    ranks: dict[str, float],
    best: Solution,
    best_score: Score,
    on_improve: Callable[[Solution, Score], None],
    settings: SearchSettings,
    step: int,
) -> tuple[Solution, Score, float]:
    """The best plan after a tidy pass (`hemplan.solver.continuity.tidy`), reported when the pass
    changed it (with a travel budget, only when no worse), and the work the pass is charged."""
    if problem.travel_budget is not None:
        return _tidied_in_budget(problem, ranks, best, best_score, on_improve, settings, step)
    repacking = NodeBudget(settings.repack_nodes, seed=step)
    tidied = tidy(problem, best, ranks, repacking, turn=step)
    work = settings.tidy_work + repacking.spent * settings.work_per_node
    if tidied is None:
        return best, best_score, work
    tidied_score = score(problem, tidied, settings.weights)
    on_improve(tidied, tidied_score)
    return tidied, tidied_score, work


def _tidied_in_budget(
    problem: Problem,
    ranks: dict[str, float],
    best: Solution,
    best_score: Score,
    on_improve: Callable[[Solution, Score], None],
    settings: SearchSettings,
    step: int,
) -> tuple[Solution, Score, float]:
    """With a travel budget: a placing-only pass and a full one, the better kept when it is
    better than `best` (`tidy.tidied_in_budget`), each pass charged as work."""
    kept, kept_score, passes = tidied_in_budget(
        problem,
        best,
        best_score,
        ranks,
        settings.weights,
        lambda: NodeBudget(settings.repack_nodes, seed=step),
        turn=step,
    )
    work = sum(settings.tidy_work + nodes.spent * settings.work_per_node for nodes in passes)
    if kept is not best:
        on_improve(kept, kept_score)
    return kept, kept_score, work
