"""Absences covered by substitutes: the same shifts, worked by other people.

A real month of home care is not worked by the rota alone: carers are off sick or on other
leave, and each absent shift is covered by a substitute (timvikarie). For continuity that is
what counts — the person at the door changes while the work does not. So this transform keeps
every shift exactly (times, break, travel mode, delegations) and only moves some of them from
the regular carer to a substitute of the same team. Capacity, and with it every check of
capacity.py, is never lower: an instance with absences is at least as servable as the one
without (a substitute may hold a delegation a shift did not have, see below), so comparing the
two measures the substitutes' effect on continuity.

Rules:
- absence comes in spells (a short sick leave is one to a few days): on each of a carer's
  working days not already in a spell, a spell starts with probability `p`, and lasts a
  geometric number of the carer's working days with mean `MEAN_SPELL_DAYS`; `p` is chosen so
  that the expected share of absent shifts is `rate` (spells of mean length L separated by
  gaps of mean 1/p give a share L / (L + 1/p));
- a team's spells are covered in the order they start; a spell goes to one substitute for all
  its days (the staffing office books the same person for the whole sick leave), drawn
  among the team's substitutes with the same travel mode who are free on all of them; when
  none is free, a new substitute joins the team. A substitute holds the delegations of every
  carer it stands in for (a simplification: no shift loses a skill, so every visit stays
  servable; at worst a substitute's shift holds a skill the absent carer's did not);
- the regular carers are written `permanent` and the substitutes `substitute`
  (`Staff.employment`), so that `hemplan teams` can keep the substitutes as a shared pool.

Draws come from `rng_for(seed, "absences", team)`, so the regular rota and the clients are
those of the same seed without absences.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hemplan.models.contract.instance import Instance, Shift, Staff, TravelMode
from hemplan.models.generator.names import STAFF_FIRST, draw_names
from hemplan.models.generator.seeding import rng_for

MEAN_SPELL_DAYS = 3.0
SUBSTITUTE_MARK = "-V"  # substitute ids: T01-V01, T01-V02, ... (V for vikarie)


def with_absences(instance: Instance, rate: float, seed: int) -> Instance:
    """`instance` with about `rate` of its regular shifts worked by substitutes instead."""
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"absence rate must be at least 0 and below 1, got {rate!r}")
    if rate == 0.0:
        return instance
    start_p = rate / (MEAN_SPELL_DAYS * (1.0 - rate))
    taken = {s.name for s in instance.staff} | {c.name for c in instance.clients}
    names_rng = rng_for(seed, "absences", "names")
    staff: list[Staff] = []
    for team in instance.teams:
        regulars = [s for s in instance.staff if s.team == team.id]
        rng = rng_for(seed, "absences", team.id)
        spells = [(carer, spell) for carer in regulars for spell in _spells(carer, start_p, rng)]
        spells.sort(key=lambda item: (item[1][0].day, item[0].id))
        absent: dict[str, set[int]] = {}
        substitutes: list[_Substitute] = []
        for carer, spell in spells:
            days = {s.day for s in spell}
            free = [
                sub for sub in substitutes if sub.mode == carer.travel_mode and not days & sub.days
            ]
            sub = free[int(rng.integers(len(free)))] if free else _Substitute(carer.travel_mode)
            if not free:
                substitutes.append(sub)
            sub.take(spell, carer.skills)
            absent.setdefault(carer.id, set()).update(days)
        for carer in regulars:
            gone = absent.get(carer.id, set())
            staff.append(
                carer.model_copy(
                    update={
                        "shifts": [s for s in carer.shifts if s.day not in gone],
                        "employment": "permanent",
                    }
                )
            )
        names = draw_names(names_rng, len(substitutes), STAFF_FIRST, taken)
        for k, (sub, name) in enumerate(zip(substitutes, names), 1):
            staff.append(
                Staff(
                    id=f"{team.id}{SUBSTITUTE_MARK}{k:02d}",
                    name=name,
                    team=team.id,
                    skills=sorted(sub.skills),
                    travel_mode=sub.mode,
                    employment="substitute",
                    shifts=sorted(sub.shifts, key=lambda s: s.day),
                )
            )
    return instance.model_copy(update={"staff": staff})


@dataclass
class _Substitute:
    """A substitute while spells are handed out: travel mode, delegations, shifts taken over."""

    mode: TravelMode
    skills: set[str] = field(default_factory=set)
    shifts: list[Shift] = field(default_factory=list)

    @property
    def days(self) -> set[int]:
        return {s.day for s in self.shifts}

    def take(self, spell: list[Shift], skills: list[str]) -> None:
        self.shifts.extend(spell)
        self.skills.update(skills)


def _spells(carer: Staff, start_p: float, rng: np.random.Generator) -> list[list[Shift]]:
    """The carer's absence spells, each a run of consecutive working days (shifts)."""
    spells: list[list[Shift]] = []
    shifts = sorted(carer.shifts, key=lambda s: s.day)
    i = 0
    while i < len(shifts):
        if rng.random() < start_p:
            length = int(rng.geometric(1.0 / MEAN_SPELL_DAYS))
            spells.append(shifts[i : i + length])
            i += length
        else:
            i += 1
    return spells
