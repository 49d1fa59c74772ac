"""CP-SAT model of one neighbourhood: re-plan a set of freed visits, everything else fixed.

The freed visits may go to any eligible carer on any allowed day. Each carer-day that could
receive one becomes an `AddCircuit` over the office (node 0), the visits that stay on that
route (fixed start) and the candidate freed visits (a self-loop meaning "not this carer").
An arc i -> j pushes j's start by i's duration plus travel, plus the break when the break is
taken on that arc. The objective follows `hemplan.solver.score` through its weights: unserved visits,
new (client, carer) pairs, preferred carers, then the weighted cost of travel on the touched
routes, arrival-time deviation of the touched recurring visits and workload deviation of the
touched carers. It is solved in two stages (`_lexicographic`): the first terms (the heads) alone,
then the minutes with the heads held.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from hemplan.solver.eligibility import fitting_days
from hemplan.models.contract.instance import Instance, Visit
from hemplan.solver.travel import TravelTimes
from hemplan.solver.solution import Placement
from hemplan.solver.score import Weights, series_members, workload_targets


@dataclass
class NeighbourhoodResult:
    """New placements of the freed visits (None: unserved) and the breaks of touched routes."""

    placements: dict[str, Placement | None]
    breaks: dict[tuple[str, int], int]
    status: str
    deterministic_time: float = 0.0
    variables: int = 0


@dataclass
class _Route:
    """Model variables of one carer-day."""

    carer: str
    day: int
    nodes: list[str] = field(default_factory=list)  # visit ids; node k+1 is nodes[k]
    active: cp_model.IntVar | None = None
    arcs: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    on_break: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    break_start: cp_model.IntVar | None = None


def solve_neighbourhood(
    instance: Instance,
    travel: TravelTimes,
    eligible: dict[str, list[str]],
    current: dict[str, Placement],
    breaks: dict[tuple[str, int], int],
    free: set[str],
    time_limit: float,
    seed: int = 0,
    workers: int = 1,
    weights: Weights = Weights(),
    deterministic_limit: float | None = None,
    polish_share: float = 1.0,
) -> NeighbourhoodResult | None:
    """Re-plan the `free` visits around the fixed rest of `current`; None if no solution found.

    `deterministic_limit` bounds CP-SAT's work in its deterministic time units, so that with
    one worker and a seed the step does the same work whatever the machine's load;
    `time_limit` (wall seconds) stays as a guard. `polish_share`: of the work left once the
    objective's heads are solved, the share for its minutes (see `_lexicographic`).
    """
    model = cp_model.CpModel()
    visit = instance.visit_by_id
    free_ids = sorted(free)

    # candidates: (visit, carer, day) triples the freed visits may take
    x: dict[tuple[str, str, int], cp_model.IntVar] = {}
    for v_id in free_ids:
        v = visit[v_id]
        for c_id in eligible.get(v_id, []):
            for day in fitting_days(instance, travel, instance.staff_by_id[c_id], v):
                x[(v_id, c_id, day)] = model.new_bool_var("")

    start: dict[str, cp_model.IntVar | int] = {}
    served: dict[str, cp_model.IntVar] = {}
    for v_id in free_ids:
        v = visit[v_id]
        lo, hi = (v.locked_start, v.locked_start) if v.locked_start is not None else (v.window.earliest, v.window.latest)
        start[v_id] = model.new_int_var(lo, hi, f"s[{v_id}]")
        served[v_id] = model.new_bool_var(f"served[{v_id}]")
        on_day = []
        for day in v.days:
            lits = [lit for (vv, _, d), lit in x.items() if vv == v_id and d == day]
            if not lits:
                continue
            w = model.new_bool_var(f"w[{v_id},{day}]")
            model.add(sum(lits) == v.staff_needed * w)
            on_day.append(w)
        model.add(sum(on_day) == served[v_id])
        for c_id in v.locked_carers:
            model.add(sum(lit for (vv, c, _), lit in x.items() if vv == v_id and c == c_id) == served[v_id])

    # routes of every carer-day that may receive a freed visit
    fixed_on: dict[tuple[str, int], list[str]] = {}
    for v_id, p in current.items():
        if v_id not in free:
            for c_id in p.carers:
                fixed_on.setdefault((c_id, p.day), []).append(v_id)
    for v_id, p in current.items():
        if v_id not in free:
            start[v_id] = p.start
    carer_days = sorted({(c, d) for (_, c, d) in x})
    routes = [
        _build_route(model, instance, travel, c, d, sorted(fixed_on.get((c, d), []), key=lambda v: current[v].start),
                     [v for v in free_ids if (v, c, d) in x], x, start)
        for c, d in carer_days
    ]

    # continuity: a (client, carer) pair not yet met outside the neighbourhood costs one
    met_outside: set[tuple[str, str]] = {
        (visit[v_id].client, c) for v_id, p in current.items() if v_id not in free for c in p.carers
    }
    new_pairs = []
    pair_lits: dict[tuple[str, str], list[cp_model.IntVar]] = {}
    for (v_id, c_id, _), lit in x.items():
        pair_lits.setdefault((visit[v_id].client, c_id), []).append(lit)
    for (client, c_id), lits in sorted(pair_lits.items()):
        if (client, c_id) in met_outside:
            continue
        z = model.new_bool_var(f"z[{client},{c_id}]")
        for lit in lits:
            model.add_implication(lit, z)
        new_pairs.append(z)

    travel_terms = []
    for r in routes:
        mode = instance.staff_by_id[r.carer].travel_mode
        places = _places(instance, travel, r)
        for (i, j), lit in r.arcs.items():
            minutes = travel.between(mode, places[i], places[j])
            if minutes:
                travel_terms.append(minutes * lit)

    not_preferred = [
        lit for (v_id, c_id, _), lit in x.items()
        if instance.client_by_id[visit[v_id].client].preferred_carers
        and c_id not in instance.client_by_id[visit[v_id].client].preferred_carers
    ]
    unserved_m = [served[v].Not() for v in free_ids if visit[v].priority == "mandatory"]
    unserved_d = [served[v].Not() for v in free_ids if visit[v].priority == "deferrable"]
    travel_expr = sum(travel_terms)
    arrival = _arrival_deviations(model, instance, current, free_ids, start, served) if weights.arrival else []
    workload = _workload_deviations(model, instance, current, free, x) if weights.workload else []
    heads = (
        weights.unserved_mandatory * sum(unserved_m)
        + weights.unserved_deferrable * sum(unserved_d)
        + weights.new_pair * sum(new_pairs)
        + weights.not_preferred * sum(not_preferred)
    )
    minutes = weights.travel * travel_expr + weights.arrival * sum(arrival) + weights.workload * sum(workload)
    _hint(model, instance, routes, current, breaks, free_ids, x, start, served)
    solved = _lexicographic(model, heads, minutes, time_limit, seed, workers, deterministic_limit, polish_share)
    if solved is None:
        return None
    solver = solved.solver
    placements: dict[str, Placement | None] = {}
    for v_id in free_ids:
        if not solver.value(served[v_id]):
            placements[v_id] = None
            continue
        chosen = [(c, d) for (vv, c, d), lit in x.items() if vv == v_id and solver.value(lit)]
        placements[v_id] = Placement(day=chosen[0][1], start=solver.value(start[v_id]), carers=tuple(sorted(c for c, _ in chosen)))
    new_breaks = {
        (r.carer, r.day): solver.value(r.break_start)
        for r in routes
        if r.break_start is not None and solver.value(r.active)
    }
    return NeighbourhoodResult(
        placements=placements,
        breaks=new_breaks,
        status=solved.status,
        deterministic_time=solved.work,
        variables=len(model.proto.variables),
    )


@dataclass
class _Solved:
    """The solver holding the step's solution, its status and the work both stages spent."""

    solver: cp_model.CpSolver
    status: str
    work: float


