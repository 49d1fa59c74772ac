"""The hint: the current plan, so that CP-SAT starts from it and only looks for improvements."""

from __future__ import annotations

from ortools.sat.python import cp_model

from hemplan.solver.continuity.model.variables import Candidate, RouteVars, VisitVars
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Placement


def add_hint(
    model: cp_model.CpModel,
    problem: Problem,
    routes: list[RouteVars],
    current: dict[str, Placement],
    breaks: dict[tuple[str, int], int],
    free_ids: list[str],
    serves: dict[Candidate, cp_model.IntVar],
    visits: dict[str, VisitVars],
) -> None:
    """Hint every freed visit's placement, each route's order and each break as they are now."""
    for v_id in free_ids:
        p = current.get(v_id)
        model.add_hint(visits[v_id].served, p is not None)
        if p is not None:
            model.add_hint(visits[v_id].start, p.start)
    for (v_id, c_id, day), lit in serves.items():
        p = current.get(v_id)
        model.add_hint(lit, p is not None and p.day == day and c_id in p.carers)
    for r in routes:
        on_route = sorted(
            (current[v].start_of(r.carer), k)
            for k, v in enumerate(r.nodes, start=1)
            if v in current and current[v].day == r.day and r.carer in current[v].carers
        )
        order = [0] + [k for _, k in on_route] + [0]
        used = set(zip(order, order[1:])) if on_route else set()
        model.add_hint(r.active, bool(on_route))
        for key, lit in r.arcs.items():
            model.add_hint(lit, key in used)
        if r.break_start is None:
            continue
        b = breaks.get((r.carer, r.day))
        rule = problem.carer(r.carer).shift_by_day[r.day].break_
        assert rule is not None  # a route has a break variable only when its shift has a break
        model.add_hint(r.break_start, b if b is not None else rule.earliest)
        times = [current[r.nodes[k - 1]].start_of(r.carer) for k in order[1:-1]]
        for key, on_break in r.on_break.items():
            model.add_hint(
                on_break, b is not None and key in used and _break_between(key, order, times, b)
            )


def _break_between(key: tuple[int, int], order: list[int], times: list[int], b: int) -> bool:
    """Whether break start `b` falls on arc `key` of the hinted order (after i's start, before
    j's)."""
    position = list(zip(order, order[1:])).index(key)
    after = times[position - 1] if position > 0 else -1
    before = times[position] if position < len(times) else 10**9
    return after <= b < before
