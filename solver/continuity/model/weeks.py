"""The stable week (`--stable-week`): a visit done by the carers who did the same visit a week
before (`Problem.week_before`; before the horizon, the history's `Problem.past_carers`).

A literal per freed visit with such a twin, and per fixed visit whose twin is freed: true only
if the freed visit gets all the twin's carers. When both are freed, the twin's carers are its
current ones: a step moves one of them toward the other, and `solver.score` judges the result
exactly."""

from __future__ import annotations

from ortools.sat.python import cp_model

from hemplan.solver.continuity.model.variables import Candidate
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Placement


def add_week_repeats(
    model: cp_model.CpModel,
    problem: Problem,
    current: dict[str, Placement],
    free: set[str],
    serves: dict[Candidate, cp_model.IntVar],
) -> list[cp_model.IntVar]:
    """`repeats[v]`: the freed visit v gets exactly the carers it is compared with."""
    lits_of: dict[tuple[str, str], list[cp_model.IntVar]] = {}
    for (v_id, c_id, _), lit in serves.items():
        lits_of.setdefault((v_id, c_id), []).append(lit)
    targets: list[tuple[str, frozenset[str], str]] = []  # freed visit, carers to match, name
    for v_id in sorted(free):
        twin = problem.week_before.get(v_id)
        if twin is not None and twin in current:
            targets.append((v_id, frozenset(current[twin].carers), v_id))
        elif twin is None and v_id in problem.past_carers:
            targets.append((v_id, problem.past_carers[v_id], v_id))
    for later, earlier in problem.week_before.items():
        if earlier in free and later not in free and later in current:
            targets.append((earlier, frozenset(current[later].carers), later))
    repeats = []
    for v_id, carers, name in targets:
        repeat = model.new_bool_var(f"week_repeat[{name}]")
        for c_id in sorted(carers):
            lits = lits_of.get((v_id, c_id), [])
            if lits:
                model.add(sum(lits) >= 1).only_enforce_if(repeat)
            else:
                model.add(repeat == 0)
        repeats.append(repeat)
    return repeats
