"""Locks that cannot be kept are the planner's mistake, reported before any solving.

The solver keeps every lock exactly and never leaves a locked visit out, so a lock that cannot
be kept would otherwise surface only as a violation after the search. Saying which visit and
which field is wrong, and why, is kinder. The checks, in order:

1. each lock on its own: the locked carer may serve the visit (team, skills, exclusions), has
   a shift on an allowed day with room for it (at the locked start, office legs included) and
   is not absent then (replan);
2. the locks of one carer together: the visits a carer must do on a day (locked to it with no
   other day left, and the visits a replan keeps) must fit into that day in some order, with
   the travel between them, the office legs and the shift's break in its window;
3. what is left, until nothing changes: a locked visit loses every day on which a carer it
   must have has no room beside that carer's fixed visits (step 2), or on which too few other
   carers have room for the rest of the staff it needs; with one day left it joins the fixed
   visits of its carers there, and of the other carers too when exactly as many as it needs
   have room; a visit with no day left is reported;
4. visits locked to start at one time on one day that run at once need distinct carers: if
   fewer carers could be there than they need together, the last of them is reported.

Every check refuses only what no schedule could keep: the route timing is the solver's own
exact forward pass (`solver.continuity.routes.time_route`, the evaluator's rules), tried in
every order of the visits whose start is free, and a set whose orders are too many to try is
accepted rather than refused. What steps 2-3 learn (the days and carers the locks together
leave a visit) is handed to the solver too (`LockCheck.narrowed`), so that its construction
never gives a locked visit a day that another lock needs.

What is not proven here is accepted: locked visits whose days all stay open but that cannot
all be placed at once (several flexible locks competing for the same few carer-days).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import groupby

from hemplan.models.contract.clock import format_clock
from hemplan.models.contract.instance import TRAVEL_MODES, Instance, Staff, Visit
from hemplan.models.contract.problems import InputError, InputProblem
from hemplan.models.contract.start_windows import windows_text
from hemplan.solver.continuity.routes import BreakRule, DayContext, RouteStop, time_route
from hemplan.solver.eligibility import carer_rules_out, start_range
from hemplan.solver.problem import Problem
from hemplan.solver.stretches import crowded

MAX_ORDERS = 2000  # orders of a carer-day's free-start locked visits tried before `_room` alone

Key = tuple[str, int]  # (carer id, day)


def check_locks(instance: Instance, source: str, allow_borrowing: bool = False) -> LockCheck:
    """Raise an InputError naming `source` (the file the user gave) when a lock of `instance`
    cannot be kept; instances without locks cost nothing. Returns what the locks together
    leave the locked visits (`LockCheck`; nothing to narrow without locks)."""
    if not any(v.locked for v in instance.visits):
        return LockCheck([], {}, {})
    locks = check_lock_sets(Problem.build(instance, allow_borrowing), source)
    if locks.problems:
        raise InputError(locks.problems)
    return locks


@dataclass(frozen=True)
class LockCheck:
    """What the locks together allow: the problems (empty when every lock can be kept), and
    for the locked visits whose choice the others narrow, the days left and the carers that
    must do them. No schedule that keeps every lock does otherwise, so a method may plan
    `narrowed(instance)` instead and never again choose a day or carer the locks rule out."""

    problems: list[InputProblem]
    days: dict[str, list[int]]  # visit id -> the days left to it, where fewer than its own
    carers: dict[str, list[str]]  # visit id -> the carers it must have, where more than locked

    def narrowed(self, instance: Instance) -> Instance:
        """`instance` with each such visit's days cut to the span of the days left to it and
        the carers it must have locked."""
        if not self.days and not self.carers:
            return instance
        data = instance.model_dump(by_alias=True)
        for v in data["visits"]:
            days = self.days.get(v["id"])
            if days:
                v.update(day=min(days), last_day=max(days) if len(days) > 1 else None)
            if v["id"] in self.carers:
                v["locked_carers"] = list(self.carers[v["id"]])
        return Instance.model_validate(data)


def check_lock_sets(
    problem: Problem,
    source: str,
    kept: Collection[str] = (),
    kept_source: str = "the schedule",
    absent: Collection[Key] = (),
) -> LockCheck:
    """Every lock of `problem.instance` that no schedule could keep, as one input problem each,
    and what the locks together leave to the locked visits (`LockCheck`).

    `kept` are the visits a replan keeps from `kept_source` (locked in the derived instance
    only): they are never reported themselves, only named where they are in a lock's way.
    `absent` are the (carer, day) pairs of a replan's absences, whose shifts the instance no
    longer has: a lock on such a day says so.
    """
    return _Checker(problem, source, set(kept), kept_source, set(absent)).run()


def lock_problems(
    problem: Problem,
    source: str,
    kept: Collection[str] = (),
    kept_source: str = "the schedule",
    absent: Collection[Key] = (),
) -> list[InputProblem]:
    """One input problem per lock of `problem.instance` that no schedule could keep
    (`check_lock_sets`)."""
    return check_lock_sets(problem, source, kept, kept_source, absent).problems


Why = tuple[str, str]  # a reason, said as head + the days it holds on + tail


@dataclass
class _Reason:
    """Why a locked carer cannot have the visit on `day` (`why`: head and tail around the
    days); `timed` when it is about the time (a lock elsewhere, the break), not the shift."""

    carer: str
    day: int
    why: Why
    timed: bool


@dataclass(eq=False)
class _Lock:
    """A locked visit while it is checked: the days still open to it and why the others are not."""

    visit: Visit
    days: list[int]
    reasons: list[_Reason] = field(default_factory=list)
    carers: list[str] = field(default_factory=list)  # who must do it: locked, or the only ones
    short: dict[int, tuple[list[str], list[str]]] = field(default_factory=dict)  # day -> able, busy

    def __post_init__(self) -> None:
        if not self.carers:
            self.carers = list(self.visit.locked_carers)


class _Checker:
    def __init__(
        self, problem: Problem, source: str, kept: set[str], kept_source: str, absent: set[Key]
    ) -> None:
        self.problem = problem
        self.instance = problem.instance
        self.source = source
        self.kept = kept
        self.kept_source = kept_source
        self.absent = absent
        self.found: list[InputProblem] = []
        self.failed: set[str] = set()  # visits with a problem reported: left out of the rest
        self.forced: dict[Key, list[Visit]] = defaultdict(list)  # locked there, no other day
        self._matrices: dict[str, list[list[int]]] = {}
        self._able_cache: dict[int, dict[str, tuple[list[str], list[str]]]] = defaultdict(dict)
        self.locks: dict[str, _Lock] = {}
        self._teams: dict[str, list[Staff]] = defaultdict(list)

    # --- the steps ---------------------------------------------------------------------------

    def run(self) -> LockCheck:
        locked = [v for v in self.instance.visits if v.locked]
        locks = [lock for v in locked if (lock := self._alone(v)) is not None]
        self.locks = {lock.visit.id: lock for lock in locks}
        for lock in locks:
            if len(lock.days) == 1:
                for carer in lock.visit.locked_carers:
                    self.forced[(carer, lock.days[0])].append(lock.visit)
        self._forced_days(locks)
        self._propagate(locks)
        self._at_once([lock for lock in locks if lock.visit.id not in self.failed])
        days: dict[str, list[int]] = {}
        carers: dict[str, list[str]] = {}
        for lock in locks:
            visit = lock.visit
            if visit.id in self.failed or visit.id in self.kept:
                continue
            if len(lock.days) < len(visit.days):
                days[visit.id] = list(lock.days)
            if len(lock.carers) > len(visit.locked_carers):
                carers[visit.id] = list(lock.carers)
        return LockCheck(self.found, days, carers)

    def _alone(self, visit: Visit) -> _Lock | None:
        """Step 1: the days on which every locked carer could do the visit on its own, or None
        (and the problems reported) when there are none."""
        open_days: set[int] = set(visit.days)
        reasons: list[_Reason] = []
        refused = False
        for carer_id in visit.locked_carers:
            carer = self.instance.staff_by_id[carer_id]
            why = carer_rules_out(self.instance, carer, visit, self.problem.allow_borrowing)
            if why is not None:
                self._report(
                    visit, "locked_carers", f"locked carer {carer_id} cannot do this visit: {why}"
                )
                refused = True
                continue
            fitting = set(self.problem.fitting_days(carer_id, visit))
            for day in visit.days:
                if day in fitting:
                    continue
                if (carer_id, day) in self.absent:
                    reasons.append(_Reason(carer_id, day, ("absent on ", ""), False))
                else:
                    room = ("no shift on ", " leaves room for it")
                    reasons.append(_Reason(carer_id, day, room, False))
            open_days &= fitting
            if not fitting:
                self._report_lock(_Lock(visit, [], [r for r in reasons if r.carer == carer_id]))
                refused = True
        if refused:
            return None
        lock = _Lock(visit, sorted(open_days), reasons)
        if visit.locked_carers and not lock.days:  # two locked carers, no day in common
            spans = ", ".join(
                f"{c} on {_on_days(self.problem.fitting_days(c, visit))}"
                for c in visit.locked_carers
            )
            self._report(
                visit,
                "locked_carers",
                f"locked carers {' and '.join(visit.locked_carers)} have no day in common with "
                f"room for it{_at(visit)}: {spans}",
            )
            return None
        return lock

    def _forced_days(self, locks: list[_Lock]) -> None:
        """Step 2 for the visits that have one day left: every carer-day's locked visits
        together, the kept ones first, then in time order; a visit that does not fit is
        reported (naming what it clashes with) and left out of the rest."""
        by_id = {lock.visit.id: lock for lock in locks}
        for key in sorted(self.forced):
            carer_id, day = key
            ctx = self._context(carer_id, day)
            if ctx is not None and _fits(ctx, [self._stop(v) for v in self.forced[key]]):
                continue  # the usual case, in one pass
            accepted: list[Visit] = []
            for visit in sorted(self.forced[key], key=self._order):
                if visit.id in self.failed:
                    continue
                why = self._clash(carer_id, day, accepted, visit)
                if why is None:
                    accepted.append(visit)
                    continue
                if visit.id in self.kept:  # the replan's kept part was verified: never here
                    accepted.append(visit)
                    continue
                lock = by_id[visit.id]
                lock.reasons.append(_Reason(carer_id, day, why, True))
                lock.days = []
                self._report_lock(lock)
            self.forced[key] = accepted
        for key, visits in self.forced.items():
            self.forced[key] = [v for v in visits if v.id not in self.failed]

    def _propagate(self, locks: list[_Lock]) -> None:
        """Steps 2 and 3 for the visits with a choice left, until nothing changes: a day on
        which a locked carer's fixed visits leave no room, or too few other carers have room
        for the rest of the staff a visit needs, is taken away; a visit left with one day is
        fixed there for its locked carers, and for the others too when exactly as many as it
        needs have room; one left with no day is reported."""
        pending = [
            lock
            for lock in locks
            if lock.visit.id not in self.failed
            and (len(lock.days) > 1 or len(lock.carers) < lock.visit.staff_needed)
        ]
        changed = True
        while changed and pending:
            changed = False
            left = []
            for lock in pending:
                if lock.visit.id in self.failed:
                    continue
                self._prune(lock)
                if not lock.days:
                    self._report_left_out(lock)
                    continue
                if len(lock.days) > 1:
                    left.append(lock)
                    continue
                day = lock.days[0]
                if len(lock.carers) < lock.visit.staff_needed:
                    able = self._able(lock.visit, day)[0]
                    if len(able) == lock.visit.staff_needed - len(lock.carers):
                        lock.carers += able
                if len(lock.carers) < lock.visit.staff_needed:
                    left.append(lock)
                for carer_id in lock.carers:
                    fixed = self.forced[(carer_id, day)]
                    if all(v.id != lock.visit.id for v in fixed):
                        fixed.append(lock.visit)
                        self._able_cache.pop(day, None)  # the day's answers may change
                        changed = True
            pending = left

    def _prune(self, lock: _Lock) -> None:
        """Take from `lock.days` every day that the fixed visits of the carers it must have
        (or the lack of others with room) rule out, saying why."""
        visit = lock.visit
        wanted = visit.staff_needed - len(lock.carers)
        for day in list(lock.days):
            for carer_id in lock.carers:
                why = self._clash(carer_id, day, self.forced[(carer_id, day)], visit)
                if why is not None:
                    lock.reasons.append(_Reason(carer_id, day, why, True))
                    lock.days.remove(day)
                    break
            else:
                if wanted:
                    able, busy = self._able(visit, day)
                    if len(able) < wanted:
                        lock.short[day] = (able, busy)
                        lock.days.remove(day)

    def _report_left_out(self, lock: _Lock) -> None:
        """A visit without a day: too few carers with room (and the locked carers' reasons),
        or its locked carers' reasons alone."""
        if not lock.short:
            self._report_lock(lock)
            return
        visit = lock.visit
        best = max((able for able, _ in lock.short.values()), key=len)
        busy = sorted({c for _, taken in lock.short.values() for c in taken} - set(best))
        field_ = "locked_start" if visit.locked_start is not None else "locked_carers"
        days = _span(sorted(lock.short))
        text = (
            f"needs {visit.staff_needed} carer(s){_at(visit)} on day(s) {days}, "
            f"only {len(best) + len(lock.carers)} could serve it"
        )
        if busy:
            text += f" ({self._busy(min(lock.short), busy, visit)})"
        if lock.reasons:
            text += "; " + "; ".join(
                f"locked carer {c}: {_by_text([r for r in lock.reasons if r.carer == c])}"
                for c in dict.fromkeys(r.carer for r in lock.reasons)
            )
        self._report(visit, field_, text)

    def _at_once(self, locks: list[_Lock]) -> None:
        """Step 4: visits locked to a start on a single day that run at the same moment need
        that many distinct carers; one problem (on the last of them) when fewer could serve.
        Moments when every visit running has all its carers fixed were checked in step 2."""
        timed: dict[int, list[Visit]] = defaultdict(list)
        for lock in locks:
            if lock.visit.locked_start is not None and len(lock.days) == 1:
                timed[lock.days[0]].append(lock.visit)
        reported: set[frozenset[str]] = set()
        for day, visits in sorted(timed.items()):
            visits.sort(key=lambda v: (v.locked_start, v.id))
            running: list[Visit] = []
            for visit in visits:
                moment = visit.locked_start
                assert moment is not None
                running = [v for v in running if _runs_at(v, moment)] + [visit]
                now = [v for v in running if v.id not in self.failed]
                if all(len(self._must(v)) == v.staff_needed for v in now):
                    continue
                need = sum(v.staff_needed for v in now)
                if need < 2 or frozenset(v.id for v in now) in reported:
                    continue
                choices = [self._who(v, day) for v in now for _ in range(v.staff_needed)]
                served = _matching(choices)
                if served >= need:
                    continue
                reported.add(frozenset(v.id for v in now))
                blamed = [v for v in now if v.id not in self.kept]
                if not blamed:
                    continue
                last = blamed[-1]
                others = ", ".join(self._label(v) for v in now if v is not last)
                carers = sorted({c for options in choices for c in options})
                self._report(
                    last,
                    "locked_start",
                    f"locked to {format_clock(moment)} on day {day} while {others} also run: "
                    f"together they need {need} carers at once, and only {served} of those who "
                    f"could serve them ({', '.join(carers) or 'none'}) can be there",
                )

    # --- one carer's day ---------------------------------------------------------------------

    def _clash(self, carer_id: str, day: int, others: Sequence[Visit], visit: Visit) -> Why | None:
        """None if `visit` fits into the carer's day with `others` (locked there), else why
        not."""
        ctx = self._context(carer_id, day)
        if ctx is None:  # no shift: step 1 says so
            return None
        rest = [v for v in others if v.id != visit.id]
        stops = [self._stop(v) for v in rest]
        stop = self._stop(visit)
        if _fits(ctx, [*stops, stop]):
            return None
        loose = replace(ctx, brk=None)
        for other in rest:
            if not _fits(loose, [self._stop(other), stop]):
                return self._pair(carer_id, ctx, other, visit)
        brk = ctx.brk
        if brk is not None and _fits(loose, [*stops, stop]):
            runs = (
                f" beside {', '.join(self._label(o, carer_id) for o in rest)}"
                if rest
                else f" (the visit runs {_times(visit)})"
            )
            return (
                "on ",
                f" it leaves no room for {carer_id}'s {brk.minutes}-min break starting "
                f"{format_clock(brk.earliest)}-{format_clock(brk.latest)}{runs}",
            )
        return (
            "on ",
            f" it does not fit into {carer_id}'s shift "
            f"{format_clock(ctx.shift_start)}-{format_clock(ctx.shift_end)} with "
            f"{', '.join(self._label(o, carer_id) for o in rest)}, travel included",
        )

    def _pair(self, carer_id: str, ctx: DayContext, other: Visit, visit: Visit) -> Why:
        """Why two visits locked to one carer cannot both be on its day (break aside)."""
        label = self._label(other, carer_id)
        if visit.locked_start is None or other.locked_start is None:
            return "on ", f" it cannot be fitted around {label}, travel included"
        start, end = visit.locked_start, visit.locked_start + visit.duration
        o_start, o_end = other.locked_start, other.locked_start + other.duration
        if start < o_end and o_start < end:
            return "on ", f" it would overlap {label}"
        if o_end <= start:
            leg = ctx.travel[self.problem.home(other)][self.problem.home(visit)]
            if start - o_end < leg:
                return (
                    "on ",
                    f" {carer_id} cannot get from {label} to it by {format_clock(start)}: "
                    f"{leg} min of travel, {start - o_end} min between",
                )
        else:
            leg = ctx.travel[self.problem.home(visit)][self.problem.home(other)]
            if o_start - end < leg:
                return (
                    "on ",
                    f" {carer_id} cannot get from it (ends {format_clock(end)}) to {label}: "
                    f"{leg} min of travel, {o_start - end} min between",
                )
        return (
            "on ",
            f" it does not fit into {carer_id}'s shift "
            f"{format_clock(ctx.shift_start)}-{format_clock(ctx.shift_end)} with {label}, "
            "travel included",
        )

    def _context(self, carer_id: str, day: int) -> DayContext | None:
        carer = self.instance.staff_by_id[carer_id]
        shift = carer.shift_by_day.get(day)
        if shift is None:
            return None
        b = shift.break_
        return DayContext(
            carer=carer_id,
            day=day,
            shift_start=shift.start,
            shift_end=shift.end,
            office=self.problem.office(carer),
            brk=BreakRule(b.minutes, b.earliest, b.latest) if b is not None else None,
            travel=self._matrix(carer),
        )

    def _matrix(self, carer: Staff) -> list[list[int]]:
        mode = carer.travel_mode
        if mode not in self._matrices:
            minutes = self.problem.travel.minutes[TRAVEL_MODES.index(mode)]
            self._matrices[mode] = minutes.tolist()
        return self._matrices[mode]

    def _stop(self, visit: Visit) -> RouteStop:
        return RouteStop.of(visit, self.problem.home(visit))

    # --- helpers -----------------------------------------------------------------------------

    def _may_serve(self, carer: Staff, visit: Visit, team: str) -> bool:
        return (self.problem.allow_borrowing or carer.team == team) and carer_rules_out(
            self.instance, carer, visit, self.problem.allow_borrowing
        ) is None

    def _who(self, visit: Visit, day: int) -> list[str]:
        """The carers who could be at `visit` on `day`: those it must have, and unless they
        are all it needs, every other carer who could (`_able`)."""
        must = self._must(visit)
        if len(must) == visit.staff_needed:
            return must
        return [*must, *self._able(visit, day)[0]]

    def _busy(self, day: int, carers: list[str], visit: Visit) -> str:
        """What keeps each of `carers` from `visit` on `day`: the visits they must do, or the
        break."""
        said = []
        for carer_id in carers:
            fixed = [v for v in self.forced[(carer_id, day)] if v.id != visit.id]
            said.append(
                f"{carer_id} must do {', '.join(self._label(v) for v in fixed)}"
                if fixed
                else f"{carer_id} would have no room for the break"
            )
        return f"on day {day} " + "; ".join(said)

    def _must(self, visit: Visit) -> list[str]:
        """The carers `visit` must have: its locked ones, or the only ones with room."""
        lock = self.locks.get(visit.id)
        return list(lock.carers) if lock is not None else list(visit.locked_carers)

    def _able(self, visit: Visit, day: int) -> tuple[list[str], list[str]]:
        """The carers besides the locked ones who could do `visit` on `day`: allowed to serve
        it, a shift with room for it, and room beside their own fixed locks that day (break
        included); and those only their fixed locks (or the break) keep from it."""
        known = self._able_cache[day]
        if visit.id not in known:
            team = self.instance.client_by_id[visit.client].team
            must = self._must(visit)
            meet = self._starts_together(visit, day, must)
            able, busy = [], []
            for carer in self._pool(team):
                if carer.id in must or not self._may_serve(carer, visit, team):
                    continue
                if day not in self.problem.fitting_days(carer.id, visit):
                    continue
                if meet is not None and not _overlap(self._starts(carer, visit, day), meet):
                    continue  # never at the door when the carers it must have can be
                if self._clash(carer.id, day, self.forced[(carer.id, day)], visit) is None:
                    able.append(carer.id)
                else:
                    busy.append(carer.id)
            known[visit.id] = (able, busy)
        return known[visit.id]

    def _starts_together(
        self, visit: Visit, day: int, must: list[str]
    ) -> list[tuple[int, int]] | None:
        """The starts at which every carer `visit` must have could begin it on `day`, for a
        visit whose carers start together (no start gap); None when that asks nothing of the
        others (no carer it must have)."""
        if visit.gap is not None or not must:
            return None
        locked = visit.locked_start
        meet = [(locked, locked)] if locked is not None else list(visit.allowed_starts)
        for carer_id in must:
            meet = _overlap(meet, self._starts(self.instance.staff_by_id[carer_id], visit, day))
        return meet

    def _starts(self, carer: Staff, visit: Visit, day: int) -> list[tuple[int, int]]:
        """The starts at which `carer` could begin `visit` on `day` on its own, at the widest:
        after the shift's start and the leg out, early enough for the visit and the leg back
        before its end, and with the break on one side of it: the visit ended by the break's
        latest start, with the break and the leg back still to fit before the shift's end, or
        begun once the break could be over, after its earliest start and after the leg out.
        Other visits are ignored, and these are only what any lawful day needs, so no start
        that could be kept is ruled out. Empty without a shift."""
        shift = carer.shift_by_day.get(day)
        if shift is None:
            return []
        low, high = start_range(self.problem.travel, carer, visit, shift)
        rule = shift.break_
        if rule is None or max(rule.earliest, shift.start) > min(
            rule.latest, shift.end - rule.minutes
        ):  # no break, or no room for one in the shift: no plan takes it
            return [(low, high)] if low <= high else []
        before = (low, min(high - rule.minutes, rule.latest - visit.duration))
        after = (max(low, rule.earliest) + rule.minutes, high)
        return [(a, b) for a, b in (before, after) if a <= b]

    def _pool(self, team: str) -> list[Staff]:
        """The carers who may serve the clients of `team`: its own, or everyone (borrowing)."""
        if self.problem.allow_borrowing:
            return list(self.instance.staff)
        if not self._teams:
            for carer in self.instance.staff:
                self._teams[carer.team].append(carer)
        return self._teams[team]

    def _order(self, visit: Visit) -> tuple[bool, int, str]:
        """Kept visits first (they were verified together), then by start."""
        start = visit.locked_start if visit.locked_start is not None else visit.window.earliest
        return (visit.id not in self.kept, start, visit.id)

    def _label(self, visit: Visit, carer_id: str | None = None) -> str:
        """A visit named with its time and why it is where it is."""
        if visit.id in self.kept:
            return f"{visit.id} ({_times(visit)}, kept from {self.kept_source})"
        also = f", also locked to {carer_id}" if carer_id is not None else ""
        return f"{visit.id} ({_times(visit)}{also})"

    def _report(self, visit: Visit, field_: str, message: str) -> None:
        self.failed.add(visit.id)
        self.found.append(InputProblem(self.source, f"visits[{visit.id}].{field_}", message))

    def _report_lock(self, lock: _Lock) -> None:
        """The problem of a lock left without a day: each locked carer's reasons, day by day."""
        visit = lock.visit
        carers = [c for c in visit.locked_carers if any(r.carer == c for r in lock.reasons)]
        timed = all(r.timed for r in lock.reasons) and visit.locked_start is not None
        parts = []
        for carer_id in carers:
            said = _by_text([r for r in lock.reasons if r.carer == carer_id])
            parts.append(said if len(carers) == 1 else f"{carer_id}: {said}")
        who = (
            f"locked carer {carers[0]} cannot do this visit"
            if len(carers) == 1
            else f"locked carers {' and '.join(carers)} cannot do this visit together"
        )
        self._report(
            visit,
            "locked_start" if timed else "locked_carers",
            f"{who}{_at(visit)}: " + "; ".join(parts),
        )


def _fits(ctx: DayContext, stops: Sequence[RouteStop]) -> bool:
    """Whether some order of `stops` times in the carer's day (fixed starts in start order, the
    others tried at every place). A stop whose windows leave one start is fixed there. With
    more than MAX_ORDERS orders to try, only what every order needs is checked (`_room`)."""
    pinned = [
        s.pinned(s.earliest) if s.fixed is None and s.earliest == s.latest else s for s in stops
    ]
    fixed = sorted(
        (s for s in pinned if s.fixed is not None), key=lambda s: (s.fixed or 0, s.visit)
    )
    free = [s for s in pinned if s.fixed is None]
    count = 1
    for k in range(len(free)):
        count *= len(fixed) + k + 1
        if count > MAX_ORDERS:
            return _room(ctx, pinned)
    return any(time_route(ctx, order) is not None for order in _interleavings(fixed, free))


def _room(ctx: DayContext, stops: Sequence[RouteStop]) -> bool:
    """Whether the visits' minutes fit between their starts and ends, travel and break aside:
    each fits in the shift, and no stretch holds visits that must run inside it for more
    minutes than it has (`solver.stretches.crowded`). A day that fails this has no lawful
    order; one that passes may still have none."""
    spans = []
    for s in stops:
        first, last = (s.fixed, s.fixed) if s.fixed is not None else (s.earliest, s.latest)
        begin, end = max(first, ctx.shift_start), min(last + s.duration, ctx.shift_end)
        if begin + s.duration > end:
            return False
        spans.append(_Span(begin, end, s.duration))
    return next(crowded(spans), None) is None


@dataclass(frozen=True)
class _Span:
    """Where a locked visit must run on a carer-day (`_room`)."""

    release: int
    deadline: int
    minutes: int


def _interleavings(fixed: list[RouteStop], free: list[RouteStop]) -> Iterable[list[RouteStop]]:
    if not free:
        yield fixed
        return
    first, rest = free[0], free[1:]
    for order in _interleavings(fixed, rest):
        for p in range(len(order) + 1):
            yield [*order[:p], first, *order[p:]]


def _matching(choices: list[list[str]]) -> int:
    """The most of `choices` (one carer each, from its list) that distinct carers can fill."""
    holder: dict[str, int] = {}

    def augment(i: int, seen: set[str]) -> bool:
        for carer in choices[i]:
            if carer in seen:
                continue
            seen.add(carer)
            if carer not in holder or augment(holder[carer], seen):
                holder[carer] = i
                return True
        return False

    return sum(1 for i in range(len(choices)) if augment(i, set()))


def _overlap(spans: list[tuple[int, int]], others: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The starts in both `spans` and `others` (closed ranges), as closed ranges."""
    return [(max(a, c), min(b, d)) for a, b in spans for c, d in others if max(a, c) <= min(b, d)]


def _runs_at(visit: Visit, moment: int) -> bool:
    start = visit.locked_start
    return start is not None and start <= moment < start + visit.duration


def _by_text(reasons: list[_Reason]) -> str:
    """Reasons with the same words joined over their days, in day order."""
    ordered = sorted(reasons, key=lambda r: r.day)
    whys = list(dict.fromkeys(r.why for r in ordered))
    return "; ".join(
        head + _on_days(r.day for r in ordered if r.why == (head, tail)) + tail
        for head, tail in whys
    )


def _on_days(days: Iterable[int]) -> str:
    """`day 3`, `days 3 and 4`, `days 3-6` or `days 0, 2, 5`."""
    days = sorted(set(days))
    if not days:
        return "no day"
    if len(days) == 1:
        return f"day {days[0]}"
    if len(days) == 2:
        return f"days {days[0]} and {days[1]}"
    if days == list(range(days[0], days[-1] + 1)):
        return f"days {days[0]}-{days[-1]}"
    return "days " + ", ".join(str(d) for d in days)


def _span(days: Sequence[int]) -> str:
    runs = []
    for _, group in groupby(enumerate(sorted(days)), key=lambda item: item[1] - item[0]):
        run = [d for _, d in group]
        runs.append(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}")
    return ", ".join(runs)


def _at(visit: Visit) -> str:
    return f" at {format_clock(visit.locked_start)}" if visit.locked_start is not None else ""


def _times(visit: Visit) -> str:
    start = visit.locked_start
    if start is not None:
        return f"{format_clock(start)}-{format_clock(start + visit.duration)}"
    return f"{visit.duration} min starting {windows_text(visit.start_windows)}"
