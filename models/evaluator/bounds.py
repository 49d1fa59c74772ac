"""Lower bound on the distinct carers each client must meet: the evaluator's own.

Whatever a schedule does, the carers a client meets must include, for every visit served,
`staff_needed` carers eligible for it (and, for a visit with roles, one holding each role's
skills). So the fewest carers that could cover all the
client's visits that way is a lower bound no schedule can beat (it ignores capacity, travel
and the other clients). Visits with fewer eligible carers than they need can never be served
and force nobody.

Finding that fewest is a set-cover question, answered exactly by a branching search. With
borrowing a client's pool can be a whole district, where proving a large size impossible
costs too much; so the bound follows a fixed budget of ENUMERATION_BUDGET candidate carer
sets: sizes are proven impossible from the smallest up while the subsets of the sizes
tried, counted together, stay within the budget, and the first size beyond it is returned
untried. That is still a valid bound (every smaller size is proven impossible), and it is
the budget rule of the figures the solver reports, so the two can be compared.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from math import comb

from hemplan.models.contract.instance import Instance, Visit

ENUMERATION_BUDGET = 20_000

Requirement = tuple[int, int]  # (bit mask of the eligible carers, carers needed among them)


def client_bounds(
    instance: Instance, eligible: dict[str, list[str]], days: range | None = None
) -> dict[str, int]:
    """Lower bound per client over `days` (default: the whole horizon).

    Only visits whose allowed days all lie in `days` count: a flexible visit that could move
    out of the period does not force a carer into it.
    """
    return bounds_per_period(instance, eligible, [days])[0]


def bounds_per_period(
    instance: Instance, eligible: dict[str, list[str]], spans: list[range | None]
) -> list[dict[str, int]]:
    """`client_bounds` for each of `spans` (None: the whole horizon), sharing the carer masks."""
    bounds: list[dict[str, int]] = [{} for _ in spans]
    bit = {carer.id: 1 << k for k, carer in enumerate(instance.staff)}
    for client_id, visits in instance.visits_by_client.items():
        masks = [_mask(eligible.get(visit.id, ()), bit) for visit in visits]
        roles = [_role_requirements(instance, visit, eligible, bit) for visit in visits]
        for k, span in enumerate(spans):
            inside: list[Requirement] = [
                (mask, visit.staff_needed)
                for mask, visit in zip(masks, visits)
                if _inside(visit, span)
            ]
            inside += [
                need
                for needs, visit in zip(roles, visits)
                if _inside(visit, span)
                for need in needs
            ]
            bounds[k][client_id] = fewest_carers(inside)
    return bounds


def _role_requirements(
    instance: Instance, visit: Visit, eligible: dict[str, list[str]], bit: dict[str, int]
) -> list[Requirement]:
    """A visit with roles also needs, for each role, one of its eligible carers holding that
    role's skills (none for a visit without roles)."""
    if visit.roles is None:
        return []
    staff = instance.staff_by_id
    return [
        (_mask([c for c in eligible.get(visit.id, ()) if slot <= set(staff[c].skills)], bit), 1)
        for slot in visit.slot_skills
    ]


def min_carers(requirements: Iterable[tuple[Collection[str], int]]) -> int:
    """The bound for requirements given as (eligible carers, carers needed)."""
    bit: dict[str, int] = {}
    return fewest_carers((_mask(carers, bit), needed) for carers, needed in requirements)


def fewest_carers(requirements: Iterable[Requirement]) -> int:
    """The fewest carers meeting every servable requirement, or the first size the enumeration
    budget leaves unproven (module doc): either way no schedule can do with fewer."""
    essential = _essential(
        {(mask, needed) for mask, needed in requirements if 0 < needed <= mask.bit_count()}
    )
    if not essential:
        return 0
    pool = 0
    for mask, _ in essential:
        pool |= mask
    pool_size = pool.bit_count()
    size = max(needed for _, needed in essential)
    candidate_sets = 0
    while size < pool_size:
        candidate_sets += comb(pool_size, size)
        if candidate_sets > ENUMERATION_BUDGET or _cover_exists(essential, size):
            return size
        size += 1
    return pool_size  # the whole pool meets every requirement


def _mask(carers: Iterable[str], bit: dict[str, int]) -> int:
    """The carers as bits, numbering new names as they come."""
    mask = 0
    for carer in carers:
        known = bit.get(carer)
        if known is None:
            known = bit[carer] = 1 << len(bit)
        mask |= known
    return mask


def _inside(visit: Visit, span: range | None) -> bool:
    return span is None or (span.start <= visit.days.start and visit.days.stop <= span.stop)


def _essential(requirements: set[Requirement]) -> list[Requirement]:
    """The requirements no other one implies. (F, m) implies (E, n) when F is within E and
    m >= n: m carers among F are n among E. Dropping the implied ones changes no cover, and the
    pool the budget counts is what the essential ones name."""
    by_strength = sorted(requirements, key=lambda r: (r[0].bit_count(), -r[1]))
    kept: list[Requirement] = []
    for mask, needed in by_strength:
        if not any(other & ~mask == 0 and other_needed >= needed for other, other_needed in kept):
            kept.append((mask, needed))
    return kept


def _cover_exists(requirements: list[Requirement], size: int) -> bool:
    """Whether `size` carers can meet every requirement: branch on the carers of the
    requirement with the least room to spare, taking or refusing each in turn."""

    def extend(chosen: int, refused: int, left: int) -> bool:
        tightest, tightest_missing, tightest_room = 0, 0, -1
        in_all = -1  # the open carers of every unmet requirement: the last carer must be one
        for mask, needed in requirements:
            missing = needed - (chosen & mask).bit_count()
            if missing <= 0:
                continue
            open_carers = mask & ~chosen & ~refused
            room = open_carers.bit_count() - missing
            if missing > left or room < 0:
                return False
            in_all &= open_carers
            if tightest_room < 0 or room < tightest_room:
                tightest, tightest_missing, tightest_room = open_carers, missing, room
        if tightest_room < 0:
            return True  # every requirement met
        if left == 1:
            return in_all != 0
        while tightest.bit_count() >= tightest_missing:
            carer = tightest & -tightest
            if extend(chosen | carer, refused, left - 1):
                return True
            refused |= carer
            tightest ^= carer
        return False

    return extend(0, 0, size)
