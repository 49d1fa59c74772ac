"""Proposing teams: the obvious split is found, no team lacks what its visits need, and a split
that cannot work is explained by team, day, shift type and skill."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputError
from hemplan.models.evaluator.eligibility import eligibility
from hemplan.models.evaluator.travel import TravelMinutes
from hemplan.models.io.bundled import bundled_path
from hemplan.models.io.load import instance_from_data
from hemplan.models.io.read import read_json
from hemplan.solver.locks import check_locks
from hemplan.solver.teaming import Proposal, TeamingOptions, propose, propose_teams
from hemplan.solver.teaming.days import ShortDay
from hemplan.solver.teaming.document import teamed_document
from tests.pools import (
    BASE,
    NORTH,
    SOUTH,
    carer,
    day_shifts,
    home,
    morning_rush,
    pool,
    saturday_insulin,
    two_clusters,
)


def _propose(doc: dict[str, Any], **options: Any) -> tuple[Instance, Proposal]:
    instance = instance_from_data(doc, "pool")
    return instance, propose_teams(instance, TeamingOptions(source="pool", **options))


def _teamed(doc: dict[str, Any], proposal: Proposal) -> Instance:
    return instance_from_data(teamed_document(doc, proposal, "teamed"), "teamed")


def _short_visits(doc: dict[str, Any], proposal: Proposal) -> list[str]:
    """Visits of the teamed instance with fewer carers of their team able to serve them than
    they need, by the evaluator's own eligibility (skills, exclusions, a shift that fits)."""
    teamed = _teamed(doc, proposal)
    able = eligibility(teamed, TravelMinutes(teamed)).carers
    unservable = {v.id for v in proposal.unservable}
    return [
        v.id for v in teamed.visits if len(able[v.id]) < v.staff_needed and v.id not in unservable
    ]


def test_two_far_clusters_with_their_own_skills_are_split_that_way() -> None:
    doc = two_clusters()
    instance, proposal = _propose(doc, teams=2)
    split = {(frozenset(t.clients), frozenset(t.carers)) for t in proposal.teams}
    assert split == {
        (frozenset({"N0", "N1", "N2", "N3"}), frozenset({"M1", "M2", "M3"})),
        (frozenset({"S0", "S1", "S2", "S3"}), frozenset({"I1", "I2", "I3"})),
    }
    north = next(t for t in proposal.teams if "N0" in t.clients)
    assert north.team.id == "T1"  # teams are numbered from north to south
    # the office is at the clients' centre, not at the pool's base 11 km away
    assert abs(north.team.office.lat - NORTH[0]) < 0.01
    assert north.radius_km < 1.0
    assert _short_visits(doc, proposal) == []


def test_a_start_locked_by_the_old_office_refuses_a_split_that_moves_it() -> None:
    """B0 lives by the pool's base, and its visit is locked to start at 07:00, as the shifts
    start: only a carer leaving from the base can be there. Split in two, B0's team works
    from an office at its clients' centre, about 10 km away, from which no plan keeps the
    lock. The teaming wrote that split, and `validate` then refused the file (found by the
    fuzz run). Now the split is refused, saying why; keeping the base keeps the lock."""
    doc = two_clusters()
    doc["clients"].append({"id": "B0", "team": "P", "location": BASE})
    doc["visits"] = [
        {
            "id": "B0-check",
            "client": "B0",
            "day": 0,
            "window": {"earliest": "07:00", "latest": "08:00"},
            "duration": 20,
            "locked_start": "07:00",
        }
    ]
    with pytest.raises(InputError) as refused:
        _propose(doc, teams=2)
    lines = [str(p) for p in refused.value.problems]
    assert lines[0].startswith("pool: the proposed teams cannot keep every lock: ")
    assert lines[1].startswith("pool: visits[B0-check].locked_start: ")
    _, kept = _propose(doc, teams=2, keep_base=True)
    assert check_locks(_teamed(doc, kept), "teamed").problems == []