def _lexicographic(
    model: cp_model.CpModel,
    heads: cp_model.LinearExprT,
    minutes: cp_model.LinearExprT,
    time_limit: float,
    seed: int,
    workers: int,
    deterministic_limit: float | None,
    polish_share: float,
) -> _Solved | None:
    """Solve for the heads of the objective (unserved visits, new pairs, preferred carers)
    first, then for the minutes with the heads held at what the first stage found.

    With one weighted objective a step spends most of its budget trading travel and arrival
    minutes inside the neighbourhood. Alone, the heads are often proved optimal in a fraction
    of it, and they are where the carer counts move. The second stage starts from the first's
    solution with `polish_share` of the work the first left (with a deterministic limit), or the
    time left, so a step whose heads are settled ends early and the next one comes sooner.
    """
    began = time.monotonic()
    first = _solver(time_limit, seed, workers, deterministic_limit)
    model.minimize(heads)
    status = first.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    work, first_status = first.deterministic_time, first.status_name(status)
    left = time_limit - (time.monotonic() - began)
    budget = None if deterministic_limit is None else polish_share * (deterministic_limit - work)
    if (budget is not None and budget <= 0) or left <= 0:
        return _Solved(first, first_status, work)
    model.add(heads <= round(first.objective_value))
    model.clear_hints()
    for index in range(len(model.proto.variables)):
        variable = model.get_int_var_from_proto_index(index)
        model.add_hint(variable, first.value(variable))
    model.minimize(heads + minutes)
    second = _solver(left, seed, workers, budget)
    status = second.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Solved(first, first_status, work)
    return _Solved(second, second.status_name(status), work + second.deterministic_time)


