"""Mankowska, Meisel & Bierwirth (2014) home health care instances as a one-day instance.

Staff become carers with the skills (service types) they hold and one shift over the
depot's opening hours. A patient's single service becomes a visit with that skill; a double
service (two services of different types, by two staff, simultaneous or the second within
[min, max] after the first) becomes one visit with `staff_needed` 2, one role per service
(its skill, the lower service type first) and, unless simultaneous, the `gap` [min, max].
Every visit keeps its start window [e, l] and processing time. Tardiness (a start after l,
allowed in the source at a cost) is a soft window: `lateness` reaches to the shift's end, so
the limit cannot bind (no start that late can still finish within the shift), and every
carer's late minute is tardiness, as each service's is in the source.

The time scale fits the depot copy's window end (1000 units in A-D: 1 minute per unit; 600
in E and F: 2 minutes per unit). The shift runs to 1000 units, the end depot's window in A-D
(the set's description gives it as [0, 1000]), or to the end of the day the format allows
where that comes first (720 units in E and F): E and F's files give the end depot 600, which
their published plans do not keep (in E1 the one carer with service 1 cannot end its 16
services by 600, a fact CP-SAT proves on the exact travel times, yet the best known plans
serve them all).
The set's objective is (travel + total tardiness + largest tardiness) / 3: travel exactly
from the source matrix, tardiness from the evaluator's metrics over the time scale (exact, as
the set's times are whole numbers and the scale is whole). The set's travel times are not whole
numbers, and an instance plans in whole minutes (every leg rounded up), so a plan's starts can
fall later than the same routes would start in the source; `routes_timed_in_source` values the
routes as the source would time them (each carer's visits in the plan's order, every start as
early as exact travel, its window and its partner allow).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hemplan.models.contract.instance import Instance, Visit
from hemplan.models.contract.schedule import Assignment, Schedule, stop_order
from hemplan.models.evaluator import evaluate
from hemplan.models.io.convert.common import (
    DAY,
    MOST_CARERS,
    MOST_CLIENTS,
    MOST_SERVICES,
    OFFICE,
    Converted,
    SetObjective,
    bounded,
    down,
    exact_route_cost,
    keyword_blocks,
    planar,
    skeleton,
    time_scale,
    up,
)

ROUTES_END = 1000  # source units: where routes may end at the latest (A-D's end depot window)


@dataclass(frozen=True)
class DoubleService:
    """A patient whose two services the source synchronises: its node and the gap rule
    (simultaneous when low = high = 0, else low <= second start - first start <= high)."""

    node: int
    low: float
    high: float


def _flat(block: list[list[float]]) -> list[float]:
    return [v for row in block for v in row]


def read_mankowska(path: Path) -> dict[str, list[list[float]]]:
    """The keyword blocks of one instance file."""
    return keyword_blocks(path.read_text())


def convert(path: Path) -> Converted:
    """One team of `nbVehi` carers; one visit per single service (`V<node>-s<service>`) and
    one two-role visit per double service (`V<node>-s<first>-s<second>`)."""
    b = read_mankowska(path)
    nodes, staff, services = (
        bounded(int(b["nbNodes"][0][0]), "nbNodes", MOST_CLIENTS),
        bounded(int(b["nbVehi"][0][0]), "nbVehi", MOST_CARERS),
        bounded(int(b["nbServi"][0][0]), "nbServi", MOST_SERVICES),
    )
    xs, ys, early, late = _flat(b["x"]), _flat(b["y"]), _flat(b["e"]), _flat(b["l"])
    name = path.name.split("__")[0]
    scale = time_scale(late[-1])  # as fine as the depot copy's window end allows
    data = skeleton(name, 1, planar(xs[0], ys[0]), [f"s{s + 1}" for s in range(services)])
    end = min(DAY, down(max(late[-1], ROUTES_END), scale))  # not cut at E and F's 600
    shift = {"day": 0, "start": up(early[0], scale), "end": end}
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
    doubles = {d.node: d for d in _double_services(b)}
    for i in range(1, nodes - 1):
        data["clients"].append({"id": f"N{i}", "team": "T1", "location": planar(xs[i], ys[i])})
        earliest, latest = up(early[i], scale), max(up(early[i], scale), down(late[i], scale))
        common = {
            "client": f"N{i}",
            "day": 0,
            "window": {"earliest": earliest, "latest": latest},
            "lateness": {"max": max(1, shift["end"] - latest)},  # any lateness within the shift
        }
        needed = [s for s in range(services) if b["r"][i][s] >= 1]
        minutes = [max(1, up(b["p"][i * staff][s], scale)) for s in needed]
        if i in doubles and len(needed) == 2:
            data["visits"].append(_double_visit(i, needed, max(minutes), doubles[i], scale, common))
        else:
            for s, duration in zip(needed, minutes):
                data["visits"].append(
                    {
                        "id": f"V{i}-s{s + 1}",
                        **common,
                        "skills": [f"s{s + 1}"],
                        "duration": duration,
                    }
                )
    matrix = [row[: nodes - 1] for row in b["d"][: nodes - 1]]  # node N-1 is the depot again
    return Converted(
        name,
        data,
        [OFFICE] + [f"N{i}" for i in range(1, nodes - 1)],
        matrix,
        scale,
        travel_and_tardiness,
    )


def _double_visit(
    node: int,
    services: list[int],
    duration: int,
    double: DoubleService,
    scale: float,
    common: dict[str, Any],
) -> dict[str, Any]:
    """The two services of a double-service patient as one visit of two roles. The source
    gives both services the same processing time in every file; were they different, the
    longer is the visit's (a carer is held no shorter than the source asks)."""
    first, second = services
    visit: dict[str, Any] = {
        "id": f"V{node}-s{first + 1}-s{second + 1}",
        **common,
        "duration": duration,
        "staff_needed": 2,
        "roles": [{"skills": [f"s{first + 1}"]}, {"skills": [f"s{second + 1}"]}],
    }
    if double.high > 0:  # the gap's ends rounded inwards, so a kept gap is kept in the source
        low, high = up(double.low, scale), down(double.high, scale)
        visit["gap"] = {"min": low, "max": max(low, high)}
    return visit


