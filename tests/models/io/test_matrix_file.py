"""Hostile travel-matrix files: every broken figure or name is one line naming the matrix file,
the field and the trip, exit 2, never a traceback or a numpy warning (reproducers 03, 04, 09
and 10 of the reliability run); figures over a day count as unreachable in the solver and the
evaluator alike."""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from hemplan.cli.main import main
from hemplan.models.contract.instance import UNREACHABLE_MINUTES
from hemplan.models.evaluator.travel import TravelMinutes
from hemplan.models.io.load import load_instance
from hemplan.solver.travel import travel_times
from tests.hand_instance import BASE, MATRIX, PLACES


def _matrix() -> dict[str, Any]:
    return copy.deepcopy(MATRIX)


def _by_mode(matrix: dict[str, Any]) -> dict[str, Any]:
    """The same minutes, one matrix per mode (so one mode can be broken alone)."""
    return {
        "locations": matrix["locations"],
        "minutes": {m: copy.deepcopy(matrix["minutes"]) for m in ("walk", "bike", "car")},
    }


def _write(folder: Path, matrix: Any, instance: dict[str, Any] | None = None) -> Path:
    (folder / "matrix.json").write_text(
        json.dumps(matrix) if not isinstance(matrix, str) else matrix
    )
    path = folder / "instance.json"
    path.write_text(json.dumps(instance if instance is not None else BASE))
    return path


