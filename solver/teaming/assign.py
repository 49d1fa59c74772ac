"""Carers into the groups of clients: a small CP-SAT model.

One boolean per (carer, group); each carer in exactly one group; group sizes within the
range asked for. Hard: every cover (enough carers who could serve a visit) and every load
(paid minutes of a day's shift types over the demand with slack). Soft, in this order of
weight: capacity in proportion to the pool's own ratio on every day and shift type (so no
team gets all the spare evenings), then a client's contact and preferred carers in the
client's team.

Carers in `shared` (substitutes kept as one pool, `hemplan teams --substitutes shared`) join
no group: they count towards every cover they could serve, and a group's load may be met
with their minutes, the groups' borrowing on a day and shift type together within what the
pool is paid for then. So the teams are sized and checked on their permanent staff, with the
pool standing in where absences leave a team short; a cover met by the pool costs
STAND_IN_WEIGHT, so a team holds its own skills and double staffing where it can.

With `soft=True` the covers and loads become soft too, at weights far above the rest: the
model then always has an answer, and its shortfalls say which requirement cannot be met,
which is how an infeasible request is explained.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from hemplan.solver.teaming.needs import Needs, load_minutes

COVER_WEIGHT = 100_000  # a missing carer for a cover, in the soft model
LOAD_WEIGHT = 100  # a minute of capacity short of the demand with slack, in the soft model
PREFERENCE_WEIGHT = 60  # a contact or preferred carer in the client's team: an hour of balance
STAND_IN_WEIGHT = 120  # a cover met by the shared pool, not the team: two hours of balance

# a load as the model writes it: group, (carer, paid minutes) of its members, shared minutes
Row = tuple[int, tuple[tuple[int, int], ...], int]


@dataclass(frozen=True)
class Assignment:
    """The group of each carer (None when no assignment was found) and, from the soft model,
    the shortfall of each cover (carers) and load (minutes) by index into `Needs`."""

    groups: list[int] | None
    status: str
    cover_short: dict[int, int]
    load_short: dict[int, int]


def assign_carers(
    needs: Needs,
    minutes: list[dict[tuple[int, str], int]],
    skills: list[set[str]],
    groups: int,
    sizes: tuple[int, int],
    preferences: dict[tuple[int, int], int],
    seed: int = 0,
    work_limit: float = 2.0,
    time_limit: float = 30.0,
    soft: bool = False,
    shared: frozenset[int] = frozenset(),
    cuts: tuple[tuple[int, frozenset[int]], ...] = (),
) -> Assignment:
    """Solve the assignment; `minutes[c]` are carer c's paid minutes by (day, shift type),
    `skills[c]` the skills carer c holds,
    `preferences[(c, g)]` how many clients of group g name carer c as contact or preferred,
    `shared` the carers kept out of the groups (their group in the answer: `groups`),
    `cuts` (group, carers): one of these carers in the group (`teaming.days`: a team-day
    its carers could not serve without one of them)."""
    model = cp_model.CpModel()
    carers = [c for c in range(len(minutes)) if c not in shared]
    x = {(c, g): model.new_bool_var(f"x{c}_{g}") for c in carers for g in range(groups)}
    for c in carers:
        model.add_exactly_one(x[c, g] for g in range(groups))
    for g in range(groups):
        model.add_linear_constraint(sum(x[c, g] for c in carers), sizes[0], sizes[1])
    for g, helpers in cuts:
        model.add_bool_or([x[c, g] for c in sorted(helpers) if c not in shared])

    penalties: list[cp_model.LinearExprT] = []
    cover_short: dict[int, cp_model.IntVar] = {}
    for i, cover in enumerate(needs.covers):
        terms = [x[c, cover.group] for c in cover.able if c not in shared]
        # the shared pool's carers on shift stand in, at a cost: teams of their own first
        standing_in = min(cover.count, len(cover.able & shared))
        if standing_in:
            stand_in = model.new_int_var(0, standing_in, f"stand_in{i}")
            terms.append(stand_in)
            penalties.append(STAND_IN_WEIGHT * stand_in)
        held = sum(terms)
        if soft:
            short = model.new_int_var(0, cover.count, f"cover{i}")
            model.add(held + short >= cover.count)
            cover_short[i] = short
            penalties.append(COVER_WEIGHT * short)
        else:
            model.add(held >= cover.count)

    # the pool's paid minutes per visit minute on each day and shift types: a team's fair share
    pool_minutes: dict[tuple[int, frozenset[str]], int] = defaultdict(int)
    pool_demand: dict[tuple[int, frozenset[str]], int] = defaultdict(int)
    for load in needs.loads:
        if not load.skills:
            pool_demand[load.day, load.types] += load.demand
    for day, types in pool_demand:
        pool_minutes[day, types] = sum(minutes[c].get((day, t), 0) for c in carers for t in types)
    # Rows whose carers count the same minutes are one constraint, the largest demand: a
    # two-week rota makes most days of the second fortnight repeat the first
    # (the shared pool's minutes are part of a row: the same own minutes on a day the pool
    # is paid for less is another row)
    strongest: dict[Row, tuple[int, int]] = {}
    fairest: dict[Row, int] = {}
    lenders: dict[tuple[int, frozenset[str], frozenset[str]], set[Row]] = defaultdict(set)
    for i, load in enumerate(needs.loads):
        paid = load_minutes(load, minutes, skills)
        row = (
            load.group,
            tuple((c, paid[c]) for c in carers if paid[c]),
            sum(paid[c] for c in shared),
        )
        if row not in strongest or load.minutes > strongest[row][0]:
            strongest[row] = (load.minutes, i)
        if row[2]:
            lenders[load.day, load.types, load.skills].add(row)
        if not load.skills:
            share = (load.day, load.types)
            fair = pool_minutes[share] * load.demand // max(1, pool_demand[share])
            fairest[row] = max(fair, fairest.get(row, 0))
    lent = {
        row: model.new_int_var(0, min(row[2], need), f"lent{i}")
        for row, (need, i) in strongest.items()
        if row[2]
    }
    for rows in lenders.values():  # (day, shift types, skills) -> the rows it may lend to
        if len(rows) > 1:  # the pool's minutes of that day and shift types, lent once
            model.add(sum(lent[r] for r in sorted(rows)) <= next(iter(rows))[2])
    load_short: dict[int, cp_model.IntVar] = {}
    for row, (need, i) in strongest.items():
        group, paid_by, _ = row
        capacity = cp_model.LinearExpr.weighted_sum(
            [x[c, group] for c, _ in paid_by], [m for _, m in paid_by]
        ) + lent.get(row, 0)
        if soft:
            short = model.new_int_var(0, need, f"load{i}")
            model.add(capacity + short >= need)
            load_short[i] = short
            penalties.append(LOAD_WEIGHT * short)
        else:
            model.add(capacity >= need)
        fair = fairest.get(row, 0)
        if fair > need and not soft:  # below its share of the pool's spare time: a shortfall
            below = model.new_int_var(0, fair, f"fair{i}")
            model.add(capacity + below >= fair)
            penalties.append(below)
    # explaining a refusal needs the shortfalls alone: no shares, no preferences
    wishes = {} if soft else preferences
    bonus = [PREFERENCE_WEIGHT * n * x[c, g] for (c, g), n in sorted(wishes.items())]
    objective = cp_model.LinearExpr.sum(penalties) - cp_model.LinearExpr.sum(bonus)
    if soft:  # every assignment is a solution: the search is all about the shortfalls
        model.minimize(objective)
        solver = _solver(seed, work_limit, time_limit)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Assignment(None, solver.status_name(status), {}, {})
        name = solver.status_name(status)
    else:
        # First any assignment that meets every requirement (no objective: much faster to
        # find on one worker; it may take the whole work limit, as it ends when it finds one),
        # then the best from there in the work left (the search starts from it as a hint).
        guess = _apportioned(
            needs, [minutes[c] for c in carers], [skills[c] for c in carers], groups, sizes[1]
        )
        for c, g in zip(carers, guess, strict=True):
            model.add_hint(x[c, g], True)  # where the search starts looking
        first = _solver(seed, work_limit, time_limit)
        status = first.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Assignment(None, first.status_name(status), {}, {})
        model.clear_hints()  # a variable hinted twice makes the model invalid
        for var in x.values():
            model.add_hint(var, first.boolean_value(var))
        model.minimize(objective)
        spent = first.response_proto.deterministic_time  # usually a small part of its half
        solver = _solver(seed, max(0.01, work_limit - spent), time_limit)
        status = solver.solve(model)
        name = solver.status_name(status)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            assert status == cp_model.UNKNOWN, name  # never an invalid model
            solver, name = first, "FEASIBLE"  # nothing better found in its share of the work
    chosen = [
        groups if c in shared else next(g for g in range(groups) if solver.boolean_value(x[c, g]))
        for c in range(len(minutes))
    ]
    return Assignment(
        chosen,
        name,
        {i: int(solver.value(v)) for i, v in cover_short.items() if solver.value(v) > 0},
        {i: int(solver.value(v)) for i, v in load_short.items() if solver.value(v) > 0},
    )


def _solver(seed: int, work_limit: float, time_limit: float) -> cp_model.CpSolver:
    """One worker and a work limit: the same seed gives the same teams on any machine."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed % (2**31)
    solver.parameters.max_deterministic_time = work_limit
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.catch_sigint_signal = False
    return solver


