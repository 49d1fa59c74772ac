"""Visits only one carer can do, routed first in a short order (`continuity.sole_carer`).

Every test that constructs a plan checks it with the independent evaluator.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from hemplan.models.evaluator import evaluate
from hemplan.models.io.convert.common import write_converted
from hemplan.models.io.convert.mankowska import convert
from hemplan.solver.assemble import to_schedule
from hemplan.solver.continuity.carer_days import CarerDays
from hemplan.solver.continuity.construct import construct
from hemplan.solver.continuity.cover import CarerChoice
from hemplan.solver.continuity.insert import Inserter
from hemplan.solver.continuity.routes import DayContext, RouteStop, time_route
from hemplan.solver.continuity.sole_carer import route_sole_visits, short_order, sole_visits
from hemplan.solver.problem import Problem
from tests.paths import PUBLIC
from tests.small_instances import shift, small, visit

MANKOWSKA_E1 = PUBLIC / "mankowska2014-hhcrsp" / "E1__InstanzVNS_HCSRP_100_1.txt"


def _line_day(shift_end: int) -> DayContext:
    """Office at place 0 and homes 1-5 on a line, 10 minutes apart."""
    travel = [[10 * abs(i - j) for j in range(6)] for i in range(6)]
    return DayContext("N", 0, 0, shift_end, 0, None, travel)


def test_short_order_finds_an_order_that_fits_the_shift() -> None:
    """Five 10-minute visits on a line fit a 150-minute shift only on a route that goes out
    and back without turning twice (100 minutes' travel); the window order (by id here: all
    windows alike) does not fit."""
    ctx = _line_day(150)
    places = {"a": 3, "b": 5, "c": 1, "d": 4, "e": 2}
    stops = [RouteStop(v, p, 0, 1000, 10) for v, p in places.items()]
    assert time_route(ctx, stops) is None
    order = short_order(ctx, stops, random.Random(0))
    assert order is not None
    timing = time_route(ctx, order)
    assert timing is not None and timing.travel == 100


def test_short_order_gives_up_when_no_order_fits() -> None:
    ctx = _line_day(140)  # ten minutes short of the shortest route
    stops = [RouteStop(v, p, 0, 1000, 10) for v, p in {"a": 3, "b": 5, "c": 1}.items()]
    stops += [RouteStop(v, p, 0, 1000, 10) for v, p in {"d": 4, "e": 2}.items()]
    assert short_order(ctx, stops, random.Random(0)) is None


def _nurse_team(visits: list[dict]) -> Problem:
    """Nurse N (medication) and carers A, B (none) on day 0; clients K0-K5."""
    staff = [
        {"id": "N", "skills": ["medication"], "shifts": [shift(0)]},
        {"id": "A", "shifts": [shift(0)]},
        {"id": "B", "shifts": [shift(0)]},
    ]
    return Problem.build(small(staff, [{"id": f"K{i}"} for i in range(6)], visits, days=1))


def _medication(vid: str, client: str, **extra: object) -> dict:
    return visit(vid, client, 0, "08:00", "15:00", 30, skills=["medication"], **extra)


def _nurse_then_anyone(vid: str, client: str) -> dict:
    """A double service: a nurse (medication) first, any carer 10-20 minutes after."""
    return visit(
        vid,
        client,
        0,
        "08:00",
        "15:00",
        30,
        staff_needed=2,
        roles=[{"skills": ["medication"]}, {"skills": []}],
        gap={"min": 10, "max": 20},
    )


def test_sole_visits_are_those_only_one_carer_can_take() -> None:
    problem = _nurse_team(
        [
            _medication("M1", "K0"),
            _medication("M2", "K1"),
            visit("P1", "K2", 0, "08:00", "15:00", 30),  # anyone
            _nurse_then_anyone("D1", "K3"),  # the first role is the nurse's
            visit("D2", "K4", 0, "08:00", "15:00", 30, staff_needed=2),  # any two
        ]
    )
    assert {k: sorted(v.id for v in vs) for k, vs in sole_visits(problem).items()} == {
        ("N", 0): ["D1", "M1", "M2"]
    }


def test_one_sole_visit_is_left_to_the_ordinary_insertion() -> None:
    problem = _nurse_team([_medication("M1", "K0"), visit("P1", "K2", 0, "08:00", "15:00")])
    assert sole_visits(problem) == {}


def test_a_sole_carers_visits_and_partners_are_placed_first_and_verified() -> None:
    """The nurse's visits go on her empty route in a short order before the rest; the double
    service's second carer starts 10-20 minutes after her, as its gap says."""
    visits = [_medication(f"M{i}", f"K{i}") for i in range(3)]
    visits.append(_nurse_then_anyone("D1", "K3"))
    visits += [visit(f"P{i}", f"K{i}", 0, "08:00", "15:00", 30) for i in (4, 5)]
    problem = _nurse_team(visits)
    routes = CarerDays(problem)
    inserter = Inserter(routes, CarerChoice(), {"A": 0.1, "B": 0.2, "N": 0.3})
    assert route_sole_visits(routes, inserter, 0) == {"M0", "M1", "M2", "D1"}
    assert sorted(s.visit for s in routes.stops[("N", 0)]) == ["D1", "M0", "M1", "M2"]
    partner = next(c for c in ("A", "B") if routes.stops[(c, 0)])
    nurse_start = routes.stop_of("N", 0, "D1").fixed
    partner_start = routes.stop_of(partner, 0, "D1").fixed
    assert nurse_start is not None and partner_start is not None
    assert 10 <= partner_start - nurse_start <= 20

    plan = construct(problem, 0)
    assert plan.unassigned == {}
    for vid in ("M0", "M1", "M2"):
        assert plan.assignments[vid].carers == ("N",)
    double = plan.assignments["D1"]
    assert "N" in double.carers and len(set(double.carers)) == 2
    second = next(c for c in double.carers if c != "N")
    assert 10 <= double.start_of(second) - double.start_of("N") <= 20
    result = evaluate(problem.instance, to_schedule(problem, plan))
    assert [str(v) for v in result.violations] == []


