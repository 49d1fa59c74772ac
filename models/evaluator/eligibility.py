"""Which carers could serve which visit, judged on the visit alone: the evaluator's own rules.

A carer could serve a visit when they belong to the client's team (unless borrowing is
allowed), hold the skills of the visit (of one of its roles, if any), are not excluded by the
client, are among the locked carers when the visit locks all its staff, and have a shift on an
allowed day in which they can leave the office at shift start, reach the client, start inside
a window (or exactly at the locked start), do the visit and be back before the shift ends. It
is a necessary condition only (other visits and breaks are ignored), which is what the lower
bound needs.

With borrowing every visit weighs every carer of the district, so the work is grouped: visits
of one client with the same skills, start window and duration (the days of a recurring visit)
share one answer per carer, a bit mask of the days that carer's shifts fit them, and a visit
only asks whether its own days meet that mask.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from hemplan.models.contract.instance import Instance, Staff, TravelMode, Visit
from hemplan.models.contract.roles import SlotSkills, fits_some_slot, missing_roles
from hemplan.models.contract.start_windows import StartWindows, snap_start
from hemplan.models.evaluator.travel import TravelMinutes

# a visit's shape: client, required skills, start windows, duration
Shape = tuple[str, frozenset[str], StartWindows, int]
# how a carer works on a day: team (the office), travel mode, shift start and shift end
ShiftKind = tuple[str, TravelMode, int, int]


@dataclass(frozen=True)
class Eligibility:
    """For each visit id the carers who could serve it (instance order), and for every visit
    with fewer than it needs, why."""

    carers: dict[str, list[str]]
    reasons: dict[str, str]


def allowed_windows(visit: Visit) -> StartWindows:
    """The windows a start may fall in: the visit's (reaching further by its allowed lateness),
    or the locked start alone."""
    if visit.locked_start is not None:
        return ((visit.locked_start, visit.locked_start),)
    return visit.allowed_starts


def day_mask(days: range) -> int:
    """Bit d set for every day d of `days`."""
    return (1 << days.stop) - (1 << days.start) if days.stop > days.start else 0


def rule_out(
    instance: Instance, travel: TravelMinutes, carer: Staff, visit: Visit, allow_borrowing: bool
) -> str | None:
    """The first rule that keeps `carer` from `visit`, or None when the carer could serve it."""
    client = instance.client_by_id[visit.client]
    if carer.team != client.team and not allow_borrowing:
        return "other team"
    missing = lacking(visit, carer)
    if missing:
        return f"lacks {', '.join(missing)}"
    if carer.id in client.excluded_carers:
        return "excluded by the client"
    if _locks_all(visit) and carer.id not in visit.locked_carers:
        return "not a locked carer"
    allowed = day_mask(range(visit.days.start, min(visit.days.stop, instance.horizon.days)))
    if not any((1 << shift.day) & allowed for shift in carer.shifts):
        return "no shift on an allowed day"
    if not _fitting_days(travel, visit_shape(visit), _shift_kinds(carer), {}) & allowed:
        return "no shift leaves room for the trip and the visit"
    return None


def eligibility(
    instance: Instance, travel: TravelMinutes, allow_borrowing: bool = False
) -> Eligibility:
    """The carers who could serve each visit, and a reason for every visit short of carers."""
    horizon = day_mask(range(instance.horizon.days))
    kinds = {carer.id: _shift_kinds(carer) for carer in instance.staff}
    allowed_by_client: dict[tuple[str, SlotSkills], list[Staff]] = {}
    fitting_by_shape: dict[tuple[Shape, SlotSkills], list[tuple[str, int]]] = {}
    carers: dict[str, list[str]] = {}
    reasons: dict[str, str] = {}
    for visit in instance.visits:
        shape = visit_shape(visit)
        fitting = fitting_by_shape.get((shape, visit.slot_skills))
        if fitting is None:
            key = (visit.client, visit.slot_skills)
            if key not in allowed_by_client:
                allowed_by_client[key] = _allowed(instance, visit, allow_borrowing)
            fits: dict[ShiftKind, bool] = {}
            with_days = (
                (c.id, _fitting_days(travel, shape, kinds[c.id], fits))
                for c in allowed_by_client[key]
            )
            fitting = fitting_by_shape[(shape, visit.slot_skills)] = [
                (carer_id, days) for carer_id, days in with_days if days
            ]
        wanted = day_mask(visit.days) & horizon
        able = [carer_id for carer_id, days in fitting if days & wanted]
        if _locks_all(visit):
            able = [carer_id for carer_id in able if carer_id in visit.locked_carers]
        unfilled = unfilled_role(instance, visit, able)
        if unfilled is not None:
            carers[visit.id] = []  # a role nobody can take: nobody can serve the visit
            reasons[visit.id] = (
                f"no carer who could serve it holds {', '.join(sorted(unfilled)) or 'its role'} "
                f"for one of its roles ({', '.join(able)} could take the other)"
            )
            continue
        carers[visit.id] = able
        if len(able) < visit.staff_needed:
            reasons[visit.id] = _explain(instance, travel, visit, able, allow_borrowing)
    return Eligibility(carers=carers, reasons=reasons)


def visit_shape(visit: Visit) -> Shape:
    return visit.client, frozenset(visit.skills), allowed_windows(visit), visit.duration


def lacking(visit: Visit, carer: Staff) -> list[str]:
    """The skills `carer` lacks for the visit: none when it holds a role's (every role's, the
    visit's `skills`, without roles), else those of the role it is closest to."""
    held = set(carer.skills)
    if fits_some_slot(visit.slot_skills, held):
        return []
    missing = [sorted(slot - held) for slot in visit.slot_skills]
    return min(missing, key=lambda skills: (len(skills), skills))


