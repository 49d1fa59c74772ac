"""Whether a few carers could have served more of a day's visits than the plan does: a proof
that a visit left out for capacity could not have been served with the others.

When a visit is left out because the carers who could do it are busy, the question a planner
asks is whether any plan could have served it. Take the carers C who could do it that day and
every one-day visit of that day that nobody but C could do (V). Whatever the plan does with
C's other visits, C serve no more of V than they could serve of V alone; so when V alone has
no way to serve one more than the plan does (routes, windows, breaks and double staffing
included), no lawful plan serves more of V: the plan leaves out no more of them than it must.

The model is the evaluator's own (its travel times, windows and break rule, no solver code):
per carer a circuit over the office and the visits, starts pushed by duration and travel along
each arc, the break on one arc. What it leaves out only loosens it (roles, the second
carer's start of a visit with a start gap), so a proof stays a proof. CP-SAT decides it (one
more served: infeasible) with one worker within a fixed amount of deterministic work, the same
answer on every machine; without an answer in that work, no claim is made.

The work is one budget for all the questions of a schedule (`proven_shortfalls`), since the
diagnosis runs after a solve that keeps its time limit: a pool's five teams at 60 s left 31
visits out, 22 of whose questions used their 5 units each unanswered (118 s after the solve).
Each question first gets a short look (most proofs and refutations take a hundredth of a
unit, city-14d's all within 0.22), then what is left goes to the open ones in order, the
mandatory visits first. A command that keeps a time limit for all it does (`hemplan replan`:
8 s in all) also gives a deadline: no question is asked after it, and none runs past it, so
on a slow machine fewer proofs are made, never a wrong one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from hemplan.models.contract.instance import Instance, Shift, Staff, Visit
from hemplan.models.evaluator.eligibility import allowed_windows, rule_out
from hemplan.models.evaluator.travel import TravelMinutes

MOST_CARERS = 6  # larger groups are left unproven: the question is then rarely one of capacity
MOST_VISITS = 40
TOTAL_WORK = 2.0  # CP-SAT's deterministic time for all the questions of one diagnosis
FIRST_LOOK = 0.25  # at most per question in the first pass (city-14d's settle within 0.22)
WORK = 5.0  # at most per question in the second pass


@dataclass(frozen=True)
class Shortfall:
    """Of `visits` (one day's visits only `carers` could do) no plan serves more than `most`,
    which is as many as the plan does."""

    day: int
    carers: tuple[str, ...]
    visits: tuple[str, ...]
    most: int


@dataclass(frozen=True)
class Question:
    """Whether the carers who could do a left-out one-day visit (`carers`) could have served
    more of the visits of its day that only they could do."""

    visit: Visit
    carers: tuple[Staff, ...]


@dataclass(frozen=True)
class _Group:
    """A question's day, the visits only its carers could do and which of them could."""

    day: int
    carers: tuple[Staff, ...]
    visits: list[Visit]
    doers: dict[str, list[Staff]]


def proven_shortfalls(
    instance: Instance,
    travel: TravelMinutes,
    questions: list[Question],
    borrowing: bool,
    served: frozenset[str],
    deadline: float | None = None,
) -> list[Shortfall | None]:
    """For each question the proof that no plan serves more of its group than the `served`
    ones, or None when one more might fit, the group is too large to settle, or the budget
    (module doc) or the `deadline` (time.monotonic) ran out first. Deterministic without a
    deadline: the same answers on every machine."""
    groups = [_group(instance, travel, q, borrowing) for q in questions]
    # how many of each group's visits the plan serves: the count no plan is to beat
    served_counts = [sum(v.id in served for v in g.visits) if g else 0 for g in groups]
    answers: list[Shortfall | None] = [None] * len(questions)
    open_ = [k for k, group in enumerate(groups) if group is not None]
    left = TOTAL_WORK
    first_look = min(FIRST_LOOK, TOTAL_WORK / 2 / max(1, len(open_)))
    for most_work in (first_look, WORK):
        unanswered = []
        for k in open_:
            group = groups[k]
            assert group is not None
            most, work = served_counts[k], min(most_work, left)
            seconds = None if deadline is None else deadline - time.monotonic()
            status, spent = (
                _one_more(travel, group, most, work, seconds)
                if work > 0 and (seconds is None or seconds > 0)
                else (cp_model.UNKNOWN, 0.0)
            )
            left -= spent
            if status == cp_model.INFEASIBLE:
                answers[k] = Shortfall(
                    group.day,
                    tuple(sorted(c.id for c in group.carers)),
                    tuple(v.id for v in group.visits),
                    most,
                )
            elif status == cp_model.UNKNOWN:
                unanswered.append(k)
        open_ = unanswered
    return answers


def _group(
    instance: Instance, travel: TravelMinutes, question: Question, borrowing: bool
) -> _Group | None:
    """The visits of the question's day only its carers could do, or None when there is no
    question to ask (no carers, the visit not among them, too many to settle)."""
    visit, carers = question.visit, question.carers
    if len(carers) > MOST_CARERS or not carers:
        return None
    day = visit.day
    group = {c.id for c in carers}
    others = [c for c in instance.staff if c.id not in group and day in c.shift_by_day]

    def able(carer: Staff, v: Visit) -> bool:
        return rule_out(instance, travel, carer, v, borrowing) is None

    doers: dict[str, list[Staff]] = {}  # each visit of the group: which of `carers` could do it
    visits = []
    for v in instance.visits:
        if v.days != range(day, day + 1):
            continue
        mine = [c for c in carers if able(c, v)]
        if mine and not any(able(c, v) for c in others):
            doers[v.id] = mine
            visits.append(v)
    if visit.id not in doers or len(visits) > MOST_VISITS:
        return None
    return _Group(day, carers, visits, doers)


def _one_more(
    travel: TravelMinutes, group: _Group, most: int, work: float, seconds: float | None = None
) -> tuple[cp_model.CpSolverStatus, float]:
    """CP-SAT's answer, within `work` (and `seconds`, when given), to whether the group's
    carers can serve more than `most` of its visits (INFEASIBLE: they cannot), and the work
    it took."""
    day, carers, visits, able = group.day, group.carers, group.visits, group.doers
    model = cp_model.CpModel()
    served = {v.id: model.new_bool_var(f"served {v.id}") for v in visits}
    start = {v.id: _start(model, v) for v in visits}
    span = {  # the earliest and the latest start of each visit (a second carer's, with a gap)
        v.id: (allowed_windows(v)[0][0], allowed_windows(v)[-1][1] + v.start_gap[1]) for v in visits
    }
    takes: dict[str, list[cp_model.IntVar]] = {v.id: [] for v in visits}
    for carer in carers:
        mine = [v for v in visits if carer in able[v.id]]
        own: dict[str, cp_model.IntVar] = {}
        for v in mine:
            takes[v.id].append(model.new_bool_var(f"{carer.id} takes {v.id}"))
            # together at the visit's start; with a start gap, anywhere the gap could reach
            own[v.id] = _start(model, v, v.start_gap[1]) if v.staggered else start[v.id]
        taken = {v.id: takes[v.id][-1] for v in mine}
        _route(model, travel, carer, carer.shift_by_day[day], mine, own, taken, span)
    for v in visits:
        model.add(sum(takes[v.id]) == v.staff_needed * served[v.id])
    model.add(sum(served.values()) >= most + 1)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = work
    if seconds is not None:
        solver.parameters.max_time_in_seconds = seconds
    status = solver.solve(model)
    return status, solver.deterministic_time


def _start(model: cp_model.CpModel, visit: Visit, slack: int = 0) -> cp_model.IntVar:
    """A start inside one of the visit's allowed windows (reaching `slack` further)."""
    windows = allowed_windows(visit)
    domain = cp_model.Domain.from_intervals([[lo, hi + slack] for lo, hi in windows])
    return model.new_int_var_from_domain(domain, f"start {visit.id}")


def _route(
    model: cp_model.CpModel,
    travel: TravelMinutes,
    carer: Staff,
    shift: Shift,
    visits: list[Visit],
    start: dict[str, cp_model.IntVar],
    takes: dict[str, cp_model.IntVar],
    span: dict[str, tuple[int, int]],
) -> None:
    """One carer's day: a circuit from the office through the visits taken and back, each arc
    pushing the next start by duration and travel, the break (if the carer works) on one arc
    with its minutes spent neither visiting nor travelling."""
    mode, office = carer.travel_mode, travel.office(carer.team)
    homes = {v.id: travel.home(v.client) for v in visits}
    rule = shift.break_
    works = model.new_bool_var(f"{carer.id} works")
    arcs: list[tuple[int, int, cp_model.LiteralT]] = [(0, 0, works.Not())]
    on_arc: list[cp_model.IntVar] = []
    pause = model.new_int_var(shift.start, shift.end, f"{carer.id} break") if rule else None
    for k, v in enumerate(visits, start=1):
        arcs.append((k, k, takes[v.id].Not()))
        model.add_implication(takes[v.id], works)
    model.add_no_overlap(
        model.new_optional_fixed_size_interval_var(start[v.id], v.duration, takes[v.id], v.id)
        for v in visits
    )
    # node 0 is the office (leaving at shift start, back by shift end), node k the k-th visit;
    # an arc no start in the windows could take is left out, and so is a break it cannot hold
    nodes = [(0, None)] + [(k, v) for k, v in enumerate(visits, start=1)]
    for i, before in nodes:
        for j, after in nodes:
            if i == j or (before is None and after is None):
                continue
            place = office if before is None else homes[before.id]
            goal = office if after is None else homes[after.id]
            minutes = travel.minutes(mode, place, goal)
            free = shift.start if before is None else span[before.id][0] + before.duration
            until = shift.end if after is None else span[after.id][1]
            if free + minutes > until:
                continue
            arc = model.new_bool_var(f"{carer.id} {i}->{j}")
            arcs.append((i, j, arc))
            ready = shift.start if before is None else start[before.id] + before.duration
            begins = shift.end if after is None else start[after.id]
            rest_from = max(free, rule.earliest) if rule else 0
            if (
                rule is None
                or pause is None
                or rest_from > rule.latest
                or rest_from + rule.minutes + minutes > until
            ):
                model.add(begins >= ready + minutes).only_enforce_if(arc)
                continue
            rests = model.new_bool_var(f"{carer.id} rests {i}->{j}")
            model.add_implication(rests, arc)
            on_arc.append(rests)
            model.add(begins >= ready + minutes).only_enforce_if(arc, rests.Not())
            model.add(begins >= ready + minutes + rule.minutes).only_enforce_if(rests)
            model.add(pause >= ready).only_enforce_if(rests)
            model.add(pause + rule.minutes <= begins).only_enforce_if(rests)
    model.add_circuit(arcs)
    if rule is not None and pause is not None:
        model.add(sum(on_arc) == works)  # no arc able to hold it: the carer cannot work
        model.add(pause >= rule.earliest)
        model.add(pause <= rule.latest)
