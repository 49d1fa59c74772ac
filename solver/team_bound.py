"""A lower bound on a team's distinct client-carer pairs that counts the carers' time.

The per-client bound (`solver.bounds`) asks each client alone for the fewest carers whose
shifts cover its visits. Every client can reach it only if the carers have the time to be
where all these covers put them at once: in a morning peak two clients at their bound may
need the same carer at the same hour. This bound asks the team as a whole, in a relaxation
that CP-SAT solves: every servable visit on one of its days by as many carers as it needs,
each able to do it that day; a carer who does a visit meets its client (a pair); and on each
carer-day, the visits and the break that must lie inside a stretch of time (from one's first
start to another's last end, within the shift and the office legs) take no more minutes than
it holds. Travel between visits, the order of a route and the rest of the rules are left
out, so every schedule that serves every servable visit is a solution of the relaxation and
has at least its optimum of pairs. The bound is the best bound CP-SAT proves within its
limits (the optimum when it ends OPTIMAL), and never below the sum of the clients' bounds.

Its premise is the per-client bound's: every visit some carer could serve is served. A team
whose carers cannot serve all of them at once makes the relaxation infeasible; the clients'
bounds are then reported, with that status.

Families, one function each (`tests/solver/test_team_bound.py`, satisfied and violated):
`add_service`, `add_pairs`, `add_client_covers` (redundant: each client at least its own
bound), `add_day_minutes`, `add_stretches`, and on request `add_apart` (no two of a carer's
visits at once: tighter, slower to prove).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from hemplan.models.contract.instance import Instance, Shift, Staff, Visit
from hemplan.solver.bounds import client_bounds
from hemplan.solver.continuity.decompose import team_instances
from hemplan.solver.continuity.model.solve import cp_sat_seed
from hemplan.solver.executors import make_executor
from hemplan.solver.problem import Problem
from hemplan.solver.stretches import crowded

CarerDay = tuple[str, int]
# minutes of the longest stretch weighed: a longer one is seldom fuller than the shift, which
# `add_day_minutes` weighs, and its many terms slow CP-SAT's relaxation
LONGEST_STRETCH = 300


@dataclass(frozen=True)
class TeamBound:
    """A team's bound on its clients' distinct carers, summed: the clients' own bounds
    (`cover`), and the relaxation's (`bound`, at least `cover`) with CP-SAT's status."""

    team: str
    clients: int
    cover: int
    bound: int
    status: str  # OPTIMAL (the relaxation solved), FEASIBLE/UNKNOWN (limits), INFEASIBLE
    seconds: float


@dataclass(frozen=True)
class Stretch:
    """Where one carer's part of a visit (or its break) must lie on a carer-day: between
    `release` and `deadline`, for `minutes`; `does` is the literal that puts it there."""

    release: int
    deadline: int
    minutes: int
    does: cp_model.IntVar


@dataclass
class BoundModel:
    """The relaxation's variables: per visit the day it is on and per carer-day the literals
    of the visits a carer may do there, and per (client, carer) the pair."""

    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    day_of: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    does: dict[CarerDay, list[tuple[Visit, cp_model.IntVar]]] = field(default_factory=dict)
    pair: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)


def team_bounds(
    instance: Instance,
    allow_borrowing: bool = False,
    *,
    days: range | None = None,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    work_limit: float | None = None,
    apart: bool = False,
) -> list[TeamBound | None]:
    """The bound of each team over `days` (default: the horizon); with borrowing, the district
    as one team. The teams run `workers` at a time, each in its own process with one CP-SAT
    worker, so that a seed and a work limit (`work_limit`, per team) give the same bounds on any
    machine; each gets an equal part of `time_limit`. A Ctrl-C (a KeyboardInterrupt in this
    thread) stops the teams still running, whose entries are then None. `apart` adds `add_apart`."""
    parts = [instance] if allow_borrowing else team_instances(instance)
    if not parts:
        return []
    slots = max(1, min(workers, len(parts)))
    seconds = time_limit / -(-len(parts) // slots)
    jobs = [
        BoundJob(part, allow_borrowing, days, seconds, seed, work_limit, apart) for part in parts
    ]
    # in a process of its own even alone: CP-SAT holds this process until its solve ends, and a
    # Ctrl-C must stop a team at once (the abandoned worker is killed)
    with make_executor("local", workers=slots, fresh=slots == 1, abandon=True) as executor:
        results: list[TeamBound | None] = executor.map(_bound_task, jobs)
    return results


@dataclass(frozen=True)
class BoundJob:
    """One team's relaxation to solve, as a worker process receives it."""

    part: Instance
    allow_borrowing: bool
    days: range | None
    seconds: float
    seed: int
    work_limit: float | None
    apart: bool


