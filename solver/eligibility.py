"""Which carers could serve which visit, judged on the visit alone (no other visits).

A carer could serve a visit when they belong to the client's team (unless borrowing is
allowed), hold every required skill, are not excluded by the client, are among the locked
carers if any, and have a shift on an allowed day in which they can leave the office, reach
the client, start inside the window, do the visit and get back before the shift ends.

This is a necessary condition, not a sufficient one: it ignores the other visits and the
break. The generator, the evaluator's lower bound and the solver all build on it, which is
why it lives in `models` (the evaluator must not import the solver).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hemplan.models.contract.instance import Instance, Shift, Staff, Visit
from hemplan.models.contract.roles import fits_some_slot, missing_roles
from hemplan.models.contract.start_windows import StartWindows, snap_start, windows_text
from hemplan.models.evaluator.eligibility import allowed_windows
from hemplan.solver.travel import TravelTimes


@dataclass(frozen=True)
class Eligibility:
    """For each visit id, the carers who could serve it, and for the others why not."""

    carers: dict[str, list[str]]
    reasons: dict[str, str]


def start_range(travel: TravelTimes, carer: Staff, visit: Visit, shift: Shift) -> tuple[int, int]:
    """The starts at which `carer` could begin `visit` in `shift` on its own, at the widest:
    after the shift's start and the leg out from the office, early enough for the visit and
    the leg back before the shift's end (the windows, the break and other visits aside)."""
    home = travel.client_index[visit.client]
    office = travel.office_index[carer.team]
    there = travel.between(carer.travel_mode, office, home)
    back = travel.between(carer.travel_mode, home, office)
    return shift.start + there, shift.end - back - visit.duration


def fitting_days(instance: Instance, travel: TravelTimes, carer: Staff, visit: Visit) -> list[int]:
    """Allowed days of `visit` on which `carer`'s shift leaves room to do it."""
    windows = allowed_windows(visit)
    latest = windows[-1][1]
    days = []
    for day in visit.days:
        shift = carer.shift_by_day.get(day)
        if shift is None:
            continue
        earliest, last = start_range(travel, carer, visit, shift)
        start = snap_start(windows, earliest)
        if start <= latest and start <= last:
            days.append(day)
    return days


class FittingDays:
    """`fitting_days` by (carer id, visit), cached: the heuristics ask the same question many
    times."""

    def __init__(self, instance: Instance, travel: TravelTimes) -> None:
        self.instance = instance
        self.travel = travel
        self._days: dict[tuple[str, str], list[int]] = {}

    def __call__(self, carer: str, visit: Visit) -> list[int]:
        key = (carer, visit.id)
        if key not in self._days:
            self._days[key] = fitting_days(
                self.instance, self.travel, self.instance.staff_by_id[carer], visit
            )
        return self._days[key]


def carer_rules_out(
    instance: Instance, carer: Staff, visit: Visit, allow_borrowing: bool
) -> str | None:
    """Why `carer` may never serve `visit` whatever the day, or None when nothing rules it out."""
    client = instance.client_by_id[visit.client]
    if not allow_borrowing and carer.team != client.team:
        return "other team"
    if not fits_some_slot(visit.slot_skills, set(carer.skills)):
        gaps = [sorted(s - set(carer.skills)) for s in visit.slot_skills]
        missing = min(gaps, key=lambda skills: (len(skills), skills))
        return f"lacks skill {', '.join(missing)}"
    if carer.id in client.excluded_carers:
        return "excluded by the client"
    if len(visit.locked_carers) == visit.staff_needed and carer.id not in visit.locked_carers:
        return "not a locked carer"  # a partly locked double visit still needs a second carer
    return None


@dataclass(frozen=True)
class _Pool:
    """The carers a visit may draw from (its team, or the district with borrowing), as arrays
    over carers, so that one visit is judged against all of them in a few numpy operations."""

    carers: list[Staff]
    index: dict[str, int]
    mode: np.ndarray  # travel-mode index per carer
    office: np.ndarray  # place index of each carer's office
    skills: np.ndarray  # bit mask of the skills each carer holds (bit k: skill number k)
    works: np.ndarray  # [carer, day]: has a shift
    start: np.ndarray  # [carer, day]: shift start (0 without a shift)
    end: np.ndarray  # [carer, day]: shift end (0 without a shift)

    @classmethod
    def of(
        cls, carers: list[Staff], travel: TravelTimes, days: int, skill_bit: dict[str, int]
    ) -> _Pool:
        works = np.zeros((len(carers), days), dtype=bool)
        start = np.zeros((len(carers), days), dtype=np.int64)
        end = np.zeros((len(carers), days), dtype=np.int64)
        for i, carer in enumerate(carers):
            for shift in carer.shifts:
                if shift.day < days:
                    works[i, shift.day], start[i, shift.day], end[i, shift.day] = (
                        True,
                        shift.start,
                        shift.end,
                    )
        return cls(
            carers,
            {c.id: i for i, c in enumerate(carers)},
            np.array([travel.mode_index(c.travel_mode) for c in carers], dtype=np.int64),
            np.array([travel.office_index[c.team] for c in carers], dtype=np.int64),
            np.array([_mask(c.skills, skill_bit) for c in carers], dtype=np.int64),
            works,
            start,
            end,
        )


