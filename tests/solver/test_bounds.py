"""The lower bound on distinct carers: the smallest carer set covering a client's visits."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hemplan.models.contract.schedule import Assignment, Schedule
from hemplan.models.evaluator import evaluate
from hemplan.solver.bounds import min_carer_cover
from tests.hand_instance import write_hand_instance


@pytest.mark.parametrize(
    ("requirements", "expected"),
    [
        ([({"A", "B"}, 1), ({"A"}, 1)], 1),  # A covers both
        ([({"A"}, 1), ({"B"}, 1)], 2),  # alternate days: two carers
        ([({"A", "B", "C"}, 2)], 2),  # double staffing
        ([({"A", "B"}, 1), ({"B", "C"}, 1), ({"A", "C"}, 1)], 2),
        ([({"A"}, 2), ({"B"}, 1)], 1),  # an unservable visit forces nobody
        ([], 0),
    ],
)
def test_min_carer_cover(requirements: list, expected: int) -> None:
    assert min_carer_cover((frozenset(e), n) for e, n in requirements) == expected


def test_bound_and_continuity_for_alternating_carers(tmp_path: Path) -> None:
    # C2 has V2 on day 0 (S1 or S2 could serve) and V5 on day 1 (only S1 works): bound 1
    inst = write_hand_instance(tmp_path)
    schedule = Schedule(
        assignments=[
            Assignment(visit="V2", day=0, start=540, carers=["S2"]),
            Assignment(visit="V5", day=1, start=480, carers=["S1"]),
        ]
    )
    result = evaluate(inst, schedule)
    c2 = result.clients["C2"]
    assert (c2.distinct, c2.lower_bound, c2.contact_share) == (2, 1, 0.5)


@given(
    st.lists(
        st.tuples(st.sets(st.sampled_from("ABCDEF"), min_size=1), st.integers(1, 2)), max_size=8
    )
)
@settings(max_examples=200, deadline=None)
def test_min_carer_cover_is_the_smallest_covering_set(requirements: list) -> None:
    """Against brute force over every subset: dropping implied requirements and checking the
    narrowest first must not change the minimum."""
    reqs = [(frozenset(e), n) for e, n in requirements]
    servable = [(e, n) for e, n in reqs if len(e) >= n]
    pool = sorted(set().union(*(e for e, _ in servable))) if servable else []
    smallest = min(
        (
            len(chosen)
            for size in range(len(pool) + 1)
            for chosen in combinations(pool, size)
            if all(len(e & set(chosen)) >= n for e, n in servable)
        ),
        default=0,
    )
    assert min_carer_cover(reqs) == smallest
