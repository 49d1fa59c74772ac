"""Mankowska, Meisel & Bierwirth (2014) home health care instances as a one-day instance.

Staff become carers with the skills (service types) they hold and one shift over the
depot's opening hours; each required service of a patient becomes a visit with that skill,
its start window [e, l] and its processing time. Not representable: tardiness (a start after
l is allowed in the source at a cost; here the window is hard, so only tardiness-free plans
are found), and the synchronisation of double services (simultaneous or within a
[min, max] gap, by two carers of different skills): the two services are two visits of the
same client whose starts are checked afterwards by `sync_kept`. The set's objective (travel,
tardiness and the largest tardiness, a third each) is then the travel over three.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Schedule
from hemplan.models.io.convert.common import (
    OFFICE,
    Converted,
    SetObjective,
    down,
    exact_route_cost,
    keyword_blocks,
    planar,
    skeleton,
    time_scale,
    up,
)


@dataclass(frozen=True)
class DoubleService:
    """A patient whose two services the source synchronises: their visits and the gap rule
    (simultaneous when low = high = 0, else low <= second start - first start <= high)."""

    visits: tuple[str, ...]
    low: float
    high: float


def _flat(block: list[list[float]]) -> list[float]:
    return [v for row in block for v in row]


def read_mankowska(path: Path) -> dict[str, list[list[float]]]:
    """The keyword blocks of one instance file."""
    return keyword_blocks(path.read_text())


def convert(path: Path) -> Converted:
    """One team of `nbVehi` carers, one visit per required service (ids `V<node>-s<service>`)."""
    b = read_mankowska(path)
    nodes, staff, services = (
        int(b["nbNodes"][0][0]),
        int(b["nbVehi"][0][0]),
        int(b["nbServi"][0][0]),
    )
    xs, ys, early, late = _flat(b["x"]), _flat(b["y"]), _flat(b["e"]), _flat(b["l"])
    name = path.name.split("__")[0]
    scale = time_scale(late[0])
    data = skeleton(name, 1, planar(xs[0], ys[0]), [f"s{s + 1}" for s in range(services)])
    shift = {"day": 0, "start": up(early[0], scale), "end": down(late[-1], scale)}
    for k, row in enumerate(b["a"]):
        data["staff"].append(
            {
                "id": f"K{k + 1}",
                "team": "T1",
                "travel_mode": "car",
                "shifts": [shift],
                "skills": [f"s{s + 1}" for s in range(services) if row[s] >= 1],
            }
        )
    for i in range(1, nodes - 1):
        data["clients"].append({"id": f"N{i}", "team": "T1", "location": planar(xs[i], ys[i])})
        earliest, latest = up(early[i], scale), down(late[i], scale)
        for s in range(services):
            if b["r"][i][s] >= 1:
                data["visits"].append(
                    {
                        "id": f"V{i}-s{s + 1}",
                        "client": f"N{i}",
                        "day": 0,
                        "skills": [f"s{s + 1}"],
                        "window": {"earliest": earliest, "latest": max(earliest, latest)},
                        "duration": max(1, up(b["p"][i * staff][s], scale)),
                    }
                )
    matrix = [row[: nodes - 1] for row in b["d"][: nodes - 1]]  # node N-1 is the depot again
    scorer = partial(travel_and_sync, tuple(_double_services(b)))
    return Converted(
        name,
        data,
        [OFFICE] + [f"N{i}" for i in range(1, nodes - 1)],
        matrix,
        scale,
        scorer,
        ["tardiness not allowed (hard windows)", "double-service synchronisation not enforced"],
    )


def _double_services(b: dict[str, list[list[float]]]) -> list[DoubleService]:
    """The double-service patients (`DS`, 1-based) with their two visits and gap rule."""
    services = int(b["nbServi"][0][0])
    low, high = _flat(b["mind"]), _flat(b["maxd"])
    return [
        DoubleService(
            tuple(f"V{node}-s{s + 1}" for s in range(services) if b["r"][node][s] >= 1),
            low[node],
            high[node],
        )
        for node in (int(v) - 1 for v in _flat(b.get("DS", [])))
    ]


def sync_kept(doubles: tuple[DoubleService, ...], starts: dict[str, float]) -> tuple[int, int]:
    """Double-service patients whose two starts (source units) keep the source's gap rule,
    and how many there are."""
    kept = 0
    for double in doubles:
        pair = double.visits
        if len(pair) == 2 and all(p in starts for p in pair):
            gap = starts[pair[1]] - starts[pair[0]]
            kept += (
                (abs(gap) < 1e-6)
                if double.high == 0
                else (double.low - 1e-6 <= gap <= double.high + 1e-6)
            )
    return kept, len(doubles)


def travel_and_sync(
    doubles: tuple[DoubleService, ...], converted: Converted, schedule: Schedule, instance: Instance
) -> SetObjective:
    """The set's objective, (travel + tardiness + largest tardiness) / 3, with no tardiness here
    (windows are hard), and how many double services keep their synchronisation."""
    distance, starts = exact_route_cost(schedule, instance, converted)
    kept, total = sync_kept(doubles, starts)
    return SetObjective(
        distance / 3, f"travel+tardiness (1/3 each); double services synchronised {kept}/{total}"
    )