def _apportioned(
    needs: Needs,
    minutes: list[dict[tuple[int, str], int]],
    skills: list[set[str]],
    groups: int,
    largest: int,
) -> list[int]:
    """A first guess: carers with the same rota and skills shared out between the groups in
    proportion to their visit minutes, so that every group gets its share of each kind of
    shift (a weekend evening, a weekday morning with insulin). Meets most requirements of a
    balanced grouping by itself; the search repairs the rest."""
    demand = [0] * groups
    for load in needs.loads:
        if not load.skills and len(load.types) == 1:
            demand[load.group] += load.demand
    total = sum(demand) or 1
    share = [d / total for d in demand]
    kinds: dict[tuple[object, ...], list[int]] = {}
    for c, (m, held) in enumerate(zip(minutes, skills, strict=True)):
        kinds.setdefault((tuple(sorted(m.items())), tuple(sorted(held))), []).append(c)
    chosen = [0] * len(minutes)
    size = [0] * groups
    for members in sorted(kinds.values(), key=lambda ms: (-len(ms), ms[0])):
        given = [0] * groups
        for k, c in enumerate(members, 1):
            open_groups = [g for g in range(groups) if size[g] < largest] or list(range(groups))
            g = max(open_groups, key=lambda h: (share[h] * k - given[h], -h))
            chosen[c], given[g], size[g] = g, given[g] + 1, size[g] + 1
    return chosen