def test_a_sole_carers_route_is_not_seeded_where_the_history_already_put_visits() -> None:
    """`route_sole_visits` only fills empty routes: the order it finds is for the whole day."""
    problem = _nurse_team([_medication(f"M{i}", f"K{i}") for i in range(3)])
    routes = CarerDays(problem)
    inserter = Inserter(routes, CarerChoice(), {"A": 0.1, "B": 0.2, "N": 0.3})
    first = problem.visit("M0")
    stop = routes.stop(first)
    found = routes.best_insertion("N", 0, stop)
    assert found is not None
    routes.insert("N", 0, stop, found)
    assert route_sole_visits(routes, inserter, 0) == set()


@pytest.mark.skipif(not MANKOWSKA_E1.is_file(), reason=f"{MANKOWSKA_E1} not present")
def test_mankowska_e1_construction_serves_the_one_s1_carers_sixteen_visits(
    tmp_path: Path,
) -> None:
    """E1's one carer with skill s1 has 16 visits (five of them double services) that fit its
    day only on a near-shortest route; inserted one by one, three were left out."""
    instance = write_converted(convert(MANKOWSKA_E1), tmp_path / "e1.json")
    problem = Problem.build(instance)
    assert [len(v) for v in sole_visits(problem).values()] == [16]
    for seed in (0, 1):
        plan = construct(problem, seed)
        assert plan.unassigned == {}
        result = evaluate(instance, to_schedule(problem, plan))
        assert [str(v) for v in result.violations] == []


def test_short_order_stops_at_its_budget_of_timed_orders() -> None:
    """A long day's order is sought within a count of timed orders, not open-ended: with none
    to spend, the window order is all there is (here it fits the shift, 140 minutes' travel
    against the 100 of an order out and back)."""
    ctx = _line_day(1000)
    stops = [RouteStop(v, p, 0, 900, 10) for v, p in {"a": 3, "b": 1, "c": 5}.items()]
    order = short_order(ctx, stops, random.Random(0), timings=0)
    assert order is not None
    assert [s.visit for s in order] == ["a", "b", "c"]  # window order: by id, untouched
    unbounded = short_order(ctx, stops, random.Random(0))
    assert unbounded is not None
    timed, searched = time_route(ctx, order), time_route(ctx, unbounded)
    assert timed is not None and searched is not None
    assert (timed.travel, searched.travel) == (140, 100)