def _double_services(b: dict[str, list[list[float]]]) -> list[DoubleService]:
    """The double-service patients (`DS`, 1-based) with their gap rule."""
    low, high = _flat(b["mind"]), _flat(b["maxd"])
    return [
        DoubleService(node, low[node], high[node])
        for node in (int(v) - 1 for v in _flat(b.get("DS", [])))
    ]


def travel_and_tardiness(
    converted: Converted, schedule: Schedule, instance: Instance
) -> SetObjective:
    """The set's objective, (travel + total tardiness + largest tardiness) / 3 in source
    units: travel exact from the source matrix, tardiness (every carer's own start against
    its window, as every service's in the source) from the evaluator's metrics."""
    distance, _ = exact_route_cost(schedule, instance, converted)
    metrics = evaluate(instance, schedule).metrics
    total = (metrics.tardiness_minutes or 0) / converted.scale
    worst = (metrics.max_tardiness or 0) / converted.scale
    return SetObjective(
        (distance + total + worst) / 3,
        f"(travel + tardiness + max tardiness) / 3; travel {distance:.3f}, "
        f"tardiness {total:g}, max {worst:g}",
    )


def routes_timed_in_source(
    converted: Converted, schedule: Schedule, instance: Instance
) -> SetObjective:
    """The set's objective of the schedule's routes timed in source units: each carer keeps
    the plan's order of visits; a start is the earliest that the exact travel from the stop
    before, the window's start and the partner of a double service allow (together, or the
    plan's first role at most the gap's max before the second and at least its min), found by
    pushing starts until none moves. Tardiness and the largest one follow from those starts."""
    where = {name: i for i, name in enumerate(converted.places)}
    scale, matrix = converted.scale, converted.source_matrix
    placed = {a.visit: a for a in schedule.assignments}
    order = {
        route.carer: [
            s.visit
            for s in sorted(route.stops, key=stop_order)
            if s.kind == "visit" and s.visit is not None
        ]
        for route in schedule.routes
    }
    start: dict[tuple[str, str], float] = {}
    passes = sum(len(visits) for visits in order.values()) + 1  # longest paths: at most this
    moved = True
    while moved:  # starts only grow, each bounded by the plan's own (scaled) start
        if passes == 0:
            raise ValueError("the routes cannot be timed: their starts keep growing")
        passes -= 1
        moved = False
        for carer, visits in order.items():
            shift = instance.staff_by_id[carer].shift_by_day[0]
            place, ready = where[OFFICE], shift.start / scale
            for visit_id in visits:
                visit = instance.visit_by_id[visit_id]
                home = where[visit.client]
                earliest = max(visit.allowed_starts[0][0] / scale, ready + matrix[place][home])
                partner = _partner_allows(placed[visit_id], visit, carer, start, scale)
                earliest = max(earliest, partner)
                if start.get((visit_id, carer), -1.0) < earliest:
                    start[visit_id, carer] = earliest
                    moved = True
                place, ready = home, start[visit_id, carer] + visit.duration / scale
    distance, _ = exact_route_cost(schedule, instance, converted)
    late = [
        max(0.0, begun - instance.visit_by_id[v].window.latest / scale)
        for (v, _), begun in start.items()
    ]
    total, worst = sum(late), max(late, default=0.0)
    return SetObjective(
        (distance + total + worst) / 3,
        f"routes timed in source units; travel {distance:.3f}, tardiness {total:.3f}, "
        f"max {worst:.3f}",
    )


def _partner_allows(
    placed: Assignment,
    visit: Visit,
    carer: str,
    start: dict[tuple[str, str], float],
    scale: float,
) -> float:
    """The earliest start the other carer of a double service allows `carer` (0: no other,
    or not timed yet): the same start, or with a gap the plan's order of the two kept."""
    others = [c for c in placed.carers if c != carer]
    if not others or (visit.id, others[0]) not in start:
        return 0.0
    theirs = start[visit.id, others[0]]
    if not visit.staggered:
        return theirs
    low, high = visit.start_gap
    order = sorted(placed.carers, key=lambda c: (placed.start_of(c), placed.carers.index(c)))
    if order[0] == carer:  # `carer` has the first role
        return theirs - high / scale
    return theirs + low / scale