def _bound_task(
    job: BoundJob, on_event: Callable[[object], None], stopped: Callable[[], bool]
) -> TeamBound:
    problem = Problem.build(job.part, job.allow_borrowing)
    team = "all" if job.allow_borrowing else job.part.teams[0].id
    return team_bound(problem, team, job.days, job.seconds, job.seed, job.work_limit, job.apart)


def team_bound(
    problem: Problem,
    team: str,
    days: range | None,
    seconds: float,
    seed: int,
    work_limit: float | None,
    apart: bool = False,
) -> TeamBound:
    """One team's bound: the relaxation solved within `seconds` (and `work_limit`), on one
    CP-SAT worker."""
    covers = client_bounds(problem.instance, problem.eligible, days)
    cover = sum(covers.values())
    m = build_model(problem, days, covers, apart)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, seconds)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = cp_sat_seed(seed)
    solver.parameters.catch_sigint_signal = False
    if work_limit is not None:
        solver.parameters.max_deterministic_time = work_limit
    status = solver.solve(m.model)
    name = solver.status_name(status)
    proven = cover
    best = solver.best_objective_bound
    if status != cp_model.INFEASIBLE and m.pair and math.isfinite(best):
        proven = max(cover, math.ceil(best - 1e-6))  # pairs are whole
    return TeamBound(team, len(covers), cover, proven, name, solver.wall_time)


def build_model(
    problem: Problem, days: range | None, covers: dict[str, int], apart: bool = False
) -> BoundModel:
    """The relaxation of `problem` over `days`: every family (`add_apart` with `apart`), and
    fewest pairs."""
    m = BoundModel()
    add_service(m, problem, days)
    add_pairs(m)
    add_client_covers(m, covers)
    add_carer_days(m, problem, apart)
    m.model.minimize(sum(m.pair.values()))
    return m


def add_carer_days(m: BoundModel, problem: Problem, apart: bool) -> None:
    """Each carer-day's families: its minutes, its stretches (and `add_apart` with `apart`)."""
    for (carer_id, day), visits in m.does.items():
        shift = problem.carer(carer_id).shift_by_day[day]
        works = m.model.new_bool_var(f"works[{carer_id},{day}]")
        for _, lit in visits:
            m.model.add_implication(lit, works)
        add_day_minutes(m.model, shift, visits, works)
        parts = stretches(problem, problem.carer(carer_id), shift, visits, works)
        add_stretches(m.model, parts)
        if apart:
            add_apart(m.model, parts)


def serves_every_visit(
    problem: Problem,
    day: int,
    window: tuple[int, int] | None = None,
    work_limit: float = 2.0,
    seconds: float = 10.0,
) -> bool:
    """Whether the carers of `problem` can serve every servable visit of `day` alone (those
    whose time lies inside `window`, minutes from midnight, when given) in the relaxation,
    travel left out: False only when CP-SAT proves they cannot, so a False is a fact about
    the team (`hemplan teams` adds carers where it finds one). A day's model takes
    milliseconds; the work limit makes the answer the same on any machine, the seconds are
    a guard. Without presolve and linearization a day's answer comes about nine times
    faster (a team of 19 carers: 0.1 -> 0.01 s a day), proofs of a short day included."""
    m = BoundModel()
    add_service(m, problem, range(day, day + 1), window)
    add_carer_days(m, problem, apart=False)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False
    solver.parameters.linearization_level = 0
    solver.parameters.max_deterministic_time = work_limit
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.catch_sigint_signal = False
    return solver.solve(m.model) != cp_model.INFEASIBLE


def visit_span(visit: Visit) -> tuple[int, int]:
    """Minutes from midnight between which `visit` must lie: its first allowed start and its
    last allowed end (a second role's start gap included)."""
    starts = visit.allowed_starts
    return starts[0][0], starts[-1][1] + visit.start_gap[1] + visit.duration


