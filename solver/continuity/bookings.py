"""Shifts of a shared pool of substitutes booked to the teams, a spell at a time.

A team without clients of its own (`hemplan teams --substitutes shared` makes one, team V)
is a pool the teams borrow from, as a municipality's staffing office books its hourly
substitutes: each sick leave's shifts to the group that needs them. Left to the repair of the
visits the teams leave out (`borrow.place_left_out`), the pool's carers only fill the gaps of
routes planned without them; measured on district-pool-28d (five teams, work 1) that left
13 mandatory visits out against 2 with the substitutes attached, at 15 % more travel.

So before the teams plan, each spell of a pool carer's shifts (`_spells`) is booked to one
team: the team whose visits in the hours of those shifts weigh most against its own carers'
minutes in them (and the substitutes booked so far). The team then plans with the booked
shifts as carers it may borrow (`Problem` with borrowing on a part of two teams), after its
own: the inserter and the cover take a carer of another team last. The schedule is judged
with borrowing, as every `--borrow-left-out` plan is, and counts each of their visits as
borrowed.
"""

from __future__ import annotations

from collections import defaultdict

from hemplan.models.contract.instance import Instance, Shift, Staff, Team, Visit
from hemplan.models.contract.roles import fits_some_slot

SPELL_GAP = 3  # days between two shifts of one booking (a weekend off stays in the spell)


def shared_pools(instance: Instance) -> list[Team]:
    """The teams without clients but with carers: pools that only ever serve other teams."""
    served = {c.team for c in instance.clients}
    staffed = {s.team for s in instance.staff}
    return [t for t in instance.teams if t.id not in served and t.id in staffed]


def with_bookings(instance: Instance, parts: list[Instance]) -> list[Instance]:
    """`parts` (one team each, from `instance`) with the shifts of the shared pools' carers
    booked to them (`book_shifts`): a part given a booking also holds the pool's team and
    those carers with their booked shifts only. Unchanged when there is no shared pool."""
    pools = {t.id: t for t in shared_pools(instance)}
    if not pools:
        return parts
    booked = book_shifts(instance, [p.teams[0].id for p in parts], set(pools))
    result = []
    for part in parts:
        shifts = booked.get(part.teams[0].id, {})
        if not shifts:
            result.append(part)
            continue
        carers = [
            carer.model_copy(update={"shifts": sorted(shifts[carer.id], key=lambda s: s.day)})
            for carer in instance.staff
            if carer.id in shifts
        ]
        data = part.model_dump(by_alias=True)
        data["teams"] += [
            pools[t].model_dump(by_alias=True) for t in sorted({c.team for c in carers})
        ]
        data["staff"] += [c.model_dump(by_alias=True) for c in carers]
        result.append(Instance.model_validate(data))
    return result


def book_shifts(
    instance: Instance, teams: list[str], pools: set[str]
) -> dict[str, dict[str, list[Shift]]]:
    """team -> pool carer -> the shifts of that carer booked to the team. Carers and days in
    a fixed order (id, day), so the bookings are deterministic."""
    need = _visit_minutes(instance, set(teams))
    own: dict[tuple[str, int], list[Shift]] = defaultdict(list)
    for carer in instance.staff:
        if carer.team in need:
            for shift in carer.shifts:
                own[carer.team, shift.day].append(shift)
    booked: dict[str, dict[str, list[Shift]]] = defaultdict(lambda: defaultdict(list))
    lent: dict[tuple[str, int], list[Shift]] = defaultdict(list)
    pool_carers = sorted((c for c in instance.staff if c.team in pools), key=lambda c: c.id)
    spells = sorted(
        ((spell, carer) for carer in pool_carers for spell in _spells(carer.shifts)),
        key=lambda item: (item[0][0].day, item[1].id),
    )
    for spell, carer in spells:
        best = max(
            (t for t in sorted(need) if any(_able(carer, need[t].get(s.day, [])) for s in spell)),
            key=lambda t: sum(
                _weight(need[t].get(s.day, []), own[t, s.day] + lent[t, s.day], s) for s in spell
            ),
            default=None,
        )
        if best is not None:
            booked[best][carer.id].extend(spell)
            for s in spell:
                lent[best, s.day].append(s)
    return {team: dict(carers) for team, carers in booked.items()}


def _spells(shifts: list[Shift]) -> list[list[Shift]]:
    """A carer's shifts in runs with at most SPELL_GAP days between them: a substitute is
    booked for a whole sick leave, as the staffing office books one person for it, so that
    the team's clients meet one substitute rather than a new one each day."""
    runs: list[list[Shift]] = []
    for shift in sorted(shifts, key=lambda s: s.day):
        if runs and shift.day - runs[-1][-1].day <= SPELL_GAP:
            runs[-1].append(shift)
        else:
            runs.append([shift])
    return runs


def _visit_minutes(instance: Instance, teams: set[str]) -> dict[str, dict[int, list[Visit]]]:
    """team -> day -> the team's visits that can only be on that day."""
    team_of_client = {c.id: c.team for c in instance.clients}
    found: dict[str, dict[int, list[Visit]]] = {t: defaultdict(list) for t in teams}
    for visit in instance.visits:
        team = team_of_client[visit.client]
        if team in found and len(visit.days) == 1:
            found[team][visit.days[0]].append(visit)
    return found


def _able(carer: Staff, visits: list[Visit]) -> bool:
    """Whether the carer could take some of these visits by skills (a team with nothing the
    substitute may do gains nothing from the booking)."""
    held = set(carer.skills)
    return any(fits_some_slot(v.slot_skills, held) for v in visits)


def _weight(visits: list[Visit], shifts: list[Shift], shift: Shift) -> float:
    """The team's visit minutes within the hours of `shift` per minute of its carers' shifts
    in them: how short the team is when the substitute would come."""
    demand = sum(
        v.duration * v.staff_needed
        for v in visits
        if v.window.earliest < shift.end and v.window.latest + v.duration > shift.start
    )
    paid = sum(max(0, min(s.end, shift.end) - max(s.start, shift.start)) for s in shifts)
    return demand / max(1, paid)
