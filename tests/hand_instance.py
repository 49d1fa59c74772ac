"""A hand-made instance whose travel minutes are round numbers, for constraint-by-constraint tests.

Places: offices of T1 and T2, clients C1-C3 (team T1) and C4 (team T2). Every mode takes
10 minutes between an office and a client, 15 between two clients of T1, 20 otherwise.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hemplan.models.contract.instance import Instance
from hemplan.models.io.load import load_instance

PLACES = ["office:T1", "office:T2", "C1", "C2", "C3", "C4"]


def _minutes(a: str, b: str) -> int:
    if a == b:
        return 0
    if a.startswith("office") != b.startswith("office"):
        return 10
    if {a, b} <= {"C1", "C2", "C3"}:
        return 15
    return 20


MATRIX = {"locations": PLACES, "minutes": [[_minutes(a, b) for b in PLACES] for a in PLACES]}

DAY_SHIFT = {"day": 0, "start": "07:00", "end": "16:00"}

BASE: dict[str, Any] = {
    "name": "hand",
    "horizon": {"start_date": "2026-01-05", "days": 2},
    "skills": ["medication"],
    "teams": [
        {"id": "T1", "office": {"lat": 62.39, "lon": 17.30}},
        {"id": "T2", "office": {"lat": 62.40, "lon": 17.32}},
    ],
    "staff": [
        {
            "id": "S1",
            "team": "T1",
            "skills": ["medication"],
            "travel_mode": "walk",
            "shifts": [
                {**DAY_SHIFT, "break": {"minutes": 30, "earliest": "11:00", "latest": "13:00"}},
                {"day": 1, "start": "07:00", "end": "16:00"},
            ],
        },
        {"id": "S2", "team": "T1", "travel_mode": "bike", "shifts": [DAY_SHIFT]},
        {"id": "S3", "team": "T1", "travel_mode": "car", "shifts": [DAY_SHIFT]},
        {"id": "S4", "team": "T2", "shifts": [DAY_SHIFT]},
    ],
    "clients": [
        {"id": "C1", "team": "T1", "location": {"lat": 62.391, "lon": 17.301}},
        {
            "id": "C2",
            "team": "T1",
            "location": {"lat": 62.392, "lon": 17.302},
            "excluded_carers": ["S3"],
        },
        {"id": "C3", "team": "T1", "location": {"lat": 62.393, "lon": 17.303}},
        {"id": "C4", "team": "T2", "location": {"lat": 62.401, "lon": 17.321}},
    ],
    "visits": [
        {
            "id": "V1",
            "client": "C1",
            "day": 0,
            "window": {"earliest": "08:00", "latest": "09:00"},
            "duration": 30,
            "skills": ["medication"],
        },
        {
            "id": "V2",
            "client": "C2",
            "day": 0,
            "window": {"earliest": "08:30", "latest": "10:00"},
            "duration": 30,
        },
        {
            "id": "V3",
            "client": "C3",
            "day": 0,
            "window": {"earliest": "08:00", "latest": "10:00"},
            "duration": 60,
            "staff_needed": 2,
        },
        {
            "id": "V4",
            "client": "C4",
            "day": 0,
            "window": {"earliest": "10:00", "latest": "11:00"},
            "duration": 30,
        },
        {
            "id": "V5",
            "client": "C2",
            "day": 1,
            "window": {"earliest": "08:00", "latest": "09:00"},
            "duration": 30,
        },
    ],
    "travel": {"matrix_file": "matrix.json"},
}


def write_hand_instance(folder: Path, changes: dict[str, Any] | None = None) -> Instance:
    """Write the hand instance (with `changes` applied by record id) to `folder` and load it.

    `changes` maps "visits.V2" / "staff.S1" / ... to a dict of fields to overwrite.
    """
    data = copy.deepcopy(BASE)
    for key, fields in (changes or {}).items():
        collection, ident = key.split(".")
        record = next(r for r in data[collection] if r["id"] == ident)
        record.update(fields)
    (folder / "matrix.json").write_text(json.dumps(MATRIX))
    (folder / "hand.json").write_text(json.dumps(data))
    return load_instance(folder / "hand.json")
