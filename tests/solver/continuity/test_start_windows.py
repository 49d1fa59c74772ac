"""Routes and the CP-SAT model with several start windows: a visit reached between two
windows starts when the next one opens, never in the gap."""

from __future__ import annotations

from ortools.sat.python import cp_model

from hemplan.models.contract.instance import Visit
from hemplan.solver.continuity.model.assignment import add_visit
from hemplan.solver.continuity.routes import DayContext, RouteStop, time_route

TWO = [["08:00", "09:00"], ["11:00", "12:00"]]


def two_window_visit(**fields: object) -> Visit:
    return Visit.model_validate(
        {"id": "V", "client": "K", "day": 0, "duration": 30, "windows": TWO, **fields}
    )


def day(shift_start: int, shift_end: int = 16 * 60) -> DayContext:
    """A carer-day with no break: office 0, home 1, ten minutes apart."""
    return DayContext("A", 0, shift_start, shift_end, 0, None, [[0, 10], [10, 0]])


def test_a_visit_reached_between_its_windows_starts_when_the_second_opens() -> None:
    stop = RouteStop.of(two_window_visit(), 1)
    timing = time_route(day(9 * 60 + 30), [stop])
    assert timing is not None and timing.starts == (11 * 60,)


def test_a_visit_reached_inside_the_first_window_starts_on_arrival() -> None:
    stop = RouteStop.of(two_window_visit(), 1)
    timing = time_route(day(8 * 60), [stop])
    assert timing is not None and timing.starts == (8 * 60 + 10,)


def test_a_visit_reached_after_its_last_window_does_not_fit() -> None:
    stop = RouteStop.of(two_window_visit(), 1)
    assert time_route(day(11 * 60 + 55), [stop]) is None


def test_a_single_window_stop_keeps_no_gaps() -> None:
    single = Visit.model_validate(
        {
            "id": "V",
            "client": "K",
            "day": 0,
            "duration": 30,
            "window": {"earliest": "08:00", "latest": "12:00"},
        }
    )
    stop = RouteStop.of(single, 1)
    assert stop.gaps == ()
    timing = time_route(day(9 * 60 + 30), [stop])
    assert timing is not None and timing.starts == (9 * 60 + 40,)


def test_the_model_has_no_start_between_the_windows() -> None:
    model = cp_model.CpModel()
    variables = add_visit(model, two_window_visit())
    model.add(variables.start >= 9 * 60 + 1)
    model.minimize(variables.start)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    assert solver.value(variables.start) == 11 * 60
