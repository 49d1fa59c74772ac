"""Consistent VRP instances (Groër, Golden & Wasil 2009; Kovacs et al.) as a multi-day instance.

Each day is a day of the horizon; each customer a client with a visit on every day it has a
demand (duration = its service time, at least one minute); drivers become carers with one
shift a day over the route-length limit (or, without one, over the longest day of
out-and-back trips). The fleet is the smallest one the daily demand needs under the
capacity. Not representable: capacity (dropped, a relaxation), the arrival-time consistency
limit L (the evaluator reports the arrival spread instead). Driver consistency is the
continuity objective itself: one carer per client is the goal, not a hard rule. The set's
objective here is the total distance over the horizon (`euclidean_distance`).
"""

from __future__ import annotations

import math
from pathlib import Path

from hemplan.models.io.convert.common import (
    MOST_CARERS,
    MOST_DAYS,
    OFFICE,
    Converted,
    bounded,
    euclidean,
    euclidean_distance,
    planar,
    skeleton,
    time_scale,
    up,
)

UNLIMITED = 999999


def _sections(path: Path) -> tuple[dict[str, float], dict[str, list[list[float]]]]:
    """Header values (`KEY: value`) and the numeric rows of each `*_SECTION`."""
    header: dict[str, float] = {}
    sections: dict[str, list[list[float]]] = {}
    rows: list[list[float]] | None = None
    for line in path.read_text().splitlines():
        parts = line.replace(":", " : ").split()
        if not parts or parts[0] == "EOF":
            continue
        if len(parts) >= 3 and parts[1] == ":":
            try:
                header[parts[0]] = float(parts[2])
            except ValueError:
                pass
            continue
        if parts[0].endswith("_SECTION"):
            rows = sections.setdefault(parts[0], [])
            continue
        if rows is not None:
            rows.append([float(p) for p in parts])
    return header, sections


def convert(path: Path) -> Converted:
    """One team; customers `N<id>`, visits `V<id>-d<day>`, carers `K<k>` working every day."""
    header, sections = _sections(path)
    days = bounded(int(header["NUM_DAYS"]), "NUM_DAYS", MOST_DAYS)
    depot = (sections["DEPOT_SECTION"][0][0], sections["DEPOT_SECTION"][0][1])
    customers = [(int(r[0]), (r[1], r[2])) for r in sections["NODE_COORD_SECTION"]]
    demand = {int(r[0]): r[1:] for r in sections["DEMAND_SECTION"]}
    service = {int(r[0]): r[1:] for r in sections.get("SVC_TIME_SECTION", [])}
    points = [depot] + [xy for _, xy in customers]
    matrix = euclidean(points)
    limit = header.get("DISTANCE", UNLIMITED)
    if limit >= UNLIMITED:
        limit = max(
            sum(
                2 * matrix[0][i + 1] + service.get(c, [0] * days)[d]
                for i, (c, _) in enumerate(customers)
                if demand[c][d] >= 0
            )
            for d in range(days)
        )
    scale = time_scale(limit)
    name = path.stem
    data = skeleton(name, days, planar(*depot), [])
    fleet = max(
        math.ceil(sum(max(0.0, demand[c][d]) for c, _ in customers) / header["CAPACITY"])
        for d in range(days)
    )
    bounded(fleet, "the fleet the demand and CAPACITY ask for", MOST_CARERS)
    shifts = [{"day": d, "start": 0, "end": min(1440, int(limit * scale))} for d in range(days)]
    data["staff"] = [
        {"id": f"K{k + 1}", "team": "T1", "travel_mode": "car", "shifts": shifts}
        for k in range(fleet)
    ]
    for c, xy in customers:
        data["clients"].append({"id": f"N{c}", "team": "T1", "location": planar(*xy)})
        for d in range(days):
            if demand[c][d] >= 0:
                data["visits"].append(
                    {
                        "id": f"V{c}-d{d}",
                        "client": f"N{c}",
                        "day": d,
                        "window": {"earliest": 0, "latest": shifts[0]["end"]},
                        "duration": max(1, up(service.get(c, [0] * days)[d], scale)),
                    }
                )
    return Converted(
        name,
        data,
        [OFFICE] + [f"N{c}" for c, _ in customers],
        matrix,
        scale,
        euclidean_distance,
        [
            "capacity dropped (relaxation); fleet = fewest vehicles the daily demand needs",
            "arrival-time consistency limit not enforced",
            "zero service times become 1 minute",
        ],
    )
