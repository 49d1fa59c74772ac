"""The solver's travel minutes: great-circle distance, speed and detour, or a matrix file."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from hemplan.models.contract.instance import Location
from hemplan.models.io.load import instance_from_data, load_instance
from hemplan.solver.travel import great_circle_km, travel_times
from tests.hand_instance import BASE, MATRIX, write_hand_instance


def test_great_circle_distance_stockholm_to_gothenburg() -> None:
    km = great_circle_km(Location(lat=59.3293, lon=18.0686), Location(lat=57.7089, lon=11.9746))
    assert 395 < km < 400  # about 398 km as the crow flies


def test_travel_minutes_follow_speed_and_detour(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["travel"] = {"speed_kmh": {"walk": 5.0, "bike": 15.0, "car": 30.0}, "detour_factor": 1.5}
    inst = instance_from_data(data, "x")
    times = travel_times(inst)
    km = great_circle_km(inst.teams[0].office, inst.clients[0].location)
    a, b = times.office_index["T1"], times.client_index["C1"]
    assert times.between("walk", a, b) == pytest.approx(km * 1.5 / 5.0 * 60, abs=1)
    assert times.between("walk", a, b) >= times.between("bike", a, b) >= times.between("car", a, b)
    assert times.between("car", a, a) == 0


def test_matrix_file_is_read_relative_to_the_instance(tmp_path: Path) -> None:
    inst = write_hand_instance(tmp_path)
    times = travel_times(inst)
    assert times.between("bike", times.office_index["T1"], times.client_index["C3"]) == 10
    assert times.between("car", times.client_index["C1"], times.client_index["C2"]) == 15
    assert times.between("walk", times.client_index["C1"], times.client_index["C4"]) == 20


def test_matrix_missing_a_place_is_an_input_error(tmp_path: Path) -> None:
    from hemplan.models.contract.problems import InputError

    short = {
        "locations": MATRIX["locations"][:-1],
        "minutes": [row[:-1] for row in MATRIX["minutes"][:-1]],
    }
    (tmp_path / "matrix.json").write_text(json.dumps(short))
    (tmp_path / "hand.json").write_text(json.dumps(BASE))
    with pytest.raises(InputError, match="place 'C4' is missing"):
        load_instance(tmp_path / "hand.json")
