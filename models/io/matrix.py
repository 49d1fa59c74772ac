"""Travel-matrix files: road-network minutes a planner gives instead of speeds (README,
"Travel matrix file"). Reading one is part of loading an instance, so a broken file is
reported at load time like any other input; the solver and the evaluator each build their
travel times from what this returns.

Every figure is checked before numpy sees it: a place name must be text, listed once; a
matrix must be square over the listed places and hold numbers from 0 to MAX_MATRIX_MINUTES
(what the solver's int32 holds), 0 from a place to itself (a router takes that as its rule,
and two visits at one home in a row have no trip between them). A figure over a day is read
as UNREACHABLE_MINUTES, as the solver and the evaluator cap every trip (a matrix may mark an
unreachable pair so).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from hemplan.models.contract.instance import TRAVEL_MODES, UNREACHABLE_MINUTES, Instance
from hemplan.models.contract.problems import InputError, InputProblem
from hemplan.models.io.read import read_json

MAX_MATRIX_MINUTES = 2**31 - 1  # the largest figure the solver's int32 minutes could hold
MAX_LISTED = 20  # a broken matrix could otherwise give a line per cell


def office_key(team_id: str) -> str:
    """The name of a team office in a travel matrix file."""
    return f"office:{team_id}"


def _kind(value: Any) -> str:
    """What a JSON value is, for a message."""
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "text" if isinstance(value, str) else "a number"


def _number(value: Any) -> str:
    """A number for a message, shortened when it has hundreds of digits."""
    text = str(value)
    return text if len(text) <= 24 else f"a number of {len(text.lstrip('-'))} digits"


def _place_positions(names: Any, src: str) -> dict[str, int]:
    if not isinstance(names, list):
        raise InputError(
            [InputProblem(src, "locations", f"expected a list of places, got {_kind(names)}")]
        )
    problems: list[InputProblem] = []
    position: dict[str, int] = {}
    for i, name in enumerate(names):
        if not isinstance(name, str):
            problems.append(
                InputProblem(
                    src, f"locations[{i}]", f"expected a place name (text), got {_kind(name)}"
                )
            )
        elif name in position:
            problems.append(
                InputProblem(
                    src,
                    f"locations[{i}]",
                    f"place '{name}' is listed twice (also at {position[name]})",
                )
            )
        else:
            position[name] = i
    if problems:
        raise InputError(problems[:MAX_LISTED])
    return position


def _layer_problems(
    layer: Any, size: int, where: str, names: list[str]
) -> Iterator[tuple[str, str]]:
    """What is wrong with one matrix: (field, message) pairs, first the shape, then the cells."""
    if not isinstance(layer, list) or len(layer) != size:
        got = f"{len(layer)} rows" if isinstance(layer, list) else _kind(layer)
        yield where, f"expected a {size}x{size} matrix (a row per place), got {got}"
        return
    for a, row in enumerate(layer):
        if not isinstance(row, list) or len(row) != size:
            got = f"{len(row)} figures" if isinstance(row, list) else _kind(row)
            yield f"{where}[{a}]", f"expected a row of {size} minutes (one per place), got {got}"
            continue
        if all(type(x) is int or type(x) is float for x in row):
            low, high = min(row, default=0), max(row, default=0)
            if 0 <= low and high <= MAX_MATRIX_MINUTES and row[a] == 0:
                continue  # the usual case, checked without a Python step per figure
        for b, x in enumerate(row):
            trip = f"{where}[{a}][{b}]", f"(from '{names[a]}' to '{names[b]}')"
            if type(x) is not int and type(x) is not float:
                yield trip[0], f"expected minutes (a number) {trip[1]}, got {_kind(x)}"
            elif x < 0:
                yield trip[0], f"{_number(x)} minutes {trip[1]} is negative"
            elif a == b and x != 0:
                yield trip[0], f"{_number(x)} minutes {trip[1]}: a place to itself is 0 minutes"
            elif x > MAX_MATRIX_MINUTES:
                yield (
                    trip[0],
                    f"{_number(x)} {trip[1]} is too large: minutes go up to "
                    f"{MAX_MATRIX_MINUTES:,} (any trip over a day counts as unreachable)",
                )


def read_matrix(instance: Instance, path: Path) -> np.ndarray:
    """Whole minutes `[mode, a, b]` between the instance's places (the team offices, then the
    clients, in instance order), rounded up and capped at UNREACHABLE_MINUTES; -1 throughout
    for a mode the file lacks.

    The file is `{"locations": [...], "minutes": [[...]] | {"walk": [[...]], ...}}`."""
    raw = read_json(path)
    src = str(path)
    if not isinstance(raw, dict) or "locations" not in raw or "minutes" not in raw:
        raise InputError([InputProblem(src, "", "a travel matrix needs 'locations' and 'minutes'")])
    names = raw["locations"]
    position = _place_positions(names, src)
    wanted = [office_key(t.id) for t in instance.teams] + [c.id for c in instance.clients]
    missing = [w for w in wanted if w not in position]
    if missing:
        raise InputError(
            [
                InputProblem(src, "locations", f"place '{m}' is missing")
                for m in missing[:MAX_LISTED]
            ]
        )
    order = np.array([position[w] for w in wanted], dtype=np.intp)
    layers_raw = raw["minutes"]
    if isinstance(layers_raw, list):
        layers_raw = {mode: layers_raw for mode in TRAVEL_MODES}
        prefix = "minutes"
    elif isinstance(layers_raw, dict):
        prefix = ""
        unknown = [m for m in layers_raw if m not in TRAVEL_MODES]
        if unknown:
            raise InputError(
                [
                    InputProblem(
                        src,
                        f"minutes.{m}",
                        f"unknown travel mode; the modes are {', '.join(TRAVEL_MODES)}",
                    )
                    for m in unknown[:MAX_LISTED]
                ]
            )
    else:
        raise InputError(
            [InputProblem(src, "minutes", "expected a matrix or an object of matrices by mode")]
        )
    size = len(names)
    layers = []
    for mode in TRAVEL_MODES:
        if mode not in layers_raw:
            layers.append(np.full((len(wanted), len(wanted)), -1, dtype=np.int32))
            continue
        where = prefix or f"minutes.{mode}"
        found = _layer_problems(layers_raw[mode], size, where, names)
        problems = [InputProblem(src, f, m) for f, m in itertools.islice(found, MAX_LISTED + 1)]
        if len(problems) > MAX_LISTED:
            problems[MAX_LISTED:] = [InputProblem(src, where, "... and more like these")]
        if problems:
            raise InputError(problems)
        full = np.array(layers_raw[mode], dtype=np.float64).reshape(size, size)
        picked = np.ceil(full[np.ix_(order, order)])
        layers.append(np.minimum(picked, UNREACHABLE_MINUTES).astype(np.int32))
    return np.stack(layers)


def check_matrix_modes(instance: Instance, source: str) -> None:
    """Every travel mode a carer uses must have a layer in the matrix file."""
    minutes = read_matrix(instance, Path(str(instance.travel.matrix_file)))
    problems = [
        InputProblem(
            source,
            f"staff[{s.id}].travel_mode",
            f"the travel matrix has no '{s.travel_mode}' minutes",
        )
        for s in instance.staff
        if (minutes[TRAVEL_MODES.index(s.travel_mode)] < 0).any()
    ]
    if problems:
        raise InputError(problems)
