"""Breaks placed after routing: each working carer's break in a gap of the routed day.

central-travel's router plans each break at the carer's office, which leaves room for it;
the break is then put here where the evaluator reads it, taken where the carer is: in the
first gap of the carer's day (from the office, between visits, back to the office) that
holds the travel and the break inside its window. Where no gap does, the least important
visit in the break window is dropped (a visit that can go on a later day first, then a
deferrable one), and with it its double-staffing partner, until every break fits.
"""

from __future__ import annotations

from hemplan.models.contract.instance import Instance, Shift, Staff
from hemplan.solver.travel import TravelTimes
from hemplan.solver.solution import Placement


def _slot(instance: Instance, travel: TravelTimes, carer: Staff, shift: Shift,
          visits: list[tuple[int, str]]) -> int | None:
    """The earliest lawful break start for a carer's visits (start, visit id), or None."""
    rule = shift.break_
    assert rule is not None
    mode, office = carer.travel_mode, travel.office_index[carer.team]
    place, free_from = office, shift.start
    stops = [(s, travel.client_index[instance.visit_by_id[v].client], instance.visit_by_id[v].duration)
             for s, v in sorted(visits)]
    for start, home, duration in stops + [(shift.end, office, 0)]:
        leg = travel.between(mode, place, home)
        b = max(free_from, rule.earliest)
        if b <= rule.latest and b + rule.minutes <= start and start - free_from - rule.minutes >= leg:
            return b
        place, free_from = home, start + duration
    return None


def place_breaks(instance: Instance, travel: TravelTimes, day: int, assignments: dict[str, Placement],
                 drop_order: dict[str, int]) -> tuple[dict[str, Placement], dict[str, int], list[str]]:
    """Kept assignments, each working carer's break start, and the visits dropped to fit them.

    `drop_order` ranks visits (lower is dropped first)."""
    kept = dict(assignments)
    dropped: list[str] = []
    while True:
        by_carer: dict[str, list[tuple[int, str]]] = {}
        for visit_id, p in kept.items():
            for carer in p.carers:
                by_carer.setdefault(carer, []).append((p.start, visit_id))
        breaks: dict[str, int] = {}
        stuck = None
        for carer_id, visits in sorted(by_carer.items()):
            carer = instance.staff_by_id[carer_id]
            shift = carer.shift_by_day[day]
            if shift.break_ is None:
                continue
            b = _slot(instance, travel, carer, shift, visits)
            if b is None:
                stuck = (carer_id, shift, visits)
                break
            breaks[carer_id] = b
        if stuck is None:
            return kept, breaks, dropped
        _, shift, visits = stuck
        rule = shift.break_
        assert rule is not None
        near = [v for s, v in visits
                if s < rule.latest + rule.minutes and s + instance.visit_by_id[v].duration > rule.earliest]
        victim = min(near or [v for _, v in visits], key=lambda v: (drop_order.get(v, 0), v))
        del kept[victim]
        dropped.append(victim)
