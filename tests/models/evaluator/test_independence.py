"""The evaluator's own travel minutes, eligibility and lower bound agree with the solver's.

The evaluator shares no code with the solver (test_architecture checks the imports), so the
two are written twice on purpose; these tests hold the two versions to the same answers on
the bundled instances, and hold the evaluator's to each rule and to brute force on small cases.
"""

from __future__ import annotations

import os
import random
from functools import cache
from itertools import combinations, product
from pathlib import Path
from typing import Any

import pytest

from hemplan.models.contract.instance import TRAVEL_MODES, Instance
from hemplan.models.evaluator.bounds import (
    ENUMERATION_BUDGET,
    bounds_per_period,
    client_bounds,
    min_carers,
)
from hemplan.models.evaluator.eligibility import eligibility, rule_out
from hemplan.models.evaluator.metrics import periods
from hemplan.models.evaluator.travel import TravelMinutes
from hemplan.models.io.load import load_instance
from hemplan.solver.bounds import client_bounds as solver_client_bounds
from hemplan.solver.bounds import min_carer_cover as solver_min_carer_cover
from hemplan.solver.eligibility import eligibility as solver_eligibility
from hemplan.solver.travel import travel_times
from tests.hand_instance import write_hand_instance
from tests.paths import INSTANCES
from tests.small_instances import shift, small, visit

BUNDLED = sorted(p.name for p in INSTANCES.glob("*.json"))
COMPARED = ["tiny.json", "team-14d.json", "district-14d.json"]
SLOW = os.environ.get("HEMPLAN_SLOW_TESTS") == "1"


@cache
def bundled(name: str) -> Instance:
    return load_instance(INSTANCES / name)


def _places(travel: TravelMinutes, instance: Instance) -> list[int]:
    return [travel.office(t.id) for t in instance.teams] + [
        travel.home(c.id) for c in instance.clients
    ]


def _travel_mismatches(instance: Instance, every: int = 1) -> list[tuple[str, int, int, int, int]]:
    """(mode, from, to, evaluator, solver) for each pair that differs; with `every` > 1 only
    the office legs and every `every`-th pair of homes (a city has 800 000 pairs)."""
    mine, solver = TravelMinutes(instance), travel_times(instance)
    places = _places(mine, instance)
    assert places == list(range(len(places)))  # the solver numbers places the same way
    offices, homes = places[: len(instance.teams)], places[len(instance.teams) :]
    pairs = [(a, b) for a in offices for b in places] + [(a, b) for a in homes for b in offices]
    pairs += list(product(homes, homes))[::every]
    wrong: list[tuple[str, int, int, int, int]] = []
    for mode, solver_minutes in zip(TRAVEL_MODES, solver.minutes.tolist()):
        wrong += [
            (mode, a, b, mine.minutes(mode, a, b), solver_minutes[a][b])
            for a, b in pairs
            if mine.minutes(mode, a, b) != solver_minutes[a][b]
        ]
    return wrong


@pytest.mark.parametrize("name", BUNDLED)
def test_travel_minutes_equal_the_solvers_on_every_pair(name: str) -> None:
    every = 1 if SLOW or name != "city-14d.json" else 13  # the whole city with HEMPLAN_SLOW_TESTS=1
    assert _travel_mismatches(bundled(name), every) == []


def test_travel_minutes_of_a_matrix_file_equal_the_solvers(tmp_path: Path) -> None:
    solomon = load_instance(INSTANCES / "public" / "solomon-C101.json")
    assert solomon.travel.matrix_file is not None
    assert _travel_mismatches(solomon) == []
    hand = write_hand_instance(tmp_path)
    assert _travel_mismatches(hand) == []
    travel = TravelMinutes(hand)
    assert (
        travel.minutes("walk", travel.office("T1"), travel.home("C1")) == 10
    )  # the file's, not a distance
    assert travel.minutes("car", travel.home("C1"), travel.home("C4")) == 20


def test_travel_minutes_follow_the_speed_and_detour() -> None:
    inst = small(
        [], [{"id": "K", "location": {"lat": 62.390 + 0.009, "lon": 17.300}}], [], days=1
    )  # 1.0 km north
    travel = TravelMinutes(inst)
    office, home = travel.office("T"), travel.home("K")
    # 1.0008 km x 1.35 = 1.351 km: 18.01 min walking at 4.5 km/h -> 19, 2.9 min on a car at
    # 28 km/h -> 3
    assert travel.minutes("walk", office, home) == 19
    assert travel.minutes("car", home, office) == 3
    assert travel.minutes("bike", office, office) == 0


@pytest.mark.parametrize("name", COMPARED)
@pytest.mark.parametrize("borrowing", [False, True])
def test_eligibility_equals_the_solvers(name: str, borrowing: bool) -> None:
    inst = bundled(name)
    mine = eligibility(inst, TravelMinutes(inst), borrowing)
    solver = solver_eligibility(inst, travel_times(inst), borrowing)
    assert mine.carers == solver.carers
    assert set(mine.reasons) == set(solver.reasons)


