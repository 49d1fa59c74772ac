"""Continuity: the (client, carer) pairs a step adds. A pair already met outside the
neighbourhood is free; a new one costs a carer more for that client, which is what the
objective's second level counts: in full for a carer new to the client, `known_share` per cent
of that for one the client met within the history's look-back (`solver.score.pair_cost`)."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from hemplan.solver.continuity.model.variables import Candidate
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Placement


@dataclass(frozen=True)
class NewPair:
    """`pair` is true when the step gives the client this carer; `known` when the client met
    them in the history (`Weights.known_share` of the cost)."""

    pair: cp_model.IntVar
    known: bool


def add_new_pairs(
    model: cp_model.CpModel,
    problem: Problem,
    current: dict[str, Placement],
    free: set[str],
    serves: dict[Candidate, cp_model.IntVar],
) -> list[NewPair]:
    """`new_pair[k,c]`: carer c serves client k in this step although they do not meet outside
    it."""
    visit = problem.instance.visit_by_id
    met_outside = {
        (visit[v_id].client, c) for v_id, p in current.items() if v_id not in free for c in p.carers
    }
    pair_lits: dict[tuple[str, str], list[cp_model.IntVar]] = {}
    for (v_id, c_id, _), lit in serves.items():
        pair_lits.setdefault((visit[v_id].client, c_id), []).append(lit)
    new_pairs = []
    for (client, c_id), lits in sorted(pair_lits.items()):
        if (client, c_id) in met_outside:
            continue
        pair = model.new_bool_var(f"new_pair[{client},{c_id}]")
        for lit in lits:
            model.add_implication(lit, pair)
        new_pairs.append(NewPair(pair, c_id in problem.known.get(client, ())))
    return new_pairs