def _validate(path: Path) -> Result:
    """`hemplan validate` with every warning an error (a numpy RuntimeWarning fails the test)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = CliRunner().invoke(main, ["validate", str(path)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _refused(tmp_path: Path, matrix: Any, where: str, message: str) -> None:
    result = _validate(_write(tmp_path, matrix))
    assert result.exit_code == 2, result.output
    prefix = f"{(tmp_path / 'matrix.json').resolve()}: {where}: "
    assert any(
        line.startswith(prefix) and message in line for line in result.output.splitlines()
    ), result.output
    assert "RuntimeWarning" not in result.output and "has no '" not in result.output


def test_a_place_that_is_not_text_is_named(tmp_path: Path) -> None:  # reproducer 03
    matrix = _matrix()
    matrix["locations"][0] = {"id": "office:T1"}
    _refused(tmp_path, matrix, "locations[0]", "expected a place name (text), got an object")


def test_a_place_listed_twice_is_named(tmp_path: Path) -> None:
    matrix = _matrix()
    matrix["locations"] = [*PLACES[:-1], "C1"]
    _refused(tmp_path, matrix, "locations[5]", "place 'C1' is listed twice")


def test_a_nul_in_the_matrix_file_name_is_a_field_problem(tmp_path: Path) -> None:  # 04
    instance = copy.deepcopy(BASE)
    instance["travel"] = {"matrix_file": "times\u0000.json"}
    path = _write(tmp_path, _matrix(), instance)
    result = _validate(path)
    assert result.exit_code == 2, result.output
    assert f"{path}: travel.matrix_file: the file name holds a NUL character" in result.output


def test_an_integer_of_hundreds_of_digits_is_too_large(tmp_path: Path) -> None:  # 09
    matrix = _by_mode(_matrix())
    matrix["minutes"]["car"][3][5] = 10**400
    _refused(
        tmp_path,
        matrix,
        "minutes.car[3][5]",
        "a number of 401 digits (from 'C2' to 'C4') is too large: minutes go up to 2,147,483,647",
    )


def test_a_figure_over_int32_says_so_not_that_the_mode_is_missing(tmp_path: Path) -> None:  # 10
    matrix = _by_mode(_matrix())
    matrix["minutes"]["walk"][1][2] = 3_000_000_000
    _refused(
        tmp_path,
        matrix,
        "minutes.walk[1][2]",
        "3000000000 (from 'office:T2' to 'C1') is too large",
    )


@pytest.mark.parametrize(
    ("cell", "where", "message"),
    [
        ("NaN", "minutes.bike[2][3]", "NaN is not a number JSON allows"),
        ("Infinity", "minutes.bike[2][3]", "Infinity is not a number JSON allows"),
        ("-Infinity", "minutes.bike[2][3]", "-Infinity is not a number JSON allows"),
        ("1e400", "minutes.bike[2][3]", "number is too large"),
        ("-7", "minutes.bike[2][3]", "-7 minutes (from 'C1' to 'C2') is negative"),
        ('"12"', "minutes.bike[2][3]", "expected minutes (a number) (from 'C1' to 'C2'), got text"),
        ("true", "minutes.bike[2][3]", "got true/false"),
        ("null", "minutes.bike[2][3]", "got null"),
        ("[1]", "minutes.bike[2][3]", "got a list"),
    ],
    ids=["nan", "infinity", "minus-infinity", "1e400", "negative", "text", "bool", "null", "list"],
)
def test_a_bad_figure_is_one_line_naming_mode_and_trip(
    tmp_path: Path, cell: str, where: str, message: str
) -> None:
    matrix = _by_mode(_matrix())
    matrix["minutes"]["bike"][2][3] = "CELL"
    _refused(tmp_path, json.dumps(matrix).replace('"CELL"', cell), where, message)


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (lambda m: m["minutes"]["walk"].pop(), "minutes.walk", "expected a 6x6 matrix"),
        (lambda m: m["minutes"]["walk"][4].pop(), "minutes.walk[4]", "expected a row of 6"),
        (lambda m: m["minutes"].update(bike="fast"), "minutes.bike", "got text"),
        (lambda m: m["minutes"].update(wlak=[]), "minutes.wlak", "unknown travel mode"),
        (lambda m: m.update(locations="everywhere"), "locations", "expected a list of places"),
    ],
    ids=["missing-row", "short-row", "not-a-matrix", "unknown-mode", "locations-not-a-list"],
)
def test_a_matrix_of_the_wrong_shape_is_named(
    tmp_path: Path, change: Any, where: str, message: str
) -> None:
    matrix = _by_mode(_matrix())
    change(matrix)
    _refused(tmp_path, matrix, where, message)


def test_a_matrix_full_of_mistakes_lists_twenty_and_stops(tmp_path: Path) -> None:
    matrix = _matrix()
    matrix["minutes"] = [[-1] * len(PLACES) for _ in PLACES]
    result = _validate(_write(tmp_path, matrix))
    assert result.exit_code == 2
    assert len(result.output.splitlines()) == 21 and "... and more" in result.output


def test_a_figure_over_a_day_is_unreachable_for_solver_and_evaluator(tmp_path: Path) -> None:
    matrix = _by_mode(_matrix())
    far = PLACES.index("C4")
    for layer in matrix["minutes"].values():
        for other in range(len(PLACES)):
            if other != far:
                layer[far][other] = layer[other][far] = 99_999.5  # "no road" in a routing tool
    matrix["minutes"]["car"][0][2] = 2**31 - 1  # the largest figure a matrix may hold
    path = _write(tmp_path, matrix)
    assert _validate(path).exit_code == 0
    instance = load_instance(path)
    solver, evaluator = travel_times(instance), TravelMinutes(instance)
    c4, t1, c1 = solver.client_index["C4"], solver.office_index["T1"], solver.client_index["C1"]
    for mode in ("walk", "bike", "car"):
        assert solver.between(mode, c4, t1) == evaluator.minutes(mode, c4, t1) == 1441
        assert (
            solver.between(mode, t1, c1)
            == evaluator.minutes(mode, t1, c1)
            == (UNREACHABLE_MINUTES if mode == "car" else 10)
        )
    assert int(solver.minutes.max()) == UNREACHABLE_MINUTES


def test_a_trip_from_a_place_to_itself_that_takes_time_is_named(tmp_path: Path) -> None:
    # the Hosseini set gives one patient a trip to itself; PyVRP refused such a matrix with a
    # traceback inside the continuity solver's travel start
    matrix = _by_mode(_matrix())
    matrix["minutes"]["car"][2][2] = 20
    _refused(tmp_path, matrix, "minutes.car[2][2]", "a place to itself is 0 minutes")
