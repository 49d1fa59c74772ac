"""Between CP-SAT steps: serve left-over visits and release rare carers, in Python.

A CP-SAT step re-plans a few dozen visits and costs a few tenths of a second. The
construction's repair (visits near in time move out of a left-over visit's way, or the
busy hours of its day are packed again: `hemplan.solver.continuity.repack`) and its release and
merging of rare carers (`hemplan.solver.continuity.polish`, with swaps) look at the whole team in a
tenth of a second or two and find moves the small neighbourhoods rarely draw. So the search hands
its best plan to them now and then; routes they leave alone keep the times the search chose.
"""

from __future__ import annotations

from collections.abc import Callable

from hemplan.solver.continuity.carer_days import CarerDays
from hemplan.solver.continuity.construct import seeded_ranks
from hemplan.solver.continuity.cover import CarerChoice
from hemplan.solver.continuity.insert import Inserter
from hemplan.solver.continuity.polish import release_rare_carers
from hemplan.solver.continuity.repack import NodeBudget
from hemplan.solver.continuity.repair import place_left_over
from hemplan.solver.problem import Problem
from hemplan.solver.score import Score, Weights, score
from hemplan.solver.solution import Solution


def tidy_ranks(problem: Problem, seed: int) -> dict[str, float]:
    """The tie-break ranks a tidy pass takes: the team's carers and clients, seeded."""
    instance = problem.instance
    return seeded_ranks([s.id for s in instance.staff] + [c.id for c in instance.clients], seed)


def tidy(
    problem: Problem,
    plan: Solution,
    rank: dict[str, float],
    repacking: NodeBudget,
    turn: int = 0,
    release: bool = True,
) -> Solution | None:
    """`plan` with left-over visits placed where the repair can and every releasable carer
    released, or None when neither changes anything (or a route of the plan cannot be rebuilt).
    `rank` breaks ties between carers and between clients; clients at their bounds are left as they
    are. The left-over visits are tried from the `turn`-th on (and round), so that successive passes
    spend their `repacking` budget on different visits first. `release=False` only places (a
    travel budget weighs the two apart: `hemplan.solver.continuity.search`)."""
    routes = CarerDays.from_solution(problem, plan)
    if routes is None:
        return None
    unassigned = dict(plan.unassigned)
    left_over = sorted(
        (problem.visit(v) for v in unassigned if problem.eligible.get(v)),
        key=lambda v: (v.priority != "mandatory", v.day, v.window.earliest, v.id),
    )
    if left_over:
        first = turn % len(left_over)
        left_over = left_over[first:] + left_over[:first]
    inserter = Inserter(routes, CarerChoice(), rank)
    placed = place_left_over(routes, inserter, left_over, unassigned, repacking) if left_over else 0
    if not ((release and release_rare_carers(routes, rank)) or placed):
        return None
    return routes.update(plan, unassigned)


def tidied_in_budget(
    problem: Problem,
    plan: Solution,
    plan_score: Score,
    rank: dict[str, float],
    weights: Weights,
    repacking: Callable[[], NodeBudget],
    turn: int = 0,
) -> tuple[Solution, Score, list[NodeBudget]]:
    """With a travel budget: a pass that only places left-over visits and a full one, the
    better kept when it scores better than `plan` (else `plan`), with the node budget each pass
    spent. Releasing rare carers ignores travel; in one pass with the placing, the visits served
    would carry any travel the releases cost past the budget (the score puts serving first)."""
    kept, kept_score, spent = plan, plan_score, []
    for release in (False, True):
        nodes = repacking()
        tidied = tidy(problem, plan, rank, nodes, turn=turn, release=release)
        spent.append(nodes)
        if tidied is not None and (value := score(problem, tidied, weights)) < kept_score:
            kept, kept_score = tidied, value
    return kept, kept_score, spent