def _solver(time_limit: float, seed: int, workers: int, deterministic_limit: float | None) -> cp_model.CpSolver:
    """A CP-SAT solver set for a small neighbourhood searched from its hint."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.catch_sigint_signal = False  # Ctrl-C is handled by the search loop
    solver.parameters.max_presolve_iterations = 1  # small budgets: search from the hint, not presolve
    solver.parameters.cp_model_probing_level = 0  # measured: more LNS steps pay more than probing
    solver.parameters.symmetry_level = 0
    if deterministic_limit is not None:
        solver.parameters.max_deterministic_time = deterministic_limit
    return solver


def _arrival_deviations(
    model: cp_model.CpModel,
    instance: Instance,
    current: dict[str, Placement],
    free_ids: list[str],
    start: dict[str, cp_model.IntVar | int],
    served: dict[str, cp_model.IntVar],
) -> list[cp_model.IntVar]:
    """Per recurring visit touched by the neighbourhood, a common target time and each served
    member's distance from it: minimising their sum puts the target at the members' median,
    so the sum is exactly the series' deviation in `hemplan.solver.score`."""
    freed = set(free_ids)
    deviations: list[cp_model.IntVar] = []
    for members in series_members(instance).values():
        if freed.isdisjoint(members) or len(members) < 2:
            continue
        window = instance.visit_by_id[members[0]].window
        target = model.new_int_var(window.earliest, window.latest, "")
        for v_id in members:
            if v_id not in freed and v_id not in current:
                continue  # unserved and staying so
            d = model.new_int_var(0, 24 * 60, "")
            above, below = model.add(d >= start[v_id] - target), model.add(d >= target - start[v_id])
            if v_id in freed:  # a freed visit left unserved has no start to keep
                above.only_enforce_if(served[v_id])
                below.only_enforce_if(served[v_id])
            deviations.append(d)
    return deviations


def _workload_deviations(
    model: cp_model.CpModel,
    instance: Instance,
    current: dict[str, Placement],
    free: set[str],
    x: dict[tuple[str, str, int], cp_model.IntVar],
) -> list[cp_model.IntVar]:
    """Per carer who may take a freed visit, the distance of their visit minutes from their share."""
    targets = workload_targets(instance)
    fixed = {c: 0 for c in targets}
    for v_id, p in current.items():
        if v_id not in free:
            for c_id in p.carers:
                fixed[c_id] += instance.visit_by_id[v_id].duration
    added: dict[str, list] = {}
    for (v_id, c_id, _), lit in x.items():
        added.setdefault(c_id, []).append(instance.visit_by_id[v_id].duration * lit)
    deviations = []
    for c_id, terms in sorted(added.items()):
        load = fixed[c_id] + sum(terms)
        d = model.new_int_var(0, max(targets[c_id], 24 * 60 * instance.horizon.days), "")
        model.add(d >= load - targets[c_id])
        model.add(d >= targets[c_id] - load)
        deviations.append(d)
    return deviations


def _places(instance: Instance, travel: TravelTimes, r: _Route) -> list[int]:
    office = travel.office_index[instance.staff_by_id[r.carer].team]
    return [office] + [travel.client_index[instance.visit_by_id[v].client] for v in r.nodes]