@pytest.mark.parametrize("name", COMPARED)
@pytest.mark.parametrize("borrowing", [False, True])
def test_bounds_equal_the_solvers(name: str, borrowing: bool) -> None:
    inst = bundled(name)
    able = eligibility(inst, TravelMinutes(inst), borrowing).carers
    spans: list[range | None] = [None, *periods(inst.horizon.days)]
    solver = [solver_client_bounds(inst, able, span) for span in spans]
    assert bounds_per_period(inst, able, spans) == solver
    assert client_bounds(inst, able) == solver[0]
    assert sum(solver[0].values()) > len(inst.clients)  # some client needs two carers or more


def test_borrowing_widens_a_districts_pools() -> None:
    inst = bundled("district-14d.json")
    travel = TravelMinutes(inst)
    alone, borrowing = eligibility(inst, travel).carers, eligibility(inst, travel, True).carers
    assert all(set(alone[v]) <= set(borrowing[v]) for v in alone)
    assert sum(map(len, borrowing.values())) > sum(map(len, alone.values()))


# --- one rule at a time --------------------------------------------------------------------

OTHER_OFFICE = {"lat": 62.40, "lon": 17.33}
KM_NORTH = {"lat": 62.399, "lon": 17.300}  # 7 minutes by bike from T's office


def _one_visit(
    carer: dict[str, Any] | None = None, client: dict[str, Any] | None = None, **fields: Any
) -> Instance:
    """Carer A (team T, bike, 07:00-16:00 on day 0) and client K a km from the office with visit V
    on day 0, 08:00-09:00, 30 min: A could serve it unless `carer`, `client` or `fields` say
    otherwise."""
    record = {"id": "A", "skills": ["medication"], "shifts": [shift(0)], **(carer or {})}
    visit_record = {**visit("V", "K", 0), **fields}
    teams = [
        {"id": "T", "office": {"lat": 62.390, "lon": 17.300}},
        {"id": "U", "office": OTHER_OFFICE},
    ]
    staff = [record, {"id": "B", "shifts": [shift(0)]}]
    return small(
        staff,
        [{"id": "K", "location": KM_NORTH, **(client or {})}],
        [visit_record],
        days=2,
        teams=teams,
    )


def _able(inst: Instance, borrowing: bool = False) -> list[str]:
    return eligibility(inst, TravelMinutes(inst), borrowing).carers["V"]


def _why(inst: Instance, carer: str = "A", borrowing: bool = False) -> str | None:
    return rule_out(
        inst, TravelMinutes(inst), inst.staff_by_id[carer], inst.visit_by_id["V"], borrowing
    )


def test_the_plain_case_lets_both_carers_serve() -> None:
    inst = _one_visit()
    assert _able(inst) == ["A", "B"]
    assert _why(inst) is None


def test_a_missing_skill_rules_a_carer_out() -> None:
    inst = _one_visit(skills=["medication"])
    assert _able(inst) == ["A"]
    assert _why(inst, "B") == "lacks medication"


def test_an_excluding_client_rules_a_carer_out() -> None:
    inst = _one_visit(client={"excluded_carers": ["A"]})
    assert _able(inst) == ["B"]
    assert _why(inst) == "excluded by the client"


def test_a_carer_of_another_team_serves_only_with_borrowing() -> None:
    inst = _one_visit(carer={"team": "U"})
    assert _able(inst) == ["B"]
    assert _why(inst) == "other team"
    assert _able(inst, borrowing=True) == [
        "A",
        "B",
    ]  # the shift leaves time to come from U's office
    assert _why(inst, borrowing=True) is None


def test_a_lock_on_all_staff_keeps_the_others_out() -> None:
    inst = _one_visit(locked_carers=["B"])
    assert _able(inst) == ["B"]
    assert _why(inst) == "not a locked carer"
    partly = _one_visit(staff_needed=2, locked_carers=["B"])  # the second carer is anyone's
    assert _able(partly) == ["A", "B"]


def test_a_shift_too_short_for_trip_and_visit_rules_a_carer_out() -> None:
    inst = _one_visit(carer={"shifts": [shift(0, "07:00", "08:30")]})
    assert _able(inst) == ["B"]  # 08:00 + 30 min + 7 min back is after 08:30
    assert _why(inst) == "no shift leaves room for the trip and the visit"
    late_start = _one_visit(
        carer={"shifts": [shift(0, "09:00", "16:00")]}
    )  # cannot arrive by 09:00
    assert _able(late_start) == ["B"]


def test_a_locked_start_must_fit_the_shift_itself() -> None:
    fits = _one_visit(carer={"shifts": [shift(0, "07:00", "09:00")]})
    assert _able(fits) == ["A", "B"]  # starting at 08:00 A is back at 08:37
    locked = _one_visit(carer={"shifts": [shift(0, "07:00", "09:00")]}, locked_start="08:45")
    assert _able(locked) == ["B"]