def unfilled_role(instance: Instance, visit: Visit, able: list[str]) -> frozenset[str] | None:
    """The skills of a role that none of the `able` carers holds (so no group of them can
    serve the visit), or None; always None for a visit without roles."""
    if visit.roles is None or len(able) < visit.staff_needed:
        return None
    missing = missing_roles(visit.slot_skills, [set(instance.staff_by_id[c].skills) for c in able])
    return missing[0] if missing else None


def _locks_all(visit: Visit) -> bool:
    """A partly locked double visit still takes any eligible second carer."""
    return len(visit.locked_carers) == visit.staff_needed


def _allowed(instance: Instance, visit: Visit, allow_borrowing: bool) -> list[Staff]:
    """The carers of the pool (team or district) with the visit's skills, not excluded by its
    client."""
    client = instance.client_by_id[visit.client]
    return [
        carer
        for carer in instance.staff
        if (allow_borrowing or carer.team == client.team)
        and fits_some_slot(visit.slot_skills, set(carer.skills))
        and carer.id not in client.excluded_carers
    ]


def _shift_kinds(carer: Staff) -> list[tuple[ShiftKind, int]]:
    """The carer's kinds of shift, each with the mask of the days worked so. A district has
    few kinds, so one answer per visit shape and kind serves many carers."""
    days_by_kind: dict[ShiftKind, int] = {}
    for shift in carer.shifts:
        kind = (carer.team, carer.travel_mode, shift.start, shift.end)
        days_by_kind[kind] = days_by_kind.get(kind, 0) | (1 << shift.day)
    return list(days_by_kind.items())


def _fitting_days(
    travel: TravelMinutes,
    shape: Shape,
    kinds: list[tuple[ShiftKind, int]],
    fits: dict[ShiftKind, bool],
) -> int:
    """Mask of the days whose shift lets the carer go out, do a visit of `shape` and come back
    (`fits` remembers the answer per kind of shift, for the other carers)."""
    days = 0
    for kind, worked in kinds:
        fit = fits.get(kind)
        if fit is None:
            fit = fits[kind] = round_trip_fits(travel, shape, kind)
        if fit:
            days |= worked
    return days


def round_trip_fits(travel: TravelMinutes, shape: Shape, kind: ShiftKind) -> bool:
    """Leaving the office at shift start, a visit of `shape` starts in time and ends early
    enough to be back by shift end."""
    client, _, windows, duration = shape
    team, mode, start, end = kind
    office, home = travel.office(team), travel.home(client)
    begin = snap_start(windows, start + travel.minutes(mode, office, home))
    return begin <= windows[-1][1] and begin + duration + travel.minutes(mode, home, office) <= end


def _explain(
    instance: Instance, travel: TravelMinutes, visit: Visit, able: list[str], allow_borrowing: bool
) -> str:
    """Why `visit` has fewer possible carers than it needs, counted by rule over the others."""
    client = instance.client_by_id[visit.client]
    pool = [c for c in instance.staff if allow_borrowing or c.team == client.team]
    reasons = (
        rule_out(instance, travel, carer, visit, allow_borrowing)
        for carer in pool
        if carer.id not in able
    )
    ruled = Counter(reason for reason in reasons if reason is not None)
    counted = "; ".join(f"{reason}: {count}" for reason, count in sorted(ruled.items()))
    could = (
        f"only {len(able)} could serve it ({', '.join(able)})" if able else "none could serve it"
    )
    pool_size = f"{len(pool)} carer(s) {'in the district' if allow_borrowing else 'in the team'}"
    return (
        f"needs {visit.staff_needed} carer(s), {could}; of {pool_size}: "
        f"{counted or 'none ruled out'}"
    )