def _build_route(
    model: cp_model.CpModel,
    instance: Instance,
    travel: TravelTimes,
    carer_id: str,
    day: int,
    fixed: list[str],
    candidates: list[str],
    x: dict[tuple[str, str, int], cp_model.IntVar],
    start: dict[str, cp_model.IntVar | int],
) -> _Route:
    """Circuit, timing and break of one carer-day.

    Arcs are pruned by time: fixed visits keep their order (only consecutive fixed visits are
    linked), a freed visit is linked to a fixed one only if it fits in the gap next to it, and
    the break may ride only on arcs whose time span can hold it.
    """
    carer = instance.staff_by_id[carer_id]
    shift = carer.shift_by_day[day]
    r = _Route(carer=carer_id, day=day, nodes=fixed + candidates)
    visits: list[Visit] = [instance.visit_by_id[v] for v in r.nodes]
    places = _places(instance, travel, r)
    mode = carer.travel_mode
    n = len(r.nodes) + 1
    is_fixed = [False] + [k <= len(fixed) for k in range(1, n)]
    est = [shift.start] + [s if isinstance(s := start[v], int) else visits[k].window.earliest for k, v in enumerate(r.nodes)]
    lst = [shift.end] + [s if isinstance(s := start[v], int) else visits[k].window.latest for k, v in enumerate(r.nodes)]
    dur = [0] + [v.duration for v in visits]
    # fixed neighbours in time: the fixed node (or the office, 0) just before / after each fixed node
    before = {k: (k - 1 if k > 1 else 0) for k in range(1, len(fixed) + 1)}
    after = {k: (k + 1 if k < len(fixed) else 0) for k in range(1, len(fixed) + 1)}

    def leg(i: int, j: int) -> int:
        return travel.between(mode, places[i], places[j])

    def leave(i: int) -> int:  # earliest moment the carer can leave node i
        return shift.start if i == 0 else est[i] + dur[i]

    def arrive_by(j: int) -> int:  # latest moment the carer may arrive at node j
        return shift.end if j == 0 else lst[j]

    def possible(i: int, j: int) -> bool:
        if leave(i) + leg(i, j) > arrive_by(j):
            return False
        if (i == 0 or is_fixed[i]) and (j == 0 or is_fixed[j]):
            return (j == after[i] if i else j == (1 if fixed else 0)) if (i or j) else False
        if is_fixed[j] and not is_fixed[i] and i:
            p = before[j]
            return leave(p) + leg(p, i) <= lst[i]
        if is_fixed[i] and not is_fixed[j] and j:
            q = after[i]
            return est[j] + dur[j] + leg(j, q) <= arrive_by(q)
        return True

    r.active = model.new_bool_var("")
    if fixed:
        model.add(r.active == 1)
    arcs: list[tuple[int, int, cp_model.IntVar]] = []
    if not fixed:
        arcs.append((0, 0, r.active.Not()))
    for k, v_id in enumerate(r.nodes, start=1):
        if not is_fixed[k]:
            lit = x[(v_id, carer_id, day)]
            arcs.append((k, k, lit.Not()))
            model.add_implication(lit, r.active)
    for i in range(n):
        for j in range(n):
            if i != j and possible(i, j):
                lit = model.new_bool_var("")
                arcs.append((i, j, lit))
                r.arcs[(i, j)] = lit
    model.add_circuit(arcs)

    rule = shift.break_
    pause = rule.minutes if rule else 0
    if rule is not None:
        r.break_start = model.new_int_var(rule.earliest, rule.latest, "")
        for (i, j), lit in r.arcs.items():
            opens, closes = max(leave(i), rule.earliest), arrive_by(j)
            if opens <= rule.latest and opens + pause <= closes and leave(i) + leg(i, j) + pause <= closes:
                y = model.new_bool_var("")
                model.add_implication(y, lit)
                r.on_break[(i, j)] = y
        model.add(sum(r.on_break.values()) == r.active)

    for (i, j), lit in r.arcs.items():
        departs = shift.start if i == 0 else start[r.nodes[i - 1]] + dur[i]
        arrives = shift.end if j == 0 else start[r.nodes[j - 1]]
        y = r.on_break.get((i, j))
        timing = arrives >= departs + leg(i, j) + (pause * y if y is not None else 0)
        if isinstance(timing, bool):  # both ends fixed: the arc is allowed or not
            if not timing:
                model.add(lit == 0)
        else:
            model.add(timing).only_enforce_if(lit)
        if y is not None:
            model.add(r.break_start >= departs).only_enforce_if(y)
            model.add(r.break_start + pause <= arrives).only_enforce_if(y)
    return r


def _hint(
    model: cp_model.CpModel,
    instance: Instance,
    routes: list[_Route],
    current: dict[str, Placement],
    breaks: dict[tuple[str, int], int],
    free_ids: list[str],
    x: dict[tuple[str, str, int], cp_model.IntVar],
    start: dict[str, cp_model.IntVar | int],
    served: dict[str, cp_model.IntVar],
) -> None:
    """Hint the current plan so CP-SAT starts from it and only looks for improvements."""
    for v_id in free_ids:
        p = current.get(v_id)
        model.add_hint(served[v_id], p is not None)
        if p is not None:
            model.add_hint(start[v_id], p.start)
    for (v_id, c_id, day), lit in x.items():
        p = current.get(v_id)
        model.add_hint(lit, p is not None and p.day == day and c_id in p.carers)
    for r in routes:
        on_route = sorted(
            (current[v].start, k) for k, v in enumerate(r.nodes, start=1)
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
        model.add_hint(r.break_start, b if b is not None else instance.staff_by_id[r.carer].shift_by_day[r.day].break_.earliest)
        times = [current[r.nodes[k - 1]].start for k in order[1:-1]]
        for key, y in r.on_break.items():
            model.add_hint(y, b is not None and key in used and _break_between(key, order, times, b))


def _break_between(key: tuple[int, int], order: list[int], times: list[int], b: int) -> bool:
    """Whether break start `b` falls on arc `key` of the hinted order (after i's start, before j's)."""
    position = list(zip(order, order[1:])).index(key)
    after = times[position - 1] if position > 0 else -1
    before = times[position] if position < len(times) else 10**9
    return after <= b < before
