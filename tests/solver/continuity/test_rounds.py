"""How `solve` shares the search time between teams: an even opening round, then the rest by
what each team still has to gain, no team more than one process can give it."""

from __future__ import annotations

import time

import pytest

from hemplan.solver.continuity.solve import OPENING_SHARE, TeamJob, round_needs, shares


def job(work_limit: float | None, teams: int, processes: int, seconds: float = 100.0) -> TeamJob:
    now = time.time()
    return TeamJob(
        end=now + seconds,
        teams=teams,
        processes=processes,
        work_limit=work_limit,
        seed=0,
        allow_borrowing=False,
        started=now,
    )


def test_shares_follow_the_needs_when_no_cap_binds() -> None:
    assert shares([1, 3, 0], 8.0, cap=10.0) == pytest.approx([2.0, 6.0, 0.0])


def test_a_capped_share_gives_what_it_cannot_take_to_the_others() -> None:
    # 9 of 10 would go to the first; it may take 4, the rest (6) is shared 1:1 by the others
    assert shares([18, 1, 1], 10.0, cap=4.0) == pytest.approx([4.0, 3.0, 3.0])


def test_shares_never_exceed_the_cap_or_the_total() -> None:
    result = shares([5, 5, 5], 30.0, cap=4.0)
    assert result == pytest.approx([4.0, 4.0, 4.0])
    assert shares([0, 0], 10.0, cap=10.0) == [0.0, 0.0]


def test_the_opening_round_takes_its_share_of_the_time_and_of_a_work_budget() -> None:
    opening = job(work_limit=10.0, teams=5, processes=2).opening()
    assert opening.work_limit == pytest.approx(OPENING_SHARE * 10.0)
    assert opening.end - time.time() == pytest.approx(OPENING_SHARE * 100.0, abs=1.0)


def test_the_second_round_shares_the_work_left_by_need_one_process_at_most() -> None:
    # 3 teams with 10 units each: 18 left after the opening; one process may take half of it
    allotted = job(work_limit=10.0, teams=3, processes=2).allotments([0, 5, 15])
    assert [work for _, work in allotted] == pytest.approx([0.0, 9.0, 9.0])


def test_the_second_round_by_the_clock_gives_a_needy_team_at_most_the_time_left() -> None:
    allotted = job(work_limit=None, teams=5, processes=2, seconds=30.0).allotments(
        [100, 1, 1, 1, 1]
    )
    seconds = [s for s, _ in allotted]
    assert seconds[0] == pytest.approx(30.0, abs=0.5)
    assert sum(seconds) == pytest.approx(60.0, abs=1.0)  # two processes' worth, nothing idle
    assert seconds[1:] == pytest.approx([seconds[1]] * 4)


def test_with_nothing_to_gain_anywhere_the_second_round_polishes_every_team_by_visits() -> None:
    """Every team at its bound, all served: the round goes by visits rather than to nobody
    (which left a one-team day with 40 % of its budget); any need keeps the needs."""
    assert round_needs([0.0, 0.0], [10, 30]) == [10.0, 30.0]
    assert round_needs([0.0, 2.0], [10, 30]) == [0.0, 2.0]
    assert shares(round_needs([0.0, 0.0], [10, 30]), 8.0, cap=10.0) == pytest.approx([2.0, 6.0])
