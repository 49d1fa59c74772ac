"""The unified home-healthcare instances (Ceschia et al., `iolab-uniud/uhhc` JSON) as a
one-day instance.

Caregivers become carers with their abilities as skills, their working shift and, when they
take one, the lunch break (its window and minimum length); patients become clients with their
preferred caregivers, and each required service a visit of that skill (optional patients'
visits deferrable) whose start windows are all the patient's time windows. Distances are
minutes already (scale 1). Not representable: tardiness (windows are hard), the
synchronisation of double services (two visits, not enforced), several depots (the first
terminal is the office), and the weighted objective terms other than travel and preferences;
so the set's objective here is the travel alone (`travel_only`), not the published weighted one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Schedule
from hemplan.models.io.convert.common import (
    OFFICE,
    Converted,
    SetObjective,
    down,
    exact_route_cost,
    skeleton,
    up,
)


def _point(location: list[float]) -> dict[str, float]:
    return {"lat": location[1], "lon": location[0]}


def _start_windows(time_windows: list[dict[str, float]], shift_back: float) -> list[list[int]]:
    """Every time window of a patient as a start window (`shift_back` minutes earlier when the
    set's windows bound the service's end), rounded inwards, sorted, and those that then meet
    or overlap joined into one."""
    windows: list[list[int]] = []
    for window in sorted(time_windows, key=lambda w: (w["start"], w["end"])):
        earliest = up(max(0, window["start"] - shift_back), 1.0)
        latest = max(earliest, down(window["end"] - shift_back, 1.0))
        if windows and earliest <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], latest)
        else:
            windows.append([earliest, latest])
    return windows


def travel_only(converted: Converted, schedule: Schedule, instance: Instance) -> SetObjective:
    """The travel term of the UHHC objective (minutes: the distances are minutes already)."""
    distance, _ = exact_route_cost(schedule, instance, converted)
    return SetObjective(distance, "travel only (the reference is the weighted UHHC objective)")


def convert(path: Path) -> Converted:
    """One team; carers and clients keep the source ids, visits are `<patient>-<service>`."""
    raw = json.loads(path.read_text())
    at_end = raw.get("metadata", {}).get("time_window_met") == "at_service_end"
    terminal = raw["terminal_points"][0]
    name = path.stem.split("-r")[0] if path.stem.startswith("instance_") else path.stem
    data = skeleton(name, 1, _point(terminal["location"]), sorted(s["id"] for s in raw["services"]))
    lunch = raw.get("lunch_breaks")
    for carer in raw["caregivers"]:
        hours = carer.get("working_shift", {})
        shift: dict[str, Any] = {
            "day": 0,
            "start": up(hours.get("start", 0), 1.0),
            "end": down(hours.get("end", raw["metadata"].get("horizon", 1440)), 1.0),
        }
        if carer.get("lunch_break") and lunch:
            latest = min(lunch["end"], shift["end"]) - lunch["min_duration"]
            earliest = max(lunch["start"], shift["start"])
            if latest >= earliest:
                shift["break"] = {
                    "minutes": lunch["min_duration"],
                    "earliest": earliest,
                    "latest": latest,
                }
        data["staff"].append(
            {
                "id": carer["id"],
                "team": "T1",
                "travel_mode": "car",
                "skills": carer["abilities"],
                "shifts": [shift],
            }
        )
    places, index = [OFFICE], [terminal["distance_matrix_index"]]
    for patient in raw["patients"]:
        data["clients"].append(
            {
                "id": patient["id"],
                "team": "T1",
                "location": _point(patient["location"]),
                "preferred_carers": patient.get("preferred_caregivers", []),
            }
        )
        places.append(patient["id"])
        index.append(patient["distance_matrix_index"])
        for need in patient["required_services"]:
            shift_back = need["duration"] if at_end else 0
            windows = _start_windows(patient["time_windows"], shift_back)
            data["visits"].append(
                {
                    "id": f"{patient['id']}-{need['service']}",
                    "client": patient["id"],
                    "day": 0,
                    "skills": [need["service"]],
                    "duration": max(1, up(need["duration"], 1.0)),
                    **(
                        {"window": {"earliest": windows[0][0], "latest": windows[0][1]}}
                        if len(windows) == 1
                        else {"windows": windows}
                    ),
                    "priority": "deferrable" if patient.get("optional") else "mandatory",
                }
            )
    matrix = [[float(raw["distances"][a][b]) for b in index] for a in index]
    return Converted(
        name,
        data,
        places,
        matrix,
        1.0,
        travel_only,
        [
            "tardiness not allowed (hard windows)",
            "double-service synchronisation not enforced",
            "first terminal point is the only office",
        ],
    )