def test_the_minutes_of_skilled_visits_outweigh_preferred_carers() -> None:
    """A northern client prefers I1 and a southern one M1 (a soft wish): swapping them would
    leave each side one skilled carer short of its skilled visits' minutes, so the split
    stays. A model counting any carer's minutes for skilled visits would swap them."""
    doc = two_clusters()
    doc["clients"][0]["preferred_carers"] = ["I1"]
    doc["clients"][4]["preferred_carers"] = ["M1"]
    _, proposal = _propose(doc, teams=2)
    assert proposal.team_of_carer["I1"] == proposal.team_of_client["S0"]
    assert proposal.team_of_carer["M1"] == proposal.team_of_client["N0"]


def test_preferred_carers_follow_their_clients_where_nothing_else_decides() -> None:
    doc = saturday_insulin(excluded=False)
    doc["visits"] = [v for v in doc["visits"] if not v.get("skills")]
    doc["clients"][0]["preferred_carers"] = ["D1", "D2"]  # a northern client
    doc["clients"][2]["contact_carer"] = "D3"  # a southern one
    _, proposal = _propose(doc, teams=2)
    north, south = proposal.team_of_client["N0"], proposal.team_of_client["S0"]
    assert [proposal.team_of_carer[c] for c in ("D1", "D2", "D3")] == [north, north, south]


def test_keep_base_keeps_the_existing_office() -> None:
    doc = two_clusters()
    _, proposal = _propose(doc, teams=2, keep_base=True)
    assert {(t.team.office.lat, t.team.office.lon) for t in proposal.teams} == {(62.32, 17.3)}


def test_the_same_seed_gives_the_same_teams() -> None:
    doc = saturday_insulin(excluded=False)
    doc["visits"] = [v for v in doc["visits"] if not v.get("skills")]  # feasible without insulin
    first = _propose(doc, teams=2, seed=7)[1]
    again = _propose(doc, teams=2, seed=7)[1]
    assert first.team_of_carer == again.team_of_carer
    assert first.team_of_client == again.team_of_client


def test_too_many_teams_for_one_insulin_carer_names_the_shift_and_the_skill() -> None:
    with pytest.raises(InputError) as caught:
        _propose(saturday_insulin(excluded=False), teams=2)
    text = str(caught.value)
    line = next(line for line in text.splitlines() if "insulin" in line)
    assert "evening shift of Saturday 2026-01-10 (day 5)" in line
    assert "the pool has 1 carer holding insulin on that shift" in line


def test_a_team_whose_clients_refuse_every_insulin_carer_left_is_named() -> None:
    """Two carers hold insulin on Saturday evening, but both clients refuse E1: counting says
    two is enough, the assignment finds that one team cannot have one its client accepts."""
    with pytest.raises(InputError) as caught:
        _propose(saturday_insulin(excluded=True), teams=2)
    lines = str(caught.value).splitlines()
    short = [line for line in lines if "no carer holding insulin" in line]
    assert len(short) == 1, lines
    assert "not excluded by client" in short[0]
    assert "evening shift on Saturday 2026-01-10 (day 5)" in short[0]
    assert "-insulin" in short[0]  # names the visit
    assert "try fewer teams" in lines[-1]


def test_without_explain_a_split_the_assignment_cannot_make_says_only_that() -> None:
    """The same refusal as above when the caller tries another count next (a big team's
    sub-teams): no soft model is solved, so no shortfall is named, only that there is none."""
    with pytest.raises(InputError) as caught:
        _propose(saturday_insulin(excluded=True), teams=2, explain=False)
    lines = str(caught.value).splitlines()
    assert not [line for line in lines if "no carer holding insulin" in line]
    assert "no split of the pool into 2 teams" in lines[-1]


def _substitute(cid: str, skills: list[str], shifts: list[dict[str, Any]]) -> dict[str, Any]:
    return carer(cid, skills, shifts) | {"employment": "substitute"}