def test_only_a_shift_on_an_allowed_day_counts() -> None:
    inst = _one_visit(carer={"shifts": [shift(1)]})
    assert _able(inst) == ["B"]
    assert _why(inst) == "no shift on an allowed day"
    flexible = _one_visit(carer={"shifts": [shift(1)]}, last_day=1)
    assert _able(flexible) == ["A", "B"]


def test_a_visit_short_of_carers_says_why() -> None:
    inst = _one_visit(carer={"skills": []}, skills=["medication"])
    found = eligibility(inst, TravelMinutes(inst))
    assert found.carers["V"] == []
    assert (
        "none could serve it" in found.reasons["V"] and "lacks medication: 2" in found.reasons["V"]
    )


# --- the bound against brute force ----------------------------------------------------------


def _brute_force(requirements: list[tuple[set[str], int]]) -> int:
    """The smallest carer set giving each servable requirement enough of its carers."""
    servable = [(carers, need) for carers, need in requirements if len(carers) >= need]
    everyone = sorted(set().union(*(carers for carers, _ in servable))) if servable else []
    for size in range(len(everyone) + 1):
        for chosen in combinations(everyone, size):
            if all(len(carers & set(chosen)) >= need for carers, need in servable):
                return size
    raise AssertionError("the whole pool always covers")


def _mixed_instance() -> Instance:
    """Two clients, six carers on different days and hours, single and double visits over a
    week, one visit nobody can do: a case small enough to check every carer subset."""
    days = {
        "A": [0, 1, 2],
        "B": [2, 3, 4],
        "C": [4, 5, 6],
        "D": [0, 3, 6],
        "E": [1, 5],
        "F": [0, 1, 2, 3, 4, 5, 6],
    }
    staff = [
        {
            "id": c,
            "skills": ["medication"] if c in "BD" else [],
            "shifts": [shift(d, "07:00", "12:00" if c == "F" else "16:00") for d in worked],
        }
        for c, worked in days.items()
    ]
    visits = [visit(f"K{d}", "K", d, "08:00", "09:00", 30) for d in range(7)]
    visits += [visit(f"M{d}", "K", d, "13:00", "14:00", 30, skills=["medication"]) for d in (2, 3)]
    visits += [visit(f"L{d}", "L", d, "10:00", "11:00", 45, staff_needed=2) for d in (0, 4)]
    visits += [
        visit("Lx", "L", 5, "14:00", "15:00", 30, skills=["medication"]),  # no B or D on day 5
        visit("Lf", "L", 6, "08:00", "09:00", 30, last_day=8),
    ]  # flexible past the first week
    return small(staff, [{"id": "K"}, {"id": "L"}], visits, days=14)


def test_the_bound_equals_brute_force_over_every_carer_subset() -> None:
    inst = _mixed_instance()
    able = eligibility(inst, TravelMinutes(inst)).carers
    assert able["Lx"] == []
    for span in [None, range(7), range(7, 14)]:
        bounds = client_bounds(inst, able, span)
        for client, visits in inst.visits_by_client.items():
            inside = [
                v
                for v in visits
                if span is None or (v.days[0] >= span.start and v.days[-1] < span.stop)
            ]
            assert bounds[client] == _brute_force(
                [(set(able[v.id]), v.staff_needed) for v in inside]
            )
    # K: F every morning, and B or D for the medication on days 2-3; L: two of A, D, F on day 0
    # and two of B, C, F on day 4 (Lx nobody can do, Lf F can)
    assert client_bounds(inst, able) == {"K": 2, "L": 3}


def test_random_requirements_match_brute_force_and_the_solver() -> None:
    rng = random.Random(7)
    for _ in range(300):
        pool = [f"S{k}" for k in range(rng.randint(1, 9))]
        requirements = [
            (set(rng.sample(pool, rng.randint(0, len(pool)))), rng.choice((1, 1, 2)))
            for _ in range(rng.randint(0, 8))
        ]
        expected = _brute_force(requirements)
        assert min_carers(requirements) == expected
        assert solver_min_carer_cover((frozenset(c), n) for c, n in requirements) == expected


def test_the_budget_stops_at_the_same_size_as_the_solver() -> None:
    """30 carers each alone for a visit need 30; proving 4 impossible would take 27 405 more sets
    than the budget has left, so the bound is 4: low, but still a bound."""
    lone = [({f"S{k}"}, 1) for k in range(30)]
    assert min_carers(lone) == 4 == solver_min_carer_cover((frozenset(c), n) for c, n in lone)
    assert sum(len(list(combinations(range(30), k))) for k in (1, 2, 3)) <= ENUMERATION_BUDGET
    rng = random.Random(3)
    for _ in range(40):  # district-sized pools, where the budget decides
        pool = [f"S{k}" for k in range(rng.randint(15, 70))]
        requirements = [
            (set(rng.sample(pool, rng.randint(1, 12))), rng.choice((1, 2)))
            for _ in range(rng.randint(1, 30))
        ]
        assert min_carers(requirements) == solver_min_carer_cover(
            (frozenset(c), n) for c, n in requirements
        )
