"""Travel-matrix files: road-network minutes a planner gives instead of speeds (README,
"Travel matrix file"). Reading one is part of loading an instance, so a broken file is
reported at load time like any other input; the solver and the evaluator each build their
travel times from what this returns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hemplan.models.contract.instance import TRAVEL_MODES, Instance
from hemplan.models.contract.problems import InputError, InputProblem
from hemplan.models.io.read import read_json


def office_key(team_id: str) -> str:
    """The name of a team office in a travel matrix file."""
    return f"office:{team_id}"


def read_matrix(instance: Instance, path: Path) -> np.ndarray:
    """Whole minutes `[mode, a, b]` between the instance's places (the team offices, then the
    clients, in instance order), rounded up; -1 throughout for a mode the file lacks.

    The file is `{"locations": [...], "minutes": [[...]] | {"walk": [[...]], ...}}`."""
    raw = read_json(path)
    src = str(path)
    if not isinstance(raw, dict) or "locations" not in raw or "minutes" not in raw:
        raise InputError([InputProblem(src, "", "a travel matrix needs 'locations' and 'minutes'")])
    names = raw["locations"]
    position = {name: i for i, name in enumerate(names)} if isinstance(names, list) else {}
    wanted = [office_key(t.id) for t in instance.teams] + [c.id for c in instance.clients]
    missing = [w for w in wanted if w not in position]
    if missing:
        raise InputError(
            [InputProblem(src, "locations", f"place '{m}' is missing") for m in missing[:20]]
        )
    order = np.array([position[w] for w in wanted])
    layers_raw = raw["minutes"]
    if isinstance(layers_raw, list):
        layers_raw = {mode: layers_raw for mode in TRAVEL_MODES}
    if not isinstance(layers_raw, dict):
        raise InputError(
            [InputProblem(src, "minutes", "expected a matrix or an object of matrices by mode")]
        )
    layers = []
    for mode in TRAVEL_MODES:
        if mode not in layers_raw:
            layers.append(np.full((len(wanted), len(wanted)), -1, dtype=np.int32))
            continue
        try:
            full = np.array(layers_raw[mode], dtype=float)
        except (TypeError, ValueError):
            raise InputError(
                [InputProblem(src, f"minutes.{mode}", "not a numeric matrix")]
            ) from None
        if full.shape != (len(names), len(names)) or np.isnan(full).any() or (full < 0).any():
            raise InputError(
                [
                    InputProblem(
                        src,
                        f"minutes.{mode}",
                        f"expected a {len(names)}x{len(names)} matrix of minutes >= 0",
                    )
                ]
            )
        layers.append(np.ceil(full[np.ix_(order, order)]).astype(np.int32))
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
