"""Hard-constraint checks of a schedule, recomputed from the instance alone.

Each check reports `Violation(kind, visit, carer, day, message)`. The kinds:

- `unknown_visit`, `unknown_carer`: the schedule names something the instance lacks;
- `duplicate`: a visit assigned twice, or both assigned and unassigned;
- `staffing`: a visit with the wrong number of carers (or one carer twice);
- `lock`: a locked carer or start not kept;
- `window`: start outside the start window, or on a day the visit does not allow;
- `skill`, `exclusion`, `team`: the carer may not do this visit (`skill` also: the carers of a
  visit with roles cannot share them out, one each);
- `shift`: no shift that day, or the office-to-first-visit / last-visit-to-office legs do not
  fit between shift start and end;
- `break`: a shift's break missing, too short, outside its window or overlapping a visit;
- `travel`: not enough time between consecutive visits for the carer's own travel mode;
- `overlap`: two visits of one carer at the same time (one place at a time);
- `double_staffing`: the carers of a double-staffed visit do not start together, or, with a
  start gap, the second role's carer does not start within [min, max] minutes after the
  first's (the assignment's `starts`, each carer's own; `start` is the first one);
- `route`: a route disagrees with the assignments (visit missing, other start, wrong end or
  travel figures, two routes for one carer-day, stops out of order).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import permutations

from hemplan.models.contract.clock import format_clock
from hemplan.models.contract.instance import Instance, Shift, Staff, Visit
from hemplan.models.contract.roles import fits_some_slot, missing_roles, role_orders
from hemplan.models.contract.schedule import Assignment, Route, Schedule, Stop, stop_order
from hemplan.models.contract.start_windows import starts_inside, windows_text
from hemplan.models.evaluator.eligibility import lacking
from hemplan.models.evaluator.travel import TravelMinutes

KINDS = (
    "unknown_visit",
    "unknown_carer",
    "duplicate",
    "staffing",
    "lock",
    "window",
    "skill",
    "exclusion",
    "team",
    "shift",
    "break",
    "travel",
    "overlap",
    "double_staffing",
    "route",
)


@dataclass(frozen=True)
class Violation:
    """One broken hard constraint: what kind, which visit and carer, and a sentence why."""

    kind: str
    visit: str | None
    carer: str | None
    day: int | None
    message: str

    def __str__(self) -> str:
        who = " ".join(
            part
            for part in (
                f"visit {self.visit}" if self.visit else "",
                f"carer {self.carer}" if self.carer else "",
                f"day {self.day}" if self.day is not None else "",
            )
            if part
        )
        return f"{self.kind}: {who}: {self.message}" if who else f"{self.kind}: {self.message}"


def find_violations(
    instance: Instance, schedule: Schedule, travel: TravelMinutes, allow_borrowing: bool
) -> list[Violation]:
    """Every hard-constraint violation of `schedule`, in a stable order (`travel`: the
    evaluator's own minutes for `instance`, shared with the metrics)."""
    found = list(_assignment_violations(instance, schedule, allow_borrowing))
    found += _unassigned_violations(instance, schedule)
    found += _route_violations(instance, schedule, travel)
    return found


# --- assignments -----------------------------------------------------------------------


def _assignment_violations(
    inst: Instance, schedule: Schedule, allow_borrowing: bool
) -> Iterator[Violation]:
    seen: set[str] = set()
    for a in schedule.assignments:
        visit = inst.visit_by_id.get(a.visit)
        if visit is None:
            yield Violation("unknown_visit", a.visit, None, a.day, "the instance has no such visit")
            continue
        if a.visit in seen:
            yield Violation(
                "duplicate", a.visit, None, a.day, "the visit is assigned more than once"
            )
            continue
        seen.add(a.visit)
        client = inst.client_by_id[visit.client]
        if len(a.carers) != visit.staff_needed or len(set(a.carers)) != len(a.carers):
            yield Violation(
                "staffing",
                a.visit,
                None,
                a.day,
                f"needs {visit.staff_needed} distinct carer(s), got {', '.join(a.carers)}",
            )
        if a.day not in visit.days:
            yield Violation(
                "window",
                a.visit,
                None,
                a.day,
                f"day {a.day} is not allowed (days {visit.days[0]}-{visit.days[-1]})",
            )
        if not starts_inside(visit.allowed_starts, a.start):
            late = f" (at most {visit.late_allowance} min late)" if visit.lateness else ""
            yield Violation(
                "window",
                a.visit,
                None,
                a.day,
                (
                    f"starts {format_clock(a.start)}, "
                    f"{'window' if len(visit.start_windows) == 1 else 'outside the windows'} "
                    f"{windows_text(visit.start_windows)}{late}"
                ),
            )
        if visit.locked_start is not None and a.start != visit.locked_start:
            yield Violation(
                "lock",
                a.visit,
                None,
                a.day,
                f"locked start {format_clock(visit.locked_start)}, got {format_clock(a.start)}",
            )
        for locked in visit.locked_carers:
            if locked not in a.carers:
                yield Violation("lock", a.visit, locked, a.day, "locked carer is not assigned")
        for carer_id in a.carers:
            carer = inst.staff_by_id.get(carer_id)
            if carer is None:
                yield Violation(
                    "unknown_carer", a.visit, carer_id, a.day, "the instance has no such carer"
                )
                continue
            missing = lacking(visit, carer)
            if missing:
                yield Violation(
                    "skill", a.visit, carer_id, a.day, f"carer lacks {', '.join(missing)}"
                )
            if carer_id in client.excluded_carers:
                yield Violation(
                    "exclusion", a.visit, carer_id, a.day, f"client {client.id} excludes this carer"
                )
            if carer.team != client.team and not allow_borrowing:
                yield Violation(
                    "team",
                    a.visit,
                    carer_id,
                    a.day,
                    f"carer of team {carer.team} serves client of team {client.team}",
                )
        yield from _roles_and_starts(inst, visit, a)


def _roles_and_starts(inst: Instance, visit: Visit, a: Assignment) -> Iterator[Violation]:
    """The carers' own starts (`starts`) and roles: starts only with a gap, `start` the first
    of them; some order of the carers gives each one a role whose skills it holds and, with a
    gap, puts the second role's start [min, max] minutes after the first's."""
    if a.starts is not None:
        if len(a.starts) != len(a.carers):
            yield Violation(
                "staffing",
                a.visit,
                None,
                a.day,
                f"lists {len(a.starts)} start(s) for {len(a.carers)} carer(s)",
            )
            return
        if a.start != min(a.starts):
            yield Violation(
                "double_staffing",
                a.visit,
                None,
                a.day,
                f"start {format_clock(a.start)} is not the first carer's start "
                f"{format_clock(min(a.starts))}",
            )
    own = [a.start_of(c) for c in a.carers]
    staff = [inst.staff_by_id.get(c) for c in a.carers]
    if len(a.carers) != visit.staff_needed or len(set(a.carers)) != len(a.carers):
        return  # a staffing violation already
    if not visit.staggered:
        if len(set(own)) > 1:
            yield Violation(
                "double_staffing",
                a.visit,
                None,
                a.day,
                f"carers start apart ({_starts_text(a.carers, own)}), the visit has no start gap",
            )
        if visit.roles is None:
            return
    known = [c for c in staff if c is not None]
    if len(known) != len(staff):
        return  # an unknown carer, already reported
    held = [frozenset(c.skills) for c in known]
    orders = list(role_orders(visit.slot_skills, held))
    if not orders:
        missing = missing_roles(visit.slot_skills, held)
        if missing and all(fits_some_slot(visit.slot_skills, h) for h in held):
            yield Violation(  # a carer with no role's skills at all is reported on its own
                "skill",
                a.visit,
                None,
                a.day,
                f"the carers cannot share its roles out: none holds "
                f"{', '.join(sorted(missing[0]))}, which one role needs",
            )
        orders = list(permutations(range(len(held))))  # the gap still counts, whoever is first
    if not visit.staggered:
        return
    lo, hi = visit.start_gap
    if not any(lo <= own[o.index(1)] - own[o.index(0)] <= hi for o in orders):
        yield Violation(
            "double_staffing",
            a.visit,
            None,
            a.day,
            f"starts {_starts_text(a.carers, own)}: the second role must start "
            f"{lo}-{hi} min after the first",
        )


def _starts_text(carers: list[str], starts: list[int]) -> str:
    return ", ".join(f"{c} {format_clock(t)}" for c, t in zip(carers, starts))


def _unassigned_violations(inst: Instance, schedule: Schedule) -> Iterator[Violation]:
    assigned = {a.visit for a in schedule.assignments}
    listed: set[str] = set()
    for u in schedule.unassigned:
        if u.visit not in inst.visit_by_id:
            yield Violation(
                "unknown_visit", u.visit, None, None, "unassigned visit is not in the instance"
            )
        elif u.visit in assigned:
            yield Violation(
                "duplicate", u.visit, None, None, "the visit is both assigned and unassigned"
            )
        elif u.visit in listed:
            yield Violation(
                "duplicate", u.visit, None, None, "the visit is listed as unassigned twice"
            )
        listed.add(u.visit)
    for visit in inst.visits:
        if visit.locked_carers or visit.locked_start is not None:
            if visit.id not in assigned:
                yield Violation("lock", visit.id, None, None, "a locked visit is not assigned")


# --- routes ------------------------------------------------------------------------------


def _route_violations(
    inst: Instance, schedule: Schedule, travel: TravelMinutes
) -> Iterator[Violation]:
    assigned_to: dict[tuple[str, int], dict[str, Assignment]] = defaultdict(dict)
    for a in schedule.assignments:
        if a.visit in inst.visit_by_id:
            for carer_id in a.carers:
                assigned_to[(carer_id, a.day)][a.visit] = a

    starts: dict[str, dict[str, int]] = defaultdict(dict)  # visit -> carer -> start on route
    seen_routes: set[tuple[str, int]] = set()
    for route in schedule.routes:
        key = (route.carer, route.day)
        carer = inst.staff_by_id.get(route.carer)
        if carer is None:
            yield Violation(
                "unknown_carer", None, route.carer, route.day, "route of a carer the instance lacks"
            )
            continue
        if key in seen_routes:
            yield Violation(
                "route", None, route.carer, route.day, "two routes for the same carer and day"
            )
            continue
        seen_routes.add(key)
        on_route = {s.visit for s in route.stops if s.kind == "visit"}
        for visit_id in sorted(set(assigned_to.get(key, {})) - on_route):
            yield Violation(
                "route",
                visit_id,
                route.carer,
                route.day,
                "assigned to this carer but missing from the route",
            )
        for stop in route.stops:
            if stop.kind == "visit" and stop.visit in inst.visit_by_id:
                starts[stop.visit][route.carer] = stop.start
        yield from _route_consistency(inst, route, assigned_to.get(key, {}))
        yield from _timeline(inst, travel, carer, route)

    for (carer_id, day), visits in sorted(assigned_to.items()):
        if (carer_id, day) not in seen_routes and carer_id in inst.staff_by_id:
            for visit_id in sorted(visits):
                yield Violation(
                    "route",
                    visit_id,
                    carer_id,
                    day,
                    "assigned to this carer but the carer has no route that day",
                )

    yield from _start_agreement(inst, schedule, starts)


def _route_consistency(
    inst: Instance, route: Route, assigned: dict[str, Assignment]
) -> Iterator[Violation]:
    """Stops in time order, each visit stop assigned to this carer with its true duration."""
    for before, after in zip(route.stops, route.stops[1:]):
        if after.start < before.start:
            yield Violation(
                "route", after.visit, route.carer, route.day, "stops are not in time order"
            )
            break
    for stop in route.stops:
        if stop.kind == "break":
            continue
        visit = inst.visit_by_id.get(stop.visit or "")
        if visit is None:
            yield Violation(
                "unknown_visit",
                stop.visit,
                route.carer,
                route.day,
                "route stop names no visit of the instance",
            )
            continue
        if stop.visit not in assigned:
            yield Violation(
                "route",
                stop.visit,
                route.carer,
                route.day,
                "on the route but not assigned to this carer that day",
            )
        if stop.end - stop.start != visit.duration:
            yield Violation(
                "route",
                stop.visit,
                route.carer,
                route.day,
                f"lasts {stop.end - stop.start} min, the visit takes {visit.duration}",
            )
        if stop.client is not None and stop.client != visit.client:
            yield Violation(
                "route",
                stop.visit,
                route.carer,
                route.day,
                f"stop names client {stop.client}, the visit is for {visit.client}",
            )


def _start_agreement(
    inst: Instance, schedule: Schedule, starts: dict[str, dict[str, int]]
) -> Iterator[Violation]:
    """Double-staffed carers start together; every route start equals the assignment's."""
    for a in schedule.assignments:
        by_carer = starts.get(a.visit, {})
        visit = inst.visit_by_id.get(a.visit)
        if visit is None or not by_carer:
            continue
        distinct = sorted(set(by_carer.values()))
        if visit.staff_needed == 2 and len(distinct) > 1 and not visit.staggered:
            first = a.carers[0]
            reference = by_carer.get(first, distinct[0])
            for carer_id in a.carers:
                if carer_id in by_carer and by_carer[carer_id] != reference:
                    yield Violation(
                        "double_staffing",
                        a.visit,
                        carer_id,
                        a.day,
                        (
                            f"starts {format_clock(by_carer[carer_id])}, partner {first} "
                            f"starts {format_clock(reference)}"
                        ),
                    )
            continue
        for carer_id, start in sorted(by_carer.items()):
            if start != a.start_of(carer_id):
                yield Violation(
                    "route",
                    a.visit,
                    carer_id,
                    a.day,
                    f"route starts {format_clock(start)}, "
                    f"assignment says {format_clock(a.start_of(carer_id))}",
                )


# --- one carer's day ---------------------------------------------------------------------


def route_legs(
    inst: Instance, travel: TravelMinutes, carer: Staff, stops: list[Stop]
) -> tuple[list[int], int]:
    """Travel minutes before each known visit stop (time order, from the office) and back."""
    mode = carer.travel_mode
    office = travel.office(carer.team)
    place, legs = office, []
    for stop in stops:
        visit = inst.visit_by_id.get(stop.visit or "") if stop.kind == "visit" else None
        if visit is not None:
            home = travel.home(visit.client)
            legs.append(travel.minutes(mode, place, home))
            place = home
    return legs, (travel.minutes(mode, place, office) if legs else 0)


def _timeline(
    inst: Instance, travel: TravelMinutes, carer: Staff, route: Route
) -> Iterator[Violation]:
    """Shift, break, overlap and travel checks along one route in time order."""
    stops = sorted(route.stops, key=stop_order)
    visits = [s for s in stops if s.kind == "visit" and s.visit in inst.visit_by_id]
    shift = carer.shift_by_day.get(route.day)
    if shift is None:
        if visits:
            yield Violation(
                "shift", visits[0].visit, carer.id, route.day, "the carer has no shift this day"
            )
        return
    yield from _breaks(carer, route, stops, shift, bool(visits))

    legs, back = route_legs(inst, travel, carer, stops)
    free_from, paused = (
        shift.start,
        0,
    )  # end of the last visit (or shift start), break minutes since
    busy_until, busy_visit = shift.start, None  # latest visit end so far, and that visit
    for stop, needed in zip(visits, legs):
        first = busy_visit is None
        if stop.start < busy_until and not first:
            yield Violation(
                "overlap",
                stop.visit,
                carer.id,
                route.day,
                (
                    f"starts {format_clock(stop.start)} while visit {busy_visit} "
                    f"runs until {format_clock(busy_until)}"
                ),
            )
        else:
            paused = sum(
                b.end - b.start
                for b in stops
                if b.kind == "break" and free_from <= b.start < stop.start
            )
            available = stop.start - free_from - paused
            if available < needed:
                kind, origin = (
                    ("shift", f"the office (shift starts {format_clock(shift.start)})")
                    if first
                    else ("travel", "the previous visit")
                )
                yield Violation(
                    kind,
                    stop.visit,
                    carer.id,
                    route.day,
                    f"needs {needed} min from {origin}, has {max(available, 0)}",
                )
        if stop.travel != needed:
            yield Violation(
                "route",
                stop.visit,
                carer.id,
                route.day,
                f"route says {stop.travel} min travel, it is {needed}",
            )
        free_from = stop.end
        if first or stop.end > busy_until:
            busy_until, busy_visit = stop.end, stop.visit
    if visits:
        paused = sum(b.end - b.start for b in stops if b.kind == "break" and b.start >= free_from)
        available = shift.end - free_from - paused
        if available < back:
            yield Violation(
                "shift",
                visits[-1].visit,
                carer.id,
                route.day,
                (
                    f"needs {back} min back to the office before {format_clock(shift.end)}, "
                    f"has {max(available, 0)}"
                ),
            )
        if route.travel_back != back:
            yield Violation(
                "route",
                None,
                carer.id,
                route.day,
                f"route says {route.travel_back} min back to the office, it is {back}",
            )
    if route.travel_minutes != sum(legs) + back:
        yield Violation(
            "route",
            None,
            carer.id,
            route.day,
            f"route says {route.travel_minutes} min travel in all, it is {sum(legs) + back}",
        )


def _breaks(
    carer: Staff, route: Route, stops: list[Stop], shift: Shift, working: bool
) -> Iterator[Violation]:
    """The shift's break, when it has one and the carer works that day: one, long enough, in its
    window, clear of visits."""
    breaks = [s for s in stops if s.kind == "break"]
    rule = shift.break_
    for b in breaks:
        if b.start < shift.start or b.end > shift.end:
            yield Violation(
                "break",
                None,
                carer.id,
                route.day,
                f"break {format_clock(b.start)}-{format_clock(b.end)} is outside the shift",
            )
        for s in stops:
            if s.kind == "visit" and s.start < b.end and b.start < s.end:
                yield Violation(
                    "break",
                    s.visit,
                    carer.id,
                    route.day,
                    f"break {format_clock(b.start)}-{format_clock(b.end)} overlaps the visit",
                )
    if rule is None or not working:
        return
    if not breaks:
        yield Violation(
            "break",
            None,
            carer.id,
            route.day,
            (
                f"no break of {rule.minutes} min starting "
                f"{format_clock(rule.earliest)}-{format_clock(rule.latest)}"
            ),
        )
        return
    if not any(
        rule.earliest <= b.start <= rule.latest and b.end - b.start >= rule.minutes for b in breaks
    ):
        b = breaks[0]
        yield Violation(
            "break",
            None,
            carer.id,
            route.day,
            (
                f"break {format_clock(b.start)}-{format_clock(b.end)} is not {rule.minutes} min "
                f"starting {format_clock(rule.earliest)}-{format_clock(rule.latest)}"
            ),
        )
