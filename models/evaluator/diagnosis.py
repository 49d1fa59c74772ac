"""Why a visit is left out, found again from the instance and the schedule alone.

The solver says why it left a visit out, but a planner needs the true reason, checked
independently: for every carer of the pool, every rule that keeps them from the visit
(refused by the client, a missing skill, no shift on its days, a shift that cannot hold the
trip and the visit); and when some carer could do it, whether their routes in the schedule
have room for it then, and when they have none, whether any plan could have served it with
the other visits only they can do that day (`shortfall`). A suggestion names what would let
someone take it: a carer the client refuses, a skill one carer lacks, or a start outside the
window where a route has room.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Protocol

from hemplan.models.contract.clock import format_clock
from hemplan.models.contract.instance import Instance, Shift, Staff, Visit
from hemplan.models.contract.schedule import Schedule, Stop, stop_order
from hemplan.models.contract.start_windows import windows_text
from hemplan.models.evaluator.eligibility import (
    allowed_windows,
    lacking,
    round_trip_fits,
    rule_out,
    unfilled_role,
    visit_shape,
)
from hemplan.models.evaluator.shortfall import Question, proven_shortfalls
from hemplan.models.evaluator.travel import Place, TravelMinutes

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NAMED = 4  # carers named in one reason before "and K more"


class Wording(Protocol):
    """How the reasons are worded: `hemplan.models.texts.Texts` in the planner's language
    (the evaluator imports no catalogue: whoever shows the reasons passes one)."""

    def t(self, message: str, **values: object) -> str: ...

    def weekday(self, day: date) -> str: ...


class English:
    """The reasons as the code writes them."""

    def t(self, message: str, **values: object) -> str:
        return message.format(**values) if values else message

    def weekday(self, day: date) -> str:
        return WEEKDAYS[day.weekday()]


# What keeps one carer from a visit: a kind, and the skills for a missing skill. Worded last,
# so the suggestions can tell the rules a planner can change.
LACKS, REFUSED, NOT_LOCKED, NO_SHIFT, TOO_SHORT = (
    "lacks {skills}",
    "refused by the client",
    "not the locked carer",
    "no shift that day",
    "the shift cannot hold the trip and the visit",
)
Rule = tuple[str, str]


@dataclass(frozen=True)
class Diagnosis:
    """One visit left out: what it is, why, and what would let someone take it."""

    visit: str
    client: str
    day: int
    when: str  # the date(s) and the start window, as a planner reads them
    service: str
    priority: str
    reason: str
    suggestion: str = ""
    proven: bool = False  # no lawful plan serves it with every other visit only its carers do


def diagnose(
    instance: Instance,
    schedule: Schedule,
    allow_borrowing: bool | None = None,
    wording: Wording | None = None,
    deadline: float | None = None,
) -> list[Diagnosis]:
    """A diagnosis for every visit of the instance the schedule does not serve, mandatory
    first, then by day and start, worded by `wording` (English by default); the proofs of a
    capacity reason are sought until `deadline` (time.monotonic; `shortfall`)."""
    borrowing = schedule.allow_borrowing if allow_borrowing is None else allow_borrowing
    served = frozenset(a.visit for a in schedule.assignments)
    routes = {(r.carer, r.day): sorted(r.stops, key=stop_order) for r in schedule.routes}
    travel = TravelMinutes(instance)
    diagnoser = _Diagnoser(instance, travel, routes, served, wording or English())
    found = [
        diagnoser.diagnose(visit, borrowing) for visit in instance.visits if visit.id not in served
    ]
    ordered = sorted(found, key=lambda d: (d.priority != "mandatory", d.day, d.when, d.visit))
    return diagnoser.with_proofs(ordered, borrowing, deadline)


class _Diagnoser:
    """The diagnosis of one schedule's visits, worded in one language."""

    def __init__(
        self,
        instance: Instance,
        travel: TravelMinutes,
        routes: dict[tuple[str, int], list[Stop]],
        served: frozenset[str],
        wording: Wording,
    ) -> None:
        self.instance = instance
        self.travel = travel
        self.routes = routes
        self.served = served
        self.wording = wording
        # a capacity reason's question (`shortfall`): by visit its key, by key the question
        self.keys: dict[str, tuple[int, frozenset[str]]] = {}
        self.questions: dict[tuple[int, frozenset[str]], Question] = {}

    def diagnose(self, visit: Visit, borrowing: bool) -> Diagnosis:
        instance, t = self.instance, self.wording.t
        client = instance.client_by_id[visit.client]
        pool = [c for c in instance.staff if borrowing or c.team == client.team]
        blocked = {c.id: _rules(instance, self.travel, c, visit) for c in pool}
        able = [c for c in pool if not blocked[c.id]]
        left_out = Diagnosis(
            visit=visit.id,
            client=client.name or client.id,
            day=visit.day,
            when=self._when(visit),
            service=visit.service,
            priority=visit.priority,
            reason="",
        )
        if len(able) < visit.staff_needed:
            by_rule: dict[str, list[str]] = defaultdict(list)
            for c in pool:
                for kind, skills in blocked[c.id]:
                    by_rule[t(kind, skills=skills)].append(_name(c))
            ruled = "; ".join(
                f"{rule}: {self._names(names)}" for rule, names in sorted(by_rule.items())
            )
            head = (
                t("no carer could ever do it")
                if not able
                else t(
                    "it needs {needed} carers at once and only {able} could ever do it",
                    needed=visit.staff_needed,
                    able=self._names([_name(c) for c in able]),
                )
            )
            if not pool:
                ruled = t("the team has no carers")
            return replace(
                left_out, reason=f"{head} ({ruled})", suggestion=self._one_rule_away(pool, blocked)
            )
        unfilled = unfilled_role(instance, visit, [c.id for c in able])
        if unfilled is not None:
            return replace(
                left_out,
                reason=t(
                    "none of the carers who could do it ({carers}) has {skills} for one of "
                    "its roles",
                    carers=self._names([_name(c) for c in able]),
                    skills=", ".join(sorted(unfilled)) or "-",
                ),
            )
        free = self._room_for_all(visit, able)
        if free is not None:
            day, start, carers = free
            return replace(
                left_out,
                reason=t(
                    "the routes had room ({carers} at {start} on {date}) but the plan left it out",
                    carers=", ".join(carers),
                    start=format_clock(start),
                    date=self._date(day),
                ),
            )
        busy_role = self._busy_role(visit, able)
        if busy_role is not None:
            role, holders = busy_role
            reason = t(
                "capacity: the {count} carer(s) who could take its role with {skills} "
                "({carers}) are busy throughout its window",
                count=len(holders),
                skills=", ".join(sorted(role)),
                carers=self._names(holders),
            )
        else:
            busy = sorted({_name(c) for c in able})
            reason = t(
                "capacity: the {count} carer(s) who could do it ({carers}) are busy throughout "
                "its window",
                count=len(busy),
                carers=self._names(busy),
            )
        self._ask(visit, borrowing)
        return replace(left_out, reason=reason, suggestion=self._outside_window(able, visit))

    def _ask(self, visit: Visit, borrowing: bool) -> None:
        """Note the question whether any plan could have served this visit with the other
        one-day visits only its carers could do that day (one question per group)."""
        if len(visit.days) != 1:
            return
        instance, day = self.instance, visit.day
        carers = tuple(
            c
            for c in instance.staff
            if day in c.shift_by_day
            and rule_out(instance, self.travel, c, visit, borrowing) is None
        )
        key = (day, frozenset(c.id for c in carers))
        self.keys[visit.id] = key
        self.questions.setdefault(key, Question(visit, carers))

    def with_proofs(
        self, diagnoses: list[Diagnosis], borrowing: bool, deadline: float | None = None
    ) -> list[Diagnosis]:
        """`diagnoses` with a capacity reason proven where the budget of `shortfall` proves
        it, the questions asked in the diagnoses' order (mandatory visits first)."""
        keys = list(dict.fromkeys(self.keys[d.visit] for d in diagnoses if d.visit in self.keys))
        answers = proven_shortfalls(
            self.instance,
            self.travel,
            [self.questions[key] for key in keys],
            borrowing,
            self.served,
            deadline,
        )
        proofs = dict(zip(keys, answers, strict=True))
        proven = []
        for diagnosis in diagnoses:
            found = proofs.get(self.keys[diagnosis.visit]) if diagnosis.visit in self.keys else None
            if found is None or diagnosis.visit not in found.visits:
                proven.append(diagnosis)
                continue
            names = self._names([_name(self.instance.staff_by_id[c]) for c in found.carers])
            reason = self.wording.t(
                "capacity, proven: of the {count} visits on {date} that only {carers} can do, "
                "at most {most} fit in their shifts",
                count=len(found.visits),
                date=self._date(found.day),
                carers=names,
                most=found.most,
            )
            proven.append(replace(diagnosis, reason=reason, proven=True))
        return proven

    def _room_for_all(self, visit: Visit, able: list[Staff]) -> tuple[int, int, list[str]] | None:
        """A day, the first start and carers, one per role in role order, whose routes all
        have room for the visit then: the second role's carer within the start gap after the
        first, each holding its role's skills; None when no such carers have room."""
        shifted = _second_role_windows(visit)
        found: list[tuple[int, int, list[str]]] = []
        for day in visit.days:
            on = [(c, shift) for c in able if (shift := c.shift_by_day.get(day)) is not None]
            first = {c.id: self._room(c, shift, visit, allowed_windows(visit)) for c, shift in on}
            later = (
                {c.id: self._room(c, shift, visit, shifted) for c, shift in on}
                if visit.staggered
                else first
            )
            for carers in _role_groups(visit, [c for c, _ in on]):
                second = later[carers[1].id] if len(carers) > 1 else None
                start = _first_start(first[carers[0].id], second, visit.start_gap)
                if start is not None:
                    found.append((day, start, [c.id for c in carers]))
            if found:
                return min(found, key=lambda f: (f[1], f[2]))
        return None

    def _busy_role(
        self, visit: Visit, able: list[Staff]
    ) -> tuple[frozenset[str], list[str]] | None:
        """A role of the visit that fewer carers than `able` hold, none of whom has room for
        it on any of its days (the second role's within the start gap after the window), with
        the holders' names: the role that keeps the visit out, rather than every carer who
        could take some role."""
        if visit.roles is None:
            return None
        windows, shifted = allowed_windows(visit), _second_role_windows(visit)
        for index, slot in enumerate(visit.slot_skills):
            holders = [c for c in able if slot <= set(c.skills)]
            if len(holders) == len(able):
                continue  # the general reason says the same
            bounds = shifted if index and visit.staggered else windows
            if not any(
                self._room(c, shift, visit, bounds)
                for c in holders
                for day in visit.days
                if (shift := c.shift_by_day.get(day)) is not None
            ):
                return slot, sorted(_name(c) for c in holders)
        return None

    def _room(
        self, carer: Staff, shift: Shift, visit: Visit, bounds: tuple[tuple[int, int], ...]
    ) -> list[tuple[int, int]]:
        """The start intervals within `bounds` at which the visit fits between the route's
        stops that day."""
        instance, travel = self.instance, self.travel
        stops = self.routes.get((carer.id, shift.day), [])
        mode, office, home = carer.travel_mode, travel.office(carer.team), travel.home(visit.client)
        items: list[tuple[int, int, Place | None]] = []
        for stop in stops:
            known = instance.visit_by_id.get(stop.visit or "")
            place = travel.home(known.client) if stop.kind == "visit" and known else None
            items.append((stop.start, stop.end, place))
        intervals: list[tuple[int, int]] = []
        for k in range(len(items) + 1):
            before = [p for _, _, p in items[:k] if p is not None]
            place = before[-1] if before else office
            ready = items[k - 1][1] if k else shift.start
            earliest = ready + travel.minutes(mode, place, home)
            # the next stop must still start in time, and the next visit be reached after breaks
            limit = items[k][0] if k < len(items) else shift.end
            latest = limit - visit.duration
            pause = 0
            following: tuple[int, Place] = (shift.end, office)
            for start, end, p in items[k:]:
                if p is None:
                    pause += end - start
                    continue
                following = (start, p)
                break
            latest = min(
                latest,
                following[0] - pause - travel.minutes(mode, home, following[1]) - visit.duration,
            )
            intervals.extend(
                (max(lo, earliest), min(hi, latest))
                for lo, hi in bounds
                if max(lo, earliest) <= min(hi, latest)
            )
        return intervals

    def _one_rule_away(self, pool: list[Staff], blocked: dict[str, list[Rule]]) -> str:
        """Carers kept away by one rule alone that a planner can change: a refusal or a
        skill."""
        t = self.wording.t
        ideas = []
        for c in pool:
            rules = blocked[c.id]
            if len(rules) != 1:
                continue
            kind, skills = rules[0]
            if kind == REFUSED:
                ideas.append(t("{carer} could do it if the client accepted them", carer=_name(c)))
            elif kind == LACKS:
                ideas.append(t("{carer} could do it with {skills}", carer=_name(c), skills=skills))
        return "; ".join(ideas[:3])

    def _outside_window(self, able: list[Staff], visit: Visit) -> str:
        """The start nearest the window at which one of `able` has room (single-staffed
        visits)."""
        if visit.staff_needed != 1:
            return ""
        windows = allowed_windows(visit)
        best: tuple[int, int, str, int] | None = None
        for c in able:
            for day in visit.days:
                shift = c.shift_by_day.get(day)
                if shift is None:
                    continue
                for a, b in self._room(c, shift, visit, ((0, 24 * 60),)):
                    for lo, hi in windows:
                        start = min(max(a, lo), b) if a <= hi and b >= lo else (a if a > hi else b)
                        distance = max(lo - start, start - hi, 0)
                        option = (distance, start, _name(c), day)
                        if best is None or option < best:
                            best = option
        if best is None:
            return ""
        _, start, name, day = best
        return self.wording.t(
            "{carer} could come at {start} on {date} (the window is {window})",
            carer=name,
            start=format_clock(start),
            date=self._date(day),
            window=self._windows(windows),
        )

    def _when(self, visit: Visit) -> str:
        days = visit.days
        dates = (
            self._date(days[0])
            if len(days) == 1
            else self.wording.t(
                "{first} to {last}", first=self._date(days[0]), last=self._date(days[-1])
            )
        )
        return f"{dates} {self._windows(allowed_windows(visit))}"

    def _windows(self, windows: tuple[tuple[int, int], ...]) -> str:
        return windows_text(windows, f" {self.wording.t('or')} ")

    def _date(self, day: int) -> str:
        when = self.instance.horizon.start_date + timedelta(days=day)
        return f"{self.wording.weekday(when)} {when.isoformat()}"

    def _names(self, names: list[str]) -> str:
        if len(names) <= NAMED:
            return ", ".join(names)
        return self.wording.t(
            "{names} and {more} more", names=", ".join(names[:NAMED]), more=len(names) - NAMED
        )