def test_shared_substitutes_stay_out_of_the_teams_as_one_pool() -> None:
    doc = two_clusters()
    doc["staff"] += [_substitute(f"X{i}", ["insulin"], day_shifts(range(2))) for i in (1, 2)]
    _, attached = _propose(doc, teams=2)
    assert {attached.team_of_carer["X1"], attached.team_of_carer["X2"]} <= {"T1", "T2"}
    assert attached.shared is None

    _, shared = _propose(doc, teams=2, shared_substitutes=True)
    assert shared.shared is not None and shared.shared.carers == ["X1", "X2"]
    assert shared.team_of_carer["X1"] == shared.team_of_carer["X2"] == "V"
    split = {(frozenset(t.clients), frozenset(t.carers)) for t in shared.teams}
    assert split == {  # the permanent staff split as without substitutes, three a team
        (frozenset({"N0", "N1", "N2", "N3"}), frozenset({"M1", "M2", "M3"})),
        (frozenset({"S0", "S1", "S2", "S3"}), frozenset({"I1", "I2", "I3"})),
    }
    teamed = _teamed(doc, shared)
    assert [t.id for t in teamed.teams] == ["T1", "T2", "V"]
    assert not [c for c in teamed.clients if c.team == "V"]
    assert {s.id for s in teamed.staff if s.team == "V"} == {"X1", "X2"}


def test_a_shared_substitute_stands_in_for_every_team_attached_it_joins_one() -> None:
    """The only insulin carer on Saturday evening is a substitute: attached, one team lacks
    insulin then; kept shared, the pool covers both teams' insulin visits."""
    doc = saturday_insulin(excluded=False)
    doc["staff"][0]["skills"] = ["medication"]  # E1 no longer holds insulin
    doc["staff"].append(
        _substitute("X", ["insulin"], [{"day": 5, "start": "14:00", "end": "22:00"}])
    )
    with pytest.raises(InputError, match="the pool has 1 carer holding insulin on that shift"):
        _propose(doc, teams=2)
    _, proposal = _propose(doc, teams=2, shared_substitutes=True)
    assert proposal.team_of_carer["X"] == "V"
    assert sorted(len(t.carers) for t in proposal.teams) == [4, 4]  # the permanent eight


def test_one_team_is_always_possible_where_the_pool_is() -> None:
    doc = saturday_insulin(excluded=True)
    _, proposal = _propose(doc, teams=1)
    assert len(proposal.teams) == 1 and len(proposal.teams[0].carers) == 8
    assert _short_visits(doc, proposal) == []


def test_sizes_that_cannot_add_up_are_refused_before_any_model() -> None:
    with pytest.raises(InputError, match="6 carers cannot make 2 teams of 4-5 carers"):
        _propose(two_clusters(), teams=2, min_size=4, max_size=5)


@pytest.mark.parametrize(("name", "teams"), [("district-14d", 3), ("district-14d", 5)])
def test_bundled_teams_never_lack_a_skill_on_a_shift(name: str, teams: int) -> None:
    path = bundled_path(name)
    assert path is not None
    doc = read_json(path)
    _, proposal = _propose(doc, teams=teams)
    assert len(proposal.teams) == teams
    assert sorted(c for t in proposal.teams for c in t.carers) == sorted(
        s["id"] for s in doc["staff"]
    )
    assert _short_visits(doc, proposal) == []


