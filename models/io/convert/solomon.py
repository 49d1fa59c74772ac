"""Solomon's VRPTW instances (LKH-3 CVRPTW format) as a one-day, one-team instance.

Vehicles become carers with one shift from the depot's opening to its closing, customers
clients with one visit (start window, service time as duration). Not representable: vehicle
capacity and demands (the instance model has none), so a converted instance is a relaxation;
`benchmarks/solomon.py` routes the source directly, with capacity, for the published numbers.
The set's objective here is the total distance (`euclidean_distance`).
"""

from __future__ import annotations

from pathlib import Path

from hemplan.models.io.convert.common import (
    MOST_CARERS,
    OFFICE,
    Converted,
    bounded,
    down,
    euclidean,
    euclidean_distance,
    planar,
    skeleton,
    time_scale,
    up,
)

Header = dict[str, int]


def read_solomon(
    path: Path,
) -> tuple[Header, list[tuple[float, float]], list[int], list[tuple[int, int]]]:
    """Header values, coordinates, demands and windows (node 0 is the depot)."""
    header: Header = {}
    coords: list[tuple[float, float]] = []
    demands: list[int] = []
    windows: list[tuple[int, int]] = []
    section = ""
    for line in path.read_text().splitlines():
        parts = line.replace(":", " : ").split()
        if not parts or parts[0] in ("EOF", "-1"):
            continue
        if len(parts) >= 3 and parts[1] == ":":
            if parts[2].lstrip("-").isdigit():
                header[parts[0]] = int(parts[2])
            continue
        if parts[0].endswith("_SECTION"):
            section = parts[0]
            continue
        if section == "NODE_COORD_SECTION":
            coords.append((float(parts[1]), float(parts[2])))
        elif section == "DEMAND_SECTION":
            demands.append(int(parts[1]))
        elif section == "TIME_WINDOW_SECTION":
            windows.append((int(parts[1]), int(parts[2])))
    return header, coords, demands, windows


def convert(path: Path) -> Converted:
    """One team, `VEHICLES` carers, one visit per customer on day 0."""
    header, coords, _demands, windows = read_solomon(path)
    name = path.name.split(".")[0]
    scale = time_scale(windows[0][1])
    data = skeleton(name, 1, planar(*coords[0]), [])
    shift = {"day": 0, "start": up(windows[0][0], scale), "end": down(windows[0][1], scale)}
    data["staff"] = [
        {"id": f"K{k + 1}", "team": "T1", "travel_mode": "car", "shifts": [shift]}
        for k in range(bounded(header["VEHICLES"], "VEHICLES", MOST_CARERS))
    ]
    service = header.get("SERVICE_TIME", 0)
    for node in range(1, len(coords)):
        data["clients"].append({"id": f"N{node}", "team": "T1", "location": planar(*coords[node])})
        earliest, latest = up(windows[node][0], scale), down(windows[node][1], scale)
        data["visits"].append(
            {
                "id": f"V{node}",
                "client": f"N{node}",
                "day": 0,
                "window": {"earliest": earliest, "latest": max(earliest, latest)},
                "duration": max(1, up(service, scale)),
            }
        )
    return Converted(
        name,
        data,
        [OFFICE] + [f"N{k}" for k in range(1, len(coords))],
        euclidean(coords),
        scale,
        euclidean_distance,
        ["capacity and demands dropped (relaxation)"],
    )