def _rules(instance: Instance, travel: TravelMinutes, carer: Staff, visit: Visit) -> list[Rule]:
    """Every rule that keeps the carer from the visit (empty: they could do it)."""
    client = instance.client_by_id[visit.client]
    rules: list[Rule] = []
    missing = lacking(visit, carer)
    if missing:
        rules.append((LACKS, ", ".join(missing)))
    if carer.id in client.excluded_carers:
        rules.append((REFUSED, ""))
    if len(visit.locked_carers) == visit.staff_needed and carer.id not in visit.locked_carers:
        rules.append((NOT_LOCKED, ""))
    shifts = [carer.shift_by_day[d] for d in visit.days if d in carer.shift_by_day]
    if not shifts:
        rules.append((NO_SHIFT, ""))
    elif not any(
        round_trip_fits(
            travel, visit_shape(visit), (carer.team, carer.travel_mode, shift.start, shift.end)
        )
        for shift in shifts
    ):
        rules.append((TOO_SHORT, ""))
    return rules


def _second_role_windows(visit: Visit) -> tuple[tuple[int, int], ...]:
    """Where the second role's carer may start: each window reaching from its start plus the
    gap's min to its end plus the gap's max (the windows themselves without a gap)."""
    lo, hi = visit.start_gap
    return tuple((a + lo, b + hi) for a, b in allowed_windows(visit))


