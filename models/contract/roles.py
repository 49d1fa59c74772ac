"""Which carer takes which role of a double-staffed visit, as every checker and method asks it.

A visit's slots (`Visit.slot_skills`) each need a set of skills; a group of carers can serve it
when some one-to-one assignment of carers to slots gives each carer a slot whose skills it
holds. With two slots that is one of two orders, so trying them all stays cheap and exact.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import permutations

SlotSkills = tuple[frozenset[str], ...]  # per carer slot (role), the skills it needs


def role_orders(
    slots: SlotSkills, held: Sequence[frozenset[str] | set[str]]
) -> Iterator[tuple[int, ...]]:
    """Every order `o` (o[i]: the slot of carer i) in which each carer holds its slot's skills."""
    if len(held) != len(slots):
        return
    for order in permutations(range(len(slots))):
        if all(slots[slot] <= held[i] for i, slot in enumerate(order)):
            yield order


def roles_fit(slots: SlotSkills, held: Sequence[frozenset[str] | set[str]]) -> bool:
    """Whether the carers holding `held` can share the slots out, one each."""
    return next(role_orders(slots, held), None) is not None


def fits_some_slot(slots: SlotSkills, held: frozenset[str] | set[str]) -> bool:
    """Whether a carer holding `held` could take at least one slot (a necessary condition)."""
    return any(slot <= held for slot in slots)


def missing_roles(
    slots: SlotSkills, held: Sequence[frozenset[str] | set[str]]
) -> list[frozenset[str]]:
    """The slots' skills that no carer of `held` holds: why a group can never serve the visit."""
    return [slot for slot in slots if not any(slot <= h for h in held)]


GAP_STEP = 5  # minutes between the start gaps the planning methods try within [min, max]


def gap_grid(gap: tuple[int, int], step: int = GAP_STEP) -> list[int]:
    """Gaps worth trying between the first and the second role's start: a grid of `step`
    minutes over [min, max] and max itself; just [0] for carers who start together."""
    lo, hi = gap
    return sorted({*range(lo, hi + 1, step), hi})
