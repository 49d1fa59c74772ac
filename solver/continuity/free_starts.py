"""A step that frees the starts: a few clients' visits over the whole horizon re-assigned,
while every visit on the routes they may join keeps its carer but may move in time.

The search's ordinary step (`neighbourhood`) keeps the visits that stay at their starts, in
their order. A carer's day is then full where moving the next visit twenty minutes would make
room, and a client whose visits all need such room keeps a carer too many: on district-14d the
search levels off a few pairs above the bound whatever its budget (benchmarks/RESULTS.md).
This step frees those starts. Its model needs no circuit: on one carer-day, of any two visits
one ends, the carer travels (and rests, when the break falls between them) and only then the
other starts (`add_separation`). Every two consecutive visits are such a pair, so each
solution is a route that fits; and since any detour between two homes is no shorter than the
direct leg, every route that fits meets all pairs too: nothing is lost by the pairs. Visits
that stay keep the plan's order among themselves (only the next one is constrained), which
keeps the model small: a freed visit is weighed against every visit on the route.

Families, one function each (`tests/solver/continuity/test_free_starts.py`: satisfied and
violated): `add_choices` (who serves a freed visit on which day, as many carers as it needs,
served ones stay served), `add_breaks` (the break inside its window and the shift, before or
after each visit), `add_shift_legs` (from the office after the shift starts, back before it
ends), `add_separation` (the pairs), `add_pair_costs` (a carer new to a client costs a pair;
a freed visit moved off its carer costs a little, so that only pairs move the plan).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from hemplan.models.contract.instance import Staff
from hemplan.solver.continuity.model.roles import add_day_roles
from hemplan.solver.continuity.model.solve import cp_solver
from hemplan.solver.continuity.neighbourhood import NeighbourhoodResult, StepLimits
from hemplan.solver.continuity.neighbourhoods import SERVE_SHARE
from hemplan.solver.problem import Problem
from hemplan.solver.score import Weights, client_carers
from hemplan.solver.solution import Placement, RouteKey, Solution

CLIENTS = 4  # a client above its bound and up to three that share a carer with it
PAIR = 1000  # a new pair in the step's objective, against 1 per freed visit moved off its carer
SERVE = 1000 * PAIR  # a visit left out that the step serves

Choice = tuple[str, str, int]  # (visit id, carer id, day)


def applies(problem: Problem) -> bool:
    """Whether the step can model the team: visits whose carers start together, at hard
    windows, no travel budget (the step does not count minutes)."""
    return problem.travel_budget is None and not any(
        v.staggered or v.lateness is not None for v in problem.instance.visits
    )


def draw_clients(problem: Problem, plan: Solution, rng: random.Random) -> list[str]:
    """The clients whose visits a step frees: while a visit some carer could serve is left
    out, mostly (SERVE_SHARE, as the ordinary steps) its client and up to CLIENTS - 1 clients
    its carers serve on its days; else a client above its bound and up to CLIENTS - 1 that
    share a carer with it (their visits can trade places with its). Empty when neither is
    left."""
    servable = sorted(v for v in plan.unassigned if problem.eligible.get(v))
    met = client_carers(problem, plan)
    above = sorted(c for c, carers in met.items() if len(carers) > problem.bounds.get(c, 0))
    if servable and (not above or rng.random() < SERVE_SHARE):
        visit = problem.visit(rng.choice(servable))
        first, able = visit.client, set(problem.eligible[visit.id])
        near = sorted(
            {
                problem.visit(v).client
                for v, p in plan.assignments.items()
                if p.day in visit.days and able & set(p.carers)
            }
            - {first}
        )
    elif above:
        first = rng.choice(above)
        near = sorted(c for c, carers in met.items() if c != first and carers & met[first])
    else:
        return []
    return [first, *rng.sample(near, min(len(near), CLIENTS - 1))]


@dataclass
class FreeStartsModel:
    """The variables of one step: the choices of the freed visits, every start and break on
    the routes the step touches, and per touched carer-day which visits end before its break."""

    model: cp_model.CpModel
    chosen: dict[Choice, cp_model.IntVar] = field(default_factory=dict)
    day_of: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    start: dict[str, cp_model.IntVar | int] = field(default_factory=dict)
    break_start: dict[RouteKey, cp_model.IntVar] = field(default_factory=dict)
    before_break: dict[tuple[str, str, int], cp_model.IntVar] = field(default_factory=dict)
    # per carer-day: (visit id, the literal that puts it there, or None when it stays there)
    on_route: dict[RouteKey, list[tuple[str, cp_model.IntVar | None]]] = field(default_factory=dict)


def solve_free_starts(
    problem: Problem,
    plan: Solution,
    clients: list[str],
    limits: StepLimits,
    weights: Weights = Weights(),
) -> NeighbourhoodResult | None:
    """Re-plan every unlocked visit of `clients` among the carers they or their fellows meet,
    with the starts on the routes they may join set free; None when no solution was found.
    The result's placements hold the freed visits and every visit the step moved in time."""
    m, freed = build_model(problem, plan, clients, weights)
    solver = cp_solver(limits.seconds, limits.seed, limits.workers, limits.work)
    # measured on district-14d's steps: the same solutions in two thirds of the time
    solver.parameters.cp_model_presolve = False
    solver.parameters.linearization_level = 0
    status = solver.solve(m.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return _result(m, problem, plan, freed, solver, status)


def build_model(
    problem: Problem, plan: Solution, clients: list[str], weights: Weights = Weights()
) -> tuple[FreeStartsModel, list[str]]:
    """The step's model, hinted with `plan`, and the visits it frees: every unlocked visit of
    `clients`, each among the eligible carers that these clients meet."""
    freed = sorted(
        v.id for c in clients for v in problem.instance.visits_by_client[c] if not v.locked
    )
    met = client_carers(problem, plan)
    carers = set().union(*(met[c] for c in clients))
    # a visit left out may go to any carer able to serve it, as in the ordinary steps
    candidates = {
        v_id: [
            c for c in problem.eligible.get(v_id, []) if c in carers or v_id not in plan.assignments
        ]
        for v_id in freed
    }
    m = FreeStartsModel(cp_model.CpModel())
    add_choices(m, problem, plan, candidates)
    stays = _staying(problem, plan, m, set(freed))
    add_starts(m, problem, plan, freed, stays)
    add_breaks(m, problem)
    add_shift_legs(m, problem)
    add_separation(m, problem)
    add_pair_costs(m, problem, plan, weights)
    _hint(m, problem, plan)
    return m, freed


def add_choices(
    m: FreeStartsModel, problem: Problem, plan: Solution, candidates: dict[str, list[str]]
) -> None:
    """Each freed visit on one of its allowed days, by as many of its candidate carers as it
    needs (with roles, one holding each role's skills); a visit the plan serves stays served,
    one it leaves out may be served."""
    for v_id, able in candidates.items():
        visit = problem.visit(v_id)
        days = {d: m.model.new_bool_var(f"day[{v_id},{d}]") for d in visit.days}
        for d, on_day in days.items():
            m.day_of[(v_id, d)] = on_day
            here = []
            for c in able:
                if d in problem.fitting_days(c, visit):
                    lit = m.model.new_bool_var(f"x[{v_id},{c},{d}]")
                    m.chosen[(v_id, c, d)] = lit
                    m.on_route.setdefault((c, d), []).append((v_id, lit))
                    here.append((c, lit))
            m.model.add(sum(lit for _, lit in here) == visit.staff_needed * on_day)
            add_day_roles(m.model, problem, visit, here, on_day)
        if v_id in plan.assignments:
            m.model.add_exactly_one(days.values())
        else:
            m.model.add_at_most_one(days.values())


def _staying(
    problem: Problem, plan: Solution, m: FreeStartsModel, freed: set[str]
) -> dict[str, bool]:
    """The visits that stay on the touched routes, each put on them; True for one that may
    move in time (every route it is on is touched and its start is not locked)."""
    touched = set(m.on_route)
    stays: dict[str, bool] = {}
    for v_id, p in sorted(plan.assignments.items(), key=lambda item: (item[1].start, item[0])):
        if v_id in freed:
            continue
        keys = [(c, p.day) for c in p.carers]
        if not any(k in touched for k in keys):
            continue
        for k in keys:
            if k in touched:
                m.on_route[k].append((v_id, None))
        stays[v_id] = all(k in touched for k in keys) and problem.visit(v_id).locked_start is None
    return stays


def add_starts(
    m: FreeStartsModel,
    problem: Problem,
    plan: Solution,
    freed: list[str],
    stays: dict[str, bool],
) -> None:
    """A start inside the windows for every freed visit and every staying visit that may move;
    the plan's start for the others."""
    for v_id in [*freed, *(v for v, movable in stays.items() if movable)]:
        windows = problem.visit(v_id).start_windows
        m.start[v_id] = m.model.new_int_var_from_domain(
            cp_model.Domain.from_intervals([list(w) for w in windows]), f"start[{v_id}]"
        )
    for v_id, movable in stays.items():
        if not movable:
            m.start[v_id] = plan.assignments[v_id].start


def add_breaks(m: FreeStartsModel, problem: Problem) -> None:
    """On every touched carer-day with a break: its start inside its window and the shift, and
    each visit on the route entirely before it or entirely after it."""
    for (c, d), visits in m.on_route.items():
        shift = problem.carer(c).shift_by_day[d]
        rule = shift.break_
        if rule is None:
            continue
        low, high = max(rule.earliest, shift.start), min(rule.latest, shift.end - rule.minutes)
        b = m.model.new_int_var(low, high, f"break[{c},{d}]")
        if high < low:
            continue  # no room for the break in the shift: no plan has one, none is modelled
        m.break_start[(c, d)] = b
        for v_id, lit in visits:
            on = [lit] if lit is not None else []
            first = m.model.new_bool_var(f"before_break[{v_id},{c},{d}]")
            m.before_break[(v_id, c, d)] = first
            end = m.start[v_id] + problem.visit(v_id).duration
            m.model.add(end <= b).only_enforce_if([*on, first])
            m.model.add(m.start[v_id] >= b + rule.minutes).only_enforce_if([*on, ~first])


def add_shift_legs(m: FreeStartsModel, problem: Problem) -> None:
    """Every visit on a touched carer-day starts no sooner than the office leg after the shift
    starts (and the break, when it comes first) and ends in time for the leg back before the
    shift ends (and the break, when it comes after)."""
    for (c, d), visits in m.on_route.items():
        carer = problem.carer(c)
        shift = carer.shift_by_day[d]
        rest = shift.break_.minutes if shift.break_ is not None else 0
        office = problem.office(carer)
        for v_id, lit in visits:
            visit = problem.visit(v_id)
            home = problem.home(visit)
            on = [lit] if lit is not None else []
            out, back = problem.minutes(carer, office, home), problem.minutes(carer, home, office)
            s, end = m.start[v_id], m.start[v_id] + visit.duration
            if rest and (c, d) in m.break_start:  # the rest counts on the break's side
                first = m.before_break[(v_id, c, d)]
                m.model.add(s + rest * first >= shift.start + out + rest).only_enforce_if(on)
                m.model.add(end + back + rest * first <= shift.end).only_enforce_if(on)
            else:
                m.model.add(s >= shift.start + out).only_enforce_if(on)
                m.model.add(end + back <= shift.end).only_enforce_if(on)


def add_separation(m: FreeStartsModel, problem: Problem) -> None:
    """Of two visits on one carer-day, one ends, the carer travels to the other's home (and
    rests first when the break falls between them), and only then the other starts. Visits
    that stay keep the plan's order (only the next one is constrained); a freed visit is
    weighed against every other visit on the route, the order a literal shared by every route
    the two may share (their starts are shared). Two visits whose windows allow neither order
    never share a route; a pair whose windows keep them apart needs no constraint.

    This family is most of the step's model, so each visit's span is looked up once."""
    order: dict[tuple[str, str], cp_model.IntVar] = {}
    span = {v: _span(m, problem, v) for visits in m.on_route.values() for v, _ in visits}
    for key, visits in m.on_route.items():
        route = _Route.of(m, problem, key, span)
        staying = [v for v, lit in visits if lit is None]
        for a, b in zip(staying, staying[1:]):
            route.separate(a, b, [])
        for i, (u, lit_u) in enumerate(visits):
            _, low_u, high_u, duration_u, home_u = span[u]
            for w, lit_w in visits[i + 1 :]:
                if lit_u is None and lit_w is None:
                    continue
                _, low_w, high_w, duration_w, home_w = span[w]
                leg_uw, leg_wu = route.leg(home_u, home_w), route.leg(home_w, home_u)
                pause = route.rest or 0
                if (
                    high_u + duration_u + leg_uw + pause <= low_w
                    or high_w + duration_w + leg_wu + pause <= low_u
                ):
                    continue  # their windows keep them apart whatever the starts
                on = [lit for lit in (lit_u, lit_w) if lit is not None]
                fits_uw = low_u + duration_u + leg_uw <= high_w
                fits_wu = low_w + duration_w + leg_wu <= high_u
                if not fits_uw and not fits_wu:
                    m.model.add_bool_or([~lit for lit in on])
                    continue
                # the order literal of the two, by their ids: the routes they share share it
                first, second = (u, w) if u < w else (w, u)
                fits_fw, fits_bw = (fits_uw, fits_wu) if u < w else (fits_wu, fits_uw)
                if (first, second) not in order:
                    order[(first, second)] = m.model.new_bool_var(f"first[{first},{second}]")
                ahead = order[(first, second)]
                for a, b, lit, fits in (
                    (first, second, ahead, fits_fw),
                    (second, first, ~ahead, fits_bw),
                ):
                    if fits:
                        route.separate(a, b, [*on, lit])
                    else:
                        m.model.add_bool_or([*(~x for x in on), ~lit])


@dataclass(frozen=True)
class _Route:
    """What separating two visits on one carer-day needs: the model, the visits' spans, the
    carer (for the legs), and the break's length and literals when the day has one."""

    m: FreeStartsModel
    span: dict[str, Span]
    problem: Problem
    carer: Staff
    rest: int | None
    before: dict[str, cp_model.IntVar]

    @classmethod
    def of(
        cls, m: FreeStartsModel, problem: Problem, key: RouteKey, span: dict[str, Span]
    ) -> _Route:
        c, d = key
        carer = problem.carer(c)
        rule = carer.shift_by_day[d].break_
        broken = rule is not None and key in m.break_start
        return cls(
            m,
            span,
            problem,
            carer,
            rule.minutes if rule is not None and broken else None,
            {v: m.before_break[(v, c, d)] for v, _ in m.on_route[key]} if broken else {},
        )

    def leg(self, a: int, b: int) -> int:
        return self.problem.minutes(self.carer, a, b)

    def separate(self, a: str, b: str, when: list[cp_model.LiteralT]) -> None:
        """When `when` holds, `b` starts after `a` ends, the leg and any break between.

        With a break one inequality says both: the rest counts when `a` comes before the break
        and `b` after it. The other way round (`b` before the break, `a` after it) it counts
        against, but that case the break's own family (`add_breaks`) rules out once `a`
        comes first."""
        start_a, _, _, duration, home_a = self.span[a]
        start_b, home_b = self.m.start[b], self.span[b][4]
        gap = duration + self.leg(home_a, home_b)
        if self.rest is None:
            self.m.model.add(start_b - start_a >= gap).only_enforce_if(when)
        else:
            rest, before = self.rest, self.before
            apart = start_b - start_a - rest * before[a] + rest * before[b]
            self.m.model.add(apart >= gap).only_enforce_if(when)


Span = tuple[cp_model.IntVar | int, int, int, int, int]  # start, earliest, latest, minutes, home


def _span(m: FreeStartsModel, problem: Problem, v_id: str) -> Span:
    """A visit's start, the earliest and latest it may take, its duration and its home."""
    visit = problem.visit(v_id)
    start = m.start[v_id]
    if isinstance(start, int):
        low, high = start, start
    else:
        low, high = visit.start_windows[0][0], visit.start_windows[-1][1]
    return start, low, high, visit.duration, problem.home(visit)


def add_pair_costs(m: FreeStartsModel, problem: Problem, plan: Solution, weights: Weights) -> None:
    """Minimise the freed clients' pairs (a carer the client met in the history costs its
    `known_share`), then a visit the step serves counts SERVE, and a freed visit moved off a
    carer of the plan 1: among plans with as few pairs the step changes least."""
    known = problem.known
    pair: dict[tuple[str, str], cp_model.IntVar] = {}
    moved = []
    for (v_id, c, d), lit in m.chosen.items():
        client = problem.visit(v_id).client
        if (client, c) not in pair:
            pair[(client, c)] = m.model.new_bool_var(f"pair[{client},{c}]")
        m.model.add_implication(lit, pair[(client, c)])
        placed = plan.assignments.get(v_id)
        if placed is not None and placed.day == d and c in placed.carers:
            moved.append(~lit)
    cost = [
        (weights.known_share if c in known.get(client, ()) else 100) * PAIR // 100 * lit
        for (client, c), lit in pair.items()
    ]
    # the day literals of each visit the plan leaves out, gathered in one pass
    days_of: dict[str, list[cp_model.IntVar]] = {}
    for (v_id, _), lit in m.day_of.items():
        if v_id not in plan.assignments:
            days_of.setdefault(v_id, []).append(lit)
    unserved = [1 - sum(days) for days in days_of.values()]
    m.model.minimize(sum(cost) + sum(moved) + SERVE * sum(unserved))


def _hint(m: FreeStartsModel, problem: Problem, plan: Solution) -> None:
    """The plan as the hint: its choices, starts and breaks."""
    for (v_id, c, d), lit in m.chosen.items():
        placed = plan.assignments.get(v_id)
        m.model.add_hint(lit, placed is not None and placed.day == d and c in placed.carers)
    for (v_id, d), lit in m.day_of.items():
        placed = plan.assignments.get(v_id)
        m.model.add_hint(lit, placed is not None and placed.day == d)
    for v_id, s in m.start.items():
        placed = plan.assignments.get(v_id)
        if placed is not None and not isinstance(s, int):
            m.model.add_hint(s, placed.start)
    for key, b in m.break_start.items():
        if key in plan.breaks:
            m.model.add_hint(b, plan.breaks[key])


def _result(
    m: FreeStartsModel,
    problem: Problem,
    plan: Solution,
    freed: list[str],
    solver: cp_model.CpSolver,
    status: cp_model.CpSolverStatus,
) -> NeighbourhoodResult:
    """The freed visits' placements (None: left out), the staying visits moved in time, and
    the breaks of the touched routes that have visits."""
    value = solver.value
    day = {v: d for (v, d), lit in m.day_of.items() if value(lit)}
    carers: dict[str, list[str]] = {}
    for (v, c, d), lit in m.chosen.items():
        if d == day.get(v) and value(lit):
            carers.setdefault(v, []).append(c)
    placements: dict[str, Placement | None] = {
        v: Placement(day[v], value(m.start[v]), tuple(sorted(carers[v]))) if v in day else None
        for v in freed
    }
    for v_id, s in m.start.items():
        if (
            v_id not in placements
            and not isinstance(s, int)
            and value(s) != plan.assignments[v_id].start
        ):
            placements[v_id] = Placement(
                plan.assignments[v_id].day, value(s), plan.assignments[v_id].carers
            )
    breaks = {key: value(b) for key, b in m.break_start.items()}
    return NeighbourhoodResult(
        placements,
        breaks,
        solver.status_name(status),
        solver.deterministic_time,
        len(m.model.proto.variables),
    )
