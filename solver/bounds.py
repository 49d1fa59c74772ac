"""Lower bound on the distinct carers each client must meet, from availability alone.

For one client, any schedule that serves its visits needs a set of carers such that every
visit has enough members of the set among its eligible carers (two for a double-staffed
visit). The smallest such set is a valid lower bound: it ignores capacity, travel and the
other clients, so no schedule can beat it. A client visited every day by carers who work
5 of 7 days therefore needs at least two. Teams are small, so the minimum is found by
enumerating carer subsets in increasing size, with a budget that keeps the bound valid
(it returns the largest size proven impossible + 1) when the pool is large (borrowing).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations
from math import comb

from hemplan.models.contract.instance import Instance, Visit

ENUMERATION_BUDGET = 20_000


def min_carer_cover(requirements: Iterable[tuple[frozenset[str], int]]) -> int:
    """Smallest number of carers covering every (eligible set, carers needed) requirement.

    Requirements that cannot be met at all (fewer eligible carers than needed) are skipped:
    such visits cannot be served, so they do not force carers on the client.
    """
    size, _ = smallest_cover(requirements, with_set=False)
    return size


def smallest_cover(
    requirements: Iterable[tuple[frozenset[str], int]],
    preference: Sequence[str] = (),
    with_set: bool = True,
) -> tuple[int, frozenset[str] | None]:
    """The size of a smallest carer set meeting every requirement, and one such set.

    Sets of one size are tried with the carers listed in `preference` first. When the
    enumeration budget runs out the size is still a valid lower bound, and the set is None.
    Without `with_set` only the size is wanted: a size whose subsets outnumber the budget left
    is the answer whether or not a cover of that size would turn up, so it is returned at once
    (with borrowing, a district's 50-60 carers make that the third size for every client).
    """
    reqs = _undominated(
        {(eligible, need) for eligible, need in requirements if len(eligible) >= need > 0}
    )
    if not reqs:
        return 0, frozenset()
    everyone = set().union(*(eligible for eligible, _ in reqs))
    rank = {carer: i for i, carer in enumerate(preference)}
    pool = sorted(everyone, key=lambda c: (rank.get(c, len(rank)), c))
    bit = {carer: 1 << i for i, carer in enumerate(pool)}
    # the narrowest requirements first: most candidate sets fail on one of them
    masks = sorted(
        ((sum(bit[c] for c in eligible), need) for eligible, need in reqs),
        key=lambda m: (m[0].bit_count() - m[1], m[0]),
    )
    lowest = max(need for _, need in masks)
    bits = [1 << i for i in range(len(pool))]
    checked = 0
    for size in range(lowest, len(pool) + 1):
        if not with_set and comb(len(pool), size) > ENUMERATION_BUDGET - checked:
            return size, None
        for chosen in combinations(bits, size):
            checked += 1
            if checked > ENUMERATION_BUDGET:
                return size, None
            chosen_mask = sum(chosen)
            if all((chosen_mask & mask).bit_count() >= need for mask, need in masks):
                return size, frozenset(pool[b.bit_length() - 1] for b in chosen)
    return len(pool), frozenset(pool)


def _undominated(reqs: set[tuple[frozenset[str], int]]) -> list[tuple[frozenset[str], int]]:
    """The requirements not implied by another: (E, n) is implied by (F, m) when F is a
    subset of E and m >= n, since n carers among F are n carers among E. With borrowing a
    client's visits have many near-identical eligible sets; dropping the implied ones keeps
    the enumeration's check short without changing the minimum."""
    ordered = sorted(reqs, key=lambda r: (len(r[0]), -r[1], sorted(r[0])))
    kept: list[tuple[frozenset[str], int]] = []
    for eligible, need in ordered:
        if not any(other <= eligible and m >= need for other, m in kept):
            kept.append((eligible, need))
    return kept


def client_bounds(
    instance: Instance,
    eligible: dict[str, list[str]],
    days: range | None = None,
) -> dict[str, int]:
    """Lower bound per client over `days` (default: the whole horizon).

    A visit counts for a window of days when all its allowed days lie inside it, so a
    flexible visit that could move out of the window does not force a carer into it.
    """
    bounds: dict[str, int] = {}
    for client_id, visits in instance.visits_by_client.items():
        inside = [v for v in visits if days is None or _within(v, days)]
        bounds[client_id] = min_carer_cover(
            (frozenset(eligible.get(v.id, ())), v.staff_needed) for v in inside
        )
    return bounds


def _within(visit: Visit, days: range) -> bool:
    return visit.days[0] >= days.start and visit.days[-1] < days.stop
