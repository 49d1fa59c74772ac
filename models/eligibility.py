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

from models.clock import format_clock
from models.instance import Instance, Staff, Visit
from models.travel import TravelTimes


@dataclass(frozen=True)
class Eligibility:
    """For each visit id, the carers who could serve it, and for the others why not."""

    carers: dict[str, list[str]]
    reasons: dict[str, str]


def fitting_days(instance: Instance, travel: TravelTimes, carer: Staff, visit: Visit) -> list[int]:
    """Allowed days of `visit` on which `carer`'s shift leaves room to do it."""
    client = instance.client_by_id[visit.client]
    home = travel.client_index[client.id]
    office = travel.office_index[carer.team]
    there = travel.between(carer.travel_mode, office, home)
    back = travel.between(carer.travel_mode, home, office)
    earliest = visit.window.earliest if visit.locked_start is None else visit.locked_start
    latest = visit.window.latest if visit.locked_start is None else visit.locked_start
    days = []
    for day in visit.days:
        shift = carer.shift_by_day.get(day)
        if shift is None:
            continue
        start = max(earliest, shift.start + there)
        if start <= latest and start + visit.duration + back <= shift.end:
            days.append(day)
    return days


def carer_rules_out(instance: Instance, carer: Staff, visit: Visit, allow_borrowing: bool) -> str | None:
    """Why `carer` may never serve `visit` whatever the day, or None when nothing rules it out."""
    client = instance.client_by_id[visit.client]
    if not allow_borrowing and carer.team != client.team:
        return "other team"
    missing = sorted(set(visit.skills) - set(carer.skills))
    if missing:
        return f"lacks skill {', '.join(missing)}"
    if carer.id in client.excluded_carers:
        return "excluded by the client"
    if len(visit.locked_carers) == visit.staff_needed and carer.id not in visit.locked_carers:
        return "not a locked carer"  # a partly locked double visit still needs a second carer
    return None


def eligibility(instance: Instance, travel: TravelTimes, allow_borrowing: bool = False) -> Eligibility:
    """Eligible carers per visit, and a reason for every visit that has fewer than it needs."""
    carers: dict[str, list[str]] = {}
    reasons: dict[str, str] = {}
    by_team: dict[str, list[Staff]] = {}
    for carer in instance.staff:
        by_team.setdefault(carer.team, []).append(carer)
    for visit in instance.visits:
        able: list[str] = []
        rule_outs: dict[str, int] = {}
        no_shift = outside = 0
        team = instance.client_by_id[visit.client].team
        candidates = instance.staff if allow_borrowing else by_team.get(team, [])
        for carer in candidates:
            reason = carer_rules_out(instance, carer, visit, allow_borrowing)
            if reason is not None:
                rule_outs[reason] = rule_outs.get(reason, 0) + 1
            elif fitting_days(instance, travel, carer, visit):
                able.append(carer.id)
            elif any(day in carer.shift_by_day for day in visit.days):
                outside += 1
            else:
                no_shift += 1
        carers[visit.id] = able
        if len(able) < visit.staff_needed:
            reasons[visit.id] = _explain(visit, able, rule_outs, no_shift, outside)
    return Eligibility(carers=carers, reasons=reasons)


def _explain(visit: Visit, able: list[str], rule_outs: dict[str, int], no_shift: int, outside: int) -> str:
    """A planner-readable reason why `visit` has fewer possible carers than it needs."""
    window = f"{format_clock(visit.window.earliest)}-{format_clock(visit.window.latest)}"
    days = f"day {visit.day}" if len(visit.days) == 1 else f"days {visit.days[0]}-{visit.days[-1]}"
    skilled = f" with skill {', '.join(visit.skills)}" if visit.skills else ""
    if able:
        return f"needs {visit.staff_needed} carers but only {len(able)} could serve it ({', '.join(able)})"
    if outside:
        return f"window {window} on {days} lies outside the shift of every carer{skilled} working then"
    if no_shift:
        return f"no carer of the team{skilled} works on {days}"
    if visit.skills and any(r.startswith("lacks skill") for r in rule_outs):
        return f"no carer of the team has skill {', '.join(visit.skills)}"
    if visit.locked_carers:
        return f"locked carers {', '.join(visit.locked_carers)} cannot serve it"
    detail = f" ({'; '.join(sorted(rule_outs))})" if rule_outs else ""
    return f"no carer of the client's team may serve it{detail}"