def _role_groups(visit: Visit, carers: list[Staff]) -> list[list[Staff]]:
    """Every group of `staff_needed` distinct carers, in role order (the first to start first),
    each holding the skills of its role (every slot needs the visit's skills alone when it has
    no roles)."""
    slots = visit.slot_skills
    if visit.staff_needed == 1:
        return [[c] for c in carers if slots[0] <= set(c.skills)]
    return [
        [a, b]
        for a in carers
        for b in carers
        if a.id != b.id
        and slots[0] <= set(a.skills)
        and slots[1] <= set(b.skills)
        # without roles or a start gap either order is the same group
        and (visit.roles is not None or visit.staggered or a.id < b.id)
    ]


def _first_start(
    first: list[tuple[int, int]], second: list[tuple[int, int]] | None, gap: tuple[int, int]
) -> int | None:
    """The earliest start s in the first carer's room such that the second carer's room (if
    any) holds a start t with t - s within `gap` ((0, 0): together); None when there is none."""
    if second is None:
        return min((a for a, _ in first), default=None)
    lo, hi = gap
    starts = [
        max(a, c - hi) for a, b in first for c, d in second if max(a, c - hi) <= min(b, d - lo)
    ]
    return min(starts, default=None)


def _name(carer: Staff) -> str:
    return f"{carer.name} ({carer.id})" if carer.name else carer.id
