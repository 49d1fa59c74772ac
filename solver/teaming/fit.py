"""Which carers of the pool could serve each visit if they worked from its proposed team's office.

The same rule as `hemplan.solver.eligibility` (skills, the client's excluded carers, locked
carers, and a shift leaving room to go from the office, start inside the window, do the visit
and get back), judged for every carer of the pool against the office that the client's
proposed group would have. That is what a team must hold: for each visit, enough carers among
those who could serve it. It also says in which shift types a visit can be done at all (by
time alone), which is where its minutes count against capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hemplan.models.contract.instance import Instance, Team, Visit
from hemplan.models.evaluator.eligibility import allowed_windows
from hemplan.solver.eligibility import snap_starts
from hemplan.solver.teaming.pool import SHIFT_TYPES, shift_type
from hemplan.solver.travel import travel_times


@dataclass(frozen=True)
class VisitFit:
    """For one visit: the pool carers (indices into `instance.staff`) who could serve it, and
    per day the shift types in which someone of the pool could do it, time alone considered."""

    visit: Visit
    able: frozenset[int]
    slots: dict[int, frozenset[str]]


def visit_fits(
    instance: Instance, offices: list[Team], group_of_client: dict[str, int]
) -> list[VisitFit]:
    """A `VisitFit` per visit of `instance`, each visit judged from the office of its client's
    group (`offices[group]`)."""
    provisional = Instance(
        name=instance.name,
        horizon=instance.horizon,
        skills=instance.skills,
        teams=offices,
        staff=[],
        clients=[
            c.model_copy(update={"team": offices[group_of_client[c.id]].id})
            for c in instance.clients
        ],
        travel=instance.travel,
    )
    travel = travel_times(provisional)
    staff = instance.staff
    days = instance.horizon.days
    index = {c.id: i for i, c in enumerate(staff)}
    mode = np.array([travel.mode_index(c.travel_mode) for c in staff], dtype=np.int64)
    works = np.zeros((len(staff), days), dtype=bool)
    start = np.zeros((len(staff), days), dtype=np.int64)
    end = np.zeros((len(staff), days), dtype=np.int64)
    kind = np.zeros((len(staff), days), dtype=np.int64)
    for i, carer in enumerate(staff):
        for s in carer.shifts:
            if s.day < days:
                works[i, s.day], start[i, s.day], end[i, s.day] = True, s.start, s.end
                kind[i, s.day] = SHIFT_TYPES.index(shift_type(s.start))
    skill_sets = [set(c.skills) for c in staff]
    fits: list[VisitFit] = []
    for visit in instance.visits:
        client = instance.client_by_id[visit.client]
        office = travel.office_index[offices[group_of_client[visit.client]].id]
        home = travel.client_index[visit.client]
        there = travel.minutes[mode, office, home].astype(np.int64)
        back = travel.minutes[mode, home, office].astype(np.int64)
        windows = allowed_windows(visit)
        latest = windows[-1][1]
        allowed = np.array([set(visit.skills) <= held for held in skill_sets], dtype=bool)
        for refused in client.excluded_carers:
            if refused in index:
                allowed[index[refused]] = False
        if visit.locked_carers and len(visit.locked_carers) == visit.staff_needed:
            locked = np.zeros(len(staff), dtype=bool)
            locked[[index[c] for c in visit.locked_carers if c in index]] = True
            allowed &= locked
        able = np.zeros(len(staff), dtype=bool)
        slots: dict[int, frozenset[str]] = {}
        for day in visit.days:
            if day >= days:
                continue
            begin = snap_starts(windows, start[:, day] + there)
            ok = works[:, day] & (begin <= latest) & (begin + visit.duration + back <= end[:, day])
            if ok.any():
                slots[day] = frozenset(SHIFT_TYPES[int(t)] for t in np.unique(kind[ok, day]))
            able |= ok & allowed
        fits.append(VisitFit(visit, frozenset(int(i) for i in np.flatnonzero(able)), slots))
    return fits