def add_service(
    m: BoundModel, problem: Problem, days: range | None, window: tuple[int, int] | None = None
) -> None:
    """Every visit some carer can serve (`problem.eligible`, on a day whose shift leaves room:
    `problem.fitting_days`) on exactly one of its days inside `days`, by as many carers as it
    needs. A visit that may fall outside `days` is left out, as the clients' bounds do, and
    so is one that may fall outside `window` (minutes from midnight) when given."""
    for visit in problem.instance.visits:
        last_day = visit.day if visit.last_day is None else visit.last_day
        if days is not None and not (visit.day >= days.start and last_day < days.stop):
            continue
        if window is not None:
            first, last = visit_span(visit)
            if first < window[0] or last > window[1]:
                continue
        able = problem.eligible.get(visit.id, [])
        if len(able) < visit.staff_needed:
            continue
        on_days = []
        for day in visit.days:
            here = [c for c in able if day in problem.fitting_days(c, visit)]
            if len(here) < visit.staff_needed:
                continue
            on_day = m.model.new_bool_var(f"day[{visit.id},{day}]")
            m.day_of[(visit.id, day)] = on_day
            on_days.append(on_day)
            lits = []
            for carer_id in here:
                lit = m.model.new_bool_var(f"x[{visit.id},{carer_id},{day}]")
                m.does.setdefault((carer_id, day), []).append((visit, lit))
                lits.append(lit)
            m.model.add(sum(lits) == visit.staff_needed * on_day)
        if on_days:
            m.model.add_exactly_one(on_days)


def add_pairs(m: BoundModel) -> None:
    """A carer who does a visit meets its client."""
    for (carer_id, _), visits in m.does.items():
        for visit, lit in visits:
            key = (visit.client, carer_id)
            if key not in m.pair:
                m.pair[key] = m.model.new_bool_var(f"pair[{visit.client},{carer_id}]")
            m.model.add_implication(lit, m.pair[key])


def add_client_covers(m: BoundModel, covers: dict[str, int]) -> None:
    """Each client meets at least its own bound of carers (implied by the rest; it tells
    CP-SAT at once what the clients' bounds already prove)."""
    by_client: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for (client, _), lit in m.pair.items():
        by_client[client].append(lit)
    for client, lits in by_client.items():
        m.model.add(sum(lits) >= covers.get(client, 0))


def add_day_minutes(
    model: cp_model.CpModel,
    shift: Shift,
    visits: list[tuple[Visit, cp_model.IntVar]],
    works: cp_model.IntVar,
) -> None:
    """A carer's visits of a day and its break (when it works) fit in the shift's minutes."""
    rest = shift.break_.minutes if shift.break_ is not None else 0
    model.add(sum(v.duration * lit for v, lit in visits) + rest * works <= shift.end - shift.start)


def stretches(
    problem: Problem,
    carer: Staff,
    shift: Shift,
    visits: list[tuple[Visit, cp_model.IntVar]],
    works: cp_model.IntVar,
) -> list[Stretch]:
    """Where each of the carer's possible visits of the day must lie: from its first allowed
    start (and the leg out from the office after the shift's start) to its last allowed end (a
    second role's start gap included, and the leg back before the shift's end); and the break
    inside its window, when the carer works."""
    office = problem.office(carer)
    spans = []
    for visit, lit in visits:
        home = problem.home(visit)
        first, last = visit_span(visit)
        release = max(first, shift.start + problem.minutes(carer, office, home))
        deadline = min(last, shift.end - problem.minutes(carer, home, office))
        spans.append(Stretch(release, deadline, visit.duration, lit))
    rule = shift.break_
    if rule is not None:
        first, last = max(rule.earliest, shift.start), min(rule.latest, shift.end - rule.minutes)
        if first <= last:
            spans.append(Stretch(first, last + rule.minutes, rule.minutes, works))
    return spans


def add_stretches(model: cp_model.CpModel, spans: list[Stretch]) -> None:
    """The parts that must lie inside a stretch take no more minutes than it holds
    (`solver.stretches.crowded`: each set once, against its tightest stretch); stretches
    longer than LONGEST_STRETCH are left to `add_day_minutes`."""
    for inside, room in crowded(spans, LONGEST_STRETCH):
        model.add(sum(spans[i].minutes * spans[i].does for i in inside) <= room)


def add_apart(model: cp_model.CpModel, spans: list[Stretch]) -> None:
    """No two of a carer-day's parts at once: each starts in its stretch and runs its minutes,
    apart from the others (travel still left out). Tighter than the stretches alone, which
    weigh minutes but not the order they must take, and slower to prove."""
    intervals = []
    for part in spans:
        start = model.new_int_var(part.release, max(part.release, part.deadline - part.minutes), "")
        intervals.append(
            model.new_optional_fixed_size_interval_var(start, part.minutes, part.does, "")
        )
    model.add_no_overlap(intervals)
