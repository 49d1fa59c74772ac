"""What every converter shares: time scaling, planar coordinates, the matrix file, writing.

Public sets measure time in their own units, often real-valued, while an instance counts
whole minutes of one day (0..1440). A converter therefore picks a scale (minutes per source
unit) and rounds *conservatively*: travel and service up, window ends down, window starts
up. A schedule feasible after conversion is then feasible in the source, and its cost is
recomputed exactly from the source data (`exact_route_cost`), never from rounded minutes.

Each converter also says how its set scores a schedule (`Converted.objective`): the set's own
objective and a note on it, so that a benchmark compares with published values without
knowing one set from another.
"""

from __future__ import annotations

import itertools
import json
import math
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputError, InputProblem
from hemplan.models.contract.schedule import Schedule
from hemplan.models.io.limits import MAX_RECORDS
from hemplan.models.io.load import instance_from_data
from hemplan.models.io.matrix import office_key
from hemplan.models.io.write import write_text_atomic

DAY = 24 * 60
# the counts a set's file gives (days, carers, clients, services), at most what an instance
# may hold, refused before a list of that length is built (a mutated count of 10**12 carers
# filled the machine's memory)
MOST_DAYS = 366
MOST_CARERS = MAX_RECORDS["staff"]
MOST_CLIENTS = MAX_RECORDS["clients"]
MOST_SERVICES = 1_000


def bounded(value: int, name: str, most: int) -> int:
    """A count read from a set's file, or a ValueError (a file not of the set) when it is
    below 0 or above `most`."""
    if not 0 <= value <= most:
        shown = f"{value:,}" if abs(value) < 10**15 else f"{float(value):.3g}"
        raise ValueError(f"{name} is {shown}; an instance holds 0 to {most:,}")
    return value


OFFICE = office_key("T1")


@dataclass(frozen=True)
class SetObjective:
    """A schedule's value under its set's own objective, and what that value is."""

    value: float
    note: str
    # the value counts what a partial plan leaves out, so it is comparable with the published
    # value even when visits are unassigned (a count of accepted patients); a travel cost is not
    counts_partial: bool = False


@dataclass
class Converted:
    """An instance as JSON data, its travel matrix (source units), and what the set's
    objective needs to be recomputed exactly: node of every client, the source matrix and the
    set's scorer (`objective`)."""

    name: str
    instance: dict
    places: list[str]  # matrix rows: OFFICE first, then client ids
    source_matrix: list[list[float]]  # travel in source units between `places`
    scale: float  # minutes per source time unit
    scorer: Scorer  # the set's objective of a schedule of this instance
    notes: list[str] = field(default_factory=list)  # what the instance model cannot say

    def matrix_data(self) -> dict:
        """The matrix file: minutes scaled from the source, rounded up by the loader."""
        minutes = [[round(d * self.scale, 6) for d in row] for row in self.source_matrix]
        return {"locations": self.places, "minutes": minutes}

    def objective(self, schedule: Schedule, instance: Instance) -> SetObjective:
        """The set's own objective of `schedule`, a plan of the converted `instance`."""
        return self.scorer(self, schedule, instance)


Scorer = Callable[[Converted, Schedule, Instance], SetObjective]


Reader = Callable[[Path], Converted]


def time_scale(horizon: float) -> float:
    """Minutes per source unit: a whole number when the source day fits in a day (so integer
    source times stay exact), else the fraction that squeezes it into one day."""
    if horizon <= 0:
        return 1.0
    return float(max(1, math.floor(DAY / horizon))) if horizon <= DAY else DAY / horizon


def up(value: float, scale: float) -> int:
    """A start of a window or a duration in minutes, rounded up (never earlier, never shorter)."""
    return min(DAY, math.ceil(round(value * scale, 6)))


def down(value: float, scale: float) -> int:
    """An end of a window in minutes, rounded down (never later)."""
    return max(0, min(DAY, math.floor(round(value * scale, 6))))


def planar(x: float, y: float) -> dict[str, float]:
    """A stand-in WGS84 point for planar coordinates (maps and reports only; travel comes
    from the matrix): 1 source unit = 0.001 degree."""
    return {"lat": max(-90.0, min(90.0, y / 1000)), "lon": max(-180.0, min(180.0, x / 1000))}