def eligibility(
    instance: Instance, travel: TravelTimes, allow_borrowing: bool = False
) -> Eligibility:
    """Eligible carers per visit, and a reason for every visit that has fewer than it needs.

    The same rules as `carer_rules_out` and `fitting_days`, applied to a whole pool of carers
    at once: with borrowing every visit weighs every carer of the district, which one carer at
    a time cost tens of seconds on a city.
    """
    carers: dict[str, list[str]] = {}
    reasons: dict[str, str] = {}
    days = instance.horizon.days
    names = sorted(
        {skill for c in instance.staff for skill in c.skills}
        | {k for v in instance.visits for slot in v.slot_skills for k in slot}
    )
    skill_bit = {skill: 1 << k for k, skill in enumerate(names)}
    if allow_borrowing:
        everyone = _Pool.of(list(instance.staff), travel, days, skill_bit)
        pools = {team.id: everyone for team in instance.teams}
    else:
        pools = {
            team.id: _Pool.of(
                [c for c in instance.staff if c.team == team.id], travel, days, skill_bit
            )
            for team in instance.teams
        }
    empty = _Pool.of([], travel, days, skill_bit)
    for visit in instance.visits:
        client = instance.client_by_id[visit.client]
        pool = pools.get(client.team, empty)
        allowed = np.zeros(len(pool.carers), dtype=bool)
        for slot in set(visit.slot_skills):  # a carer for at least one role (all: the same)
            needed = _mask(list(slot), skill_bit)
            allowed |= (pool.skills & needed) == needed
        for carer_id in client.excluded_carers:
            if carer_id in pool.index:
                allowed[pool.index[carer_id]] = False
        if len(visit.locked_carers) == visit.staff_needed:
            locked = np.zeros(len(pool.carers), dtype=bool)
            locked[[pool.index[c] for c in visit.locked_carers if c in pool.index]] = True
            allowed &= locked
        home = travel.client_index[visit.client]
        there = travel.minutes[pool.mode, pool.office, home].astype(np.int64)
        back = travel.minutes[pool.mode, home, pool.office].astype(np.int64)
        windows = allowed_windows(visit)
        latest = windows[-1][1]
        fits = np.zeros(len(pool.carers), dtype=bool)
        works = np.zeros(len(pool.carers), dtype=bool)
        for day in visit.days:
            if day >= days:
                continue
            begin = snap_starts(windows, pool.start[:, day] + there)
            fits |= (
                pool.works[:, day]
                & (begin <= latest)
                & (begin + visit.duration + back <= pool.end[:, day])
            )
            works |= pool.works[:, day]
        able = [pool.carers[i].id for i in np.flatnonzero(allowed & fits)]
        unfilled = _unfilled_roles(visit, [pool.carers[i] for i in np.flatnonzero(allowed & fits)])
        if unfilled:
            carers[visit.id] = []  # a role nobody can take: the visit cannot be served at all
            reasons[visit.id] = unfilled
            continue
        carers[visit.id] = able
        if len(able) < visit.staff_needed:
            rule_outs: dict[str, int] = {}
            for i in np.flatnonzero(~allowed):
                reason = carer_rules_out(instance, pool.carers[i], visit, allow_borrowing)
                if reason is not None:  # always: `allowed` applies the same rules
                    rule_outs[reason] = rule_outs.get(reason, 0) + 1
            outside = int(np.count_nonzero(allowed & ~fits & works))
            no_shift = int(np.count_nonzero(allowed & ~works))
            reasons[visit.id] = _explain(visit, able, rule_outs, no_shift, outside)
    return Eligibility(carers=carers, reasons=reasons)


def snap_starts(windows: StartWindows, arrivals: np.ndarray) -> np.ndarray:
    """`snap_start` of every arrival: the first start a window allows at or after it."""
    begin = np.maximum(windows[0][0], arrivals)
    for (_, before), (after, _) in zip(windows, windows[1:]):
        begin = np.where((begin > before) & (begin < after), after, begin)
    return begin


def _unfilled_roles(visit: Visit, able: list[Staff]) -> str | None:
    """Why no group of `able` carers can share the visit's roles out (a role whose skills
    none of them holds), or None; always None for a visit without roles."""
    if visit.roles is None or len(able) < visit.staff_needed:
        return None
    missing = missing_roles(visit.slot_skills, [set(c.skills) for c in able])
    if not missing:
        return None
    skills = ", ".join(sorted(missing[0])) or "no particular skill"
    return f"no carer of the team who could serve it has skill {skills} for a role of the visit"


def _mask(skills: list[str], skill_bit: dict[str, int]) -> int:
    return sum(skill_bit[skill] for skill in set(skills))


def _explain(
    visit: Visit, able: list[str], rule_outs: dict[str, int], no_shift: int, outside: int
) -> str:
    """A planner-readable reason why `visit` has fewer possible carers than it needs."""
    window = windows_text(visit.start_windows)
    days = f"day {visit.day}" if len(visit.days) == 1 else f"days {visit.days[0]}-{visit.days[-1]}"
    skilled = f" with skill {', '.join(visit.skills)}" if visit.skills else ""
    if able:
        return (
            f"needs {visit.staff_needed} carers but only {len(able)} could serve it "
            f"({', '.join(able)})"
        )
    if outside:
        return (
            f"window {window} on {days} lies outside the shift of every carer{skilled} working then"
        )
    if no_shift:
        return f"no carer of the team{skilled} works on {days}"
    if visit.skills and any(r.startswith("lacks skill") for r in rule_outs):
        return f"no carer of the team has skill {', '.join(visit.skills)}"
    if visit.locked_carers:
        return f"locked carers {', '.join(visit.locked_carers)} cannot serve it"
    detail = f" ({'; '.join(sorted(rule_outs))})" if rule_outs else ""
    return f"no carer of the client's team may serve it{detail}"
