"""What a proposed team must hold, from its clients' visits: cover and capacity.

Cover: every visit needs `staff_needed` carers among those of the pool who could serve it
(skills, the client's exclusions, locks, a shift that fits). Visits with the same set of such
carers and the same count are one requirement; that is how "someone with insulin on the
Saturday evening shift" and "two carers on shift for a hoist transfer" are written.

Capacity: the carer-minutes of the visits against the paid minutes of the team's shifts, per
day and shift type, for all visits and again for the visits needing a skill against the
carers holding it (carers without insulin cannot give their time to insulin visits). A
visit that fits both a day and an evening shift (14:00-15:30) may go to either, so the check
is Hall's condition: for every set S of shift types of a day, the shifts of the types in S
cover the visits that fit only types in S. A visit that may be done
on any of several days (cleaning Monday-Friday) counts its minutes spread over those days.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from hemplan.models.contract.instance import Instance, Visit
from hemplan.solver.teaming.fit import VisitFit
from hemplan.solver.teaming.pool import (
    PEAKS,
    SHIFT_TYPES,
    in_peak,
    peak_label,
    peak_minutes,
    shift_type,
)


@dataclass(frozen=True)
class Cover:
    """A team must hold `count` carers among `able` (pool indices) for `visits`."""

    group: int
    able: frozenset[int]
    count: int
    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class Load:
    """On `day`, the shifts of the types in `types` worked by the team's carers who hold
    `skills` must give `minutes` of paid time for `demand` carer-minutes of visits that fit
    only those types and need those skills (no skills: every visit, every carer)."""

    group: int
    day: int
    types: frozenset[str]
    skills: frozenset[str]
    demand: int
    minutes: int  # the demand with the slack


@dataclass
class Needs:
    """Every requirement of every group, and the visits nobody of the pool could ever serve."""

    covers: list[Cover] = field(default_factory=list)
    loads: list[Load] = field(default_factory=list)
    unservable: list[Visit] = field(default_factory=list)


def team_needs(
    fits: list[VisitFit], group_of_client: dict[str, int], staff_index: dict[str, int], slack: float
) -> Needs:
    """The cover and capacity requirements of each group of clients (`staff_index`: carer id
    to pool index; a carer locked to a visit must be in its client's team)."""
    needs = Needs()
    covered: dict[tuple[int, frozenset[int], int], list[Visit]] = defaultdict(list)
    # (group, day) -> (shift types it fits, skills it needs) -> carer-minutes
    demand: dict[tuple[int, int], dict[tuple[frozenset[str], frozenset[str]], float]] = defaultdict(
        lambda: defaultdict(float)
    )
    peaks: dict[tuple[int, int, str], int] = defaultdict(int)  # (group, day, peak) -> minutes
    for fit in fits:
        visit = fit.visit
        group = group_of_client[visit.client]
        if len(fit.able) < visit.staff_needed or not fit.slots:
            needs.unservable.append(visit)
            continue
        if len(fit.slots) == 1:
            (day,) = fit.slots
            w = visit.window
            for kind, at in PEAKS:
                if in_peak(kind, at, w.earliest, w.latest, visit.duration):
                    peaks[group, day, peak_label(kind, at)] += visit.duration * visit.staff_needed
        covered[(group, fit.able, visit.staff_needed)].append(visit)
        if 0 < len(visit.locked_carers) < visit.staff_needed:  # partly locked: that carer too
            for carer in visit.locked_carers:
                covered[(group, frozenset({staff_index[carer]}), 1)].append(visit)
        share = visit.duration * visit.staff_needed / len(fit.slots)
        for day, types in fit.slots.items():
            demand[(group, day)][types, frozenset(visit.skills)] += share
    needs.covers = [
        Cover(group, able, count, tuple(visits)) for (group, able, count), visits in covered.items()
    ]
    for (group, day), by_kind in sorted(demand.items(), key=lambda item: item[0]):
        present = sorted({t for types, _ in by_kind for t in types}, key=SHIFT_TYPES.index)
        skill_sets: set[frozenset[str]] = {frozenset()} | {skills for _, skills in by_kind}
        skill_sets |= {frozenset({k}) for skills in list(skill_sets) for k in skills}
        for size in range(1, len(present) + 1):
            for chosen in combinations(present, size):
                s = frozenset(chosen)
                for held in sorted(skill_sets, key=sorted):
                    minutes = sum(
                        m for (types, skills), m in by_kind.items() if types <= s and held <= skills
                    )
                    if minutes > 0:
                        demand_min = math.ceil(minutes - 1e-9)
                        with_slack = math.ceil(minutes * (1 + slack) - 1e-9)
                        needs.loads.append(Load(group, day, s, held, demand_min, with_slack))
    for (group, day, label), minutes in sorted(peaks.items()):
        with_slack = math.ceil(minutes * (1 + slack) - 1e-9)
        needs.loads.append(Load(group, day, frozenset({label}), frozenset(), minutes, with_slack))
    return needs


def shift_minutes(instance: Instance) -> list[dict[tuple[int, str], int]]:
    """Per carer (instance order), paid minutes by (day, shift type), and the minutes of each
    day's shift in each peak (by (day, peak label); breaks not taken off: a bound)."""
    found = []
    for carer in instance.staff:
        minutes = {(s.day, shift_type(s.start)): s.paid_minutes for s in carer.shifts}
        for s in carer.shifts:
            for kind, at in PEAKS:
                inside = peak_minutes(kind, at, s.start, s.end)
                if inside:
                    minutes[s.day, peak_label(kind, at)] = inside
        found.append(minutes)
    return found


def load_minutes(
    load: Load, minutes: list[dict[tuple[int, str], int]], skills: list[set[str]]
) -> list[int]:
    """Per carer, the paid minutes that count for `load`: shifts of its day and types, and
    only for carers holding its skills."""
    return [
        sum(m.get((load.day, t), 0) for t in load.types) if load.skills <= held else 0
        for m, held in zip(minutes, skills, strict=True)
    ]