def euclidean(points: Sequence[tuple[float, float]]) -> list[list[float]]:
    """Real Euclidean distances between every pair of points."""
    return [[math.dist(a, b) for b in points] for a in points]


def skeleton(name: str, days: int, office: dict[str, float], skills: list[str]) -> dict:
    """An instance with one team, the matrix file named after the instance, nothing else yet."""
    return {
        "name": name,
        "horizon": {"start_date": "2024-01-01", "days": days},
        "skills": skills,
        "teams": [{"id": "T1", "name": name, "office": office}],
        "staff": [],
        "clients": [],
        "visits": [],
        "travel": {"matrix_file": f"{name}.matrix.json"},
    }


def write_converted(
    converted: Converted,
    out: Path,
    source: str | None = None,
    accept: Callable[[Instance, str], object] = lambda instance, source: None,
) -> Instance:
    """Write the matrix file next to OUT and the instance to OUT, both atomically, once the
    instance has loaded against its matrix in a scratch folder and `accept` (`validate`'s
    further checks, such as the locks) raised no InputError. A file the converter reads may
    still make an instance that cannot be used (a node listed twice makes two clients of
    one id; an existing assignment that no longer fits, a lock no plan keeps): then nothing
    is written, and the problems name `source`, the file the user gave (without it, a
    converter bug is raised as found)."""
    folder = out.parent if str(out.parent) else Path(".")
    data = dict(converted.instance)
    matrix_name = f"{out.stem}.matrix.json"
    data["travel"] = {"matrix_file": matrix_name}
    matrix_text = json.dumps(converted.matrix_data(), separators=(",", ":")) + "\n"
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / matrix_name).write_text(matrix_text, encoding="utf-8")
        try:
            accept(instance_from_data(data, str(out), Path(scratch)), str(out))
        except InputError as refused:
            if source is None:
                raise
            raise InputError([_of_source(p, source) for p in refused.problems]) from None
    write_text_atomic(folder / matrix_name, matrix_text)
    write_text_atomic(out, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return instance_from_data(data, str(out), folder)


def _of_source(problem: InputProblem, source: str) -> InputProblem:
    """A problem of the converted instance, said of the source file it came from."""
    if problem.more:
        return InputProblem(source, "", f"and {problem.more:,} more problems like it")
    where = f"{problem.where}: " if problem.where else ""
    return InputProblem(
        source, "", f"the instance converted from it cannot be used: {where}{problem.message}"
    )


def exact_route_cost(
    schedule: Schedule, instance: Instance, converted: Converted
) -> tuple[float, dict[str, float]]:
    """Total source-unit travel of the schedule's routes (office -> stops -> office), and the
    start of every visit in source units (its minute divided by the scale)."""
    where = {name: i for i, name in enumerate(converted.places)}
    clients = {v.id: v.client for v in instance.visits}
    total = 0.0
    for route in schedule.routes:
        visits = [s for s in route.stops if s.kind == "visit" and s.visit is not None]
        if not visits:
            continue
        path = [where[OFFICE]] + [where[clients[s.visit]] for s in visits] + [where[OFFICE]]  # type: ignore[index]
        total += sum(converted.source_matrix[a][b] for a, b in itertools.pairwise(path))
    starts = {a.visit: a.start / converted.scale for a in schedule.assignments}
    return total, starts


def euclidean_distance(
    converted: Converted, schedule: Schedule, instance: Instance
) -> SetObjective:
    """The objective of the routing sets with Euclidean distances: the routes' total length."""
    distance, _ = exact_route_cost(schedule, instance, converted)
    return SetObjective(distance, "distance, exact Euclidean")


def keyword_blocks(text: str) -> dict[str, list[list[float]]]:
    """Rows of numbers under each keyword line (a line starting with a non-number); numbers
    after the keyword on its own line form its first row (`nPatients 120`)."""
    blocks: dict[str, list[list[float]]] = {}
    rows: list[list[float]] | None = None
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            rows = blocks.setdefault(parts[0], [])
            rest = parts[1:]
            if rest:
                rows.append([float(p) for p in rest])
            continue
        if rows is not None:
            rows.append(numbers)
    return blocks