@st.composite
def _pools(draw: st.DrawFn) -> dict[str, Any]:
    """Small random pools: clients in two places, carers with random skills and shifts, visits
    with random skills, windows and double staffing."""
    days = 3
    staff = []
    for i in range(draw(st.integers(3, 8))):
        skills = draw(st.lists(st.sampled_from(["medication", "insulin"]), unique=True))
        shifts = []
        for day in range(days):
            kind = draw(st.sampled_from(["off", "day", "evening"]))
            if kind == "day":
                shifts.append({"day": day, "start": "07:00", "end": "15:30"})
            elif kind == "evening":
                shifts.append({"day": day, "start": "14:00", "end": "22:00"})
        staff.append(carer(f"S{i}", skills, shifts))
    clients, visits = [], []
    for k in range(draw(st.integers(2, 6))):
        cid = f"C{k}"
        excluded = draw(st.lists(st.sampled_from([s["id"] for s in staff]), max_size=1))
        clients.append(
            {"id": cid, "location": home(NORTH if k % 2 else SOUTH, k), "excluded_carers": excluded}
        )
        for j in range(draw(st.integers(1, 3))):
            start = draw(st.sampled_from(["08:00", "12:00", "18:00"]))
            visits.append(
                {
                    "id": f"{cid}-{j}",
                    "client": cid,
                    "day": draw(st.integers(0, days - 1)),
                    "window": {"earliest": start, "latest": start},
                    "duration": draw(st.sampled_from([20, 45, 90])),
                    "staff_needed": draw(st.sampled_from([1, 1, 2])),
                    "skills": draw(
                        st.lists(st.sampled_from(["medication", "insulin"]), max_size=1)
                    ),
                }
            )
    return pool(staff, clients, visits, days)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_pools(), teams=st.integers(1, 3))
def test_a_proposed_team_never_lacks_what_its_visits_need(doc: dict[str, Any], teams: int) -> None:
    try:
        _, proposal = _propose(doc, teams=teams, slack=0.0)
    except InputError as error:  # a refusal always says why, one line per problem
        assert error.problems and all(str(p).startswith("pool") for p in error.problems)
        return
    assert _short_visits(doc, proposal) == []


def test_a_morning_peak_that_a_team_cannot_cover_is_named_though_its_day_is_light() -> None:
    """Eight visits of an hour that must be done by 09:00 (four in the north, four in the
    south), five carers from 07:00: two hours each before 09:00, 600 minutes for 480 (576 with
    the slack). One team can; in two, one has at most two carers, 240 minutes for 288."""
    staff = [carer(f"D{i}", [], [{"day": 0, "start": "07:00", "end": "15:00"}]) for i in range(5)]
    clients, visits = [], []
    for side, place in (("N", NORTH), ("S", SOUTH)):
        for k in range(4):
            clients.append({"id": f"{side}{k}", "location": home(place, k)})
            visits.append(
                {
                    "id": f"{side}{k}-morning",
                    "client": f"{side}{k}",
                    "day": 0,
                    "window": {"earliest": "07:00", "latest": "08:00"},
                    "duration": 60,
                }
            )
    doc = pool(staff, clients, visits, days=1)
    _, one = _propose(doc, teams=1)
    assert _short_visits(doc, one) == []
    with pytest.raises(InputError) as caught:
        _propose(doc, teams=2)
    assert "shift time until 09:00 of Monday 2026-01-05 (day 0)" in str(caught.value)


def test_mending_keeps_the_proposal_with_the_fewest_short_days(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A round of mending may move a shortage elsewhere: of the proposals the rounds make
    (here 2, then 1, 1 and 3 short team-days), the first with the fewest is kept, with its
    own short days; every round asks with the cuts of all rounds before it."""
    instance, first = _propose(morning_rush(3), teams=2)
    rounds = [replace(first, teams=list(first.teams)) for _ in range(3)]
    counts = iter([2, 1, 1, 3])  # short_days is asked once per proposal, in order

    def short(teamed: Instance, pool: frozenset[int], checked: object) -> list[ShortDay]:
        return [ShortDay("T1", day, (480, 525), frozenset({0})) for day in range(next(counts))]

    asked: list[int] = []

    def reassign(cuts: tuple[tuple[int, frozenset[int]], ...]) -> Proposal:
        asked.append(len(cuts))
        return rounds[len(asked) - 1]

    monkeypatch.setattr(propose, "short_days", short)
    offices = [t.team for t in first.teams]
    kept = propose._mended(instance, first, offices, frozenset(), reassign)
    assert kept is rounds[0] and len(kept.short_days) == 1
    assert asked == [2, 3, 4]  # the cuts accumulate over the rounds
