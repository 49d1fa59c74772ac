"""Travel minutes between any two places of an instance, per travel mode, as one numpy array.

Places are the team offices (where shifts start and end) followed by the clients' homes.
By default minutes = great-circle km x detour factor / speed, rounded up; planners with
road-network times give a matrix file instead (see README, "Travel matrix file").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hemplan.models.contract.instance import TRAVEL_MODES, Instance, Location, TravelMode
from hemplan.models.contract.problems import InputError, Problem

EARTH_RADIUS_KM = 6371.0088


def office_key(team_id: str) -> str:
    """The name of a team office in a travel matrix file."""
    return f"office:{team_id}"


_MODE_INDEX: dict[str, int] = {mode: i for i, mode in enumerate(TRAVEL_MODES)}


@dataclass(frozen=True)
class TravelTimes:
    """`minutes[mode, a, b]`: whole minutes from place a to place b for a travel mode."""

    minutes: np.ndarray
    office_index: dict[str, int]
    client_index: dict[str, int]

    def mode_index(self, mode: TravelMode) -> int:
        return _MODE_INDEX[mode]

    def between(self, mode: TravelMode, a: int, b: int) -> int:
        # `item` returns a Python int without building a numpy scalar: the baselines and the
        # eligibility call this millions of times on a city
        return self.minutes.item(_MODE_INDEX[mode], a, b)


def great_circle_km(a: Location, b: Location) -> float:
    """Haversine distance in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _distance_matrix_km(points: list[Location]) -> np.ndarray:
    lat = np.radians(np.array([p.lat for p in points]))
    lon = np.radians(np.array([p.lon for p in points]))
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def travel_times(instance: Instance) -> TravelTimes:
    """Compute the travel array for an instance (once; pass it on rather than recompute)."""
    office_index = {t.id: i for i, t in enumerate(instance.teams)}
    offset = len(instance.teams)
    client_index = {c.id: offset + i for i, c in enumerate(instance.clients)}
    settings = instance.travel
    if settings.matrix_file is not None:
        minutes = _matrix_from_file(instance, Path(settings.matrix_file))
    else:
        points = [t.office for t in instance.teams] + [c.location for c in instance.clients]
        km = _distance_matrix_km(points) * settings.detour_factor
        layers = []
        for mode in TRAVEL_MODES:
            speed = settings.speed_kmh.get(mode)
            layer = np.ceil(km / speed * 60 - 1e-9) if speed else np.full_like(km, np.nan)
            layers.append(layer)
        minutes = np.nan_to_num(np.stack(layers), nan=-1).astype(np.int32)
    return TravelTimes(minutes=minutes, office_index=office_index, client_index=client_index)


def _matrix_from_file(instance: Instance, path: Path) -> np.ndarray:
    """Read `{"locations": [...], "minutes": [[...]] | {"walk": [[...]], ...}}`."""
    from hemplan.models.io.files import read_json  # local: io imports the models that import this module

    raw = read_json(path)
    src = str(path)
    if not isinstance(raw, dict) or "locations" not in raw or "minutes" not in raw:
        raise InputError([Problem(src, "", "a travel matrix needs 'locations' and 'minutes'")])
    names = raw["locations"]
    position = {name: i for i, name in enumerate(names)} if isinstance(names, list) else {}
    wanted = [office_key(t.id) for t in instance.teams] + [c.id for c in instance.clients]
    missing = [w for w in wanted if w not in position]
    if missing:
        raise InputError([Problem(src, "locations", f"place '{m}' is missing") for m in missing[:20]])
    order = np.array([position[w] for w in wanted])
    layers_raw = raw["minutes"]
    if isinstance(layers_raw, list):
        layers_raw = {mode: layers_raw for mode in TRAVEL_MODES}
    if not isinstance(layers_raw, dict):
        raise InputError([Problem(src, "minutes", "expected a matrix or an object of matrices by mode")])
    layers = []
    for mode in TRAVEL_MODES:
        if mode not in layers_raw:
            layers.append(np.full((len(wanted), len(wanted)), -1, dtype=np.int32))
            continue
        try:
            full = np.array(layers_raw[mode], dtype=float)
        except (TypeError, ValueError):
            raise InputError([Problem(src, f"minutes.{mode}", "not a numeric matrix")]) from None
        if full.shape != (len(names), len(names)) or np.isnan(full).any() or (full < 0).any():
            raise InputError(
                [Problem(src, f"minutes.{mode}", f"expected a {len(names)}x{len(names)} matrix of minutes >= 0")]
            )
        layers.append(np.ceil(full[np.ix_(order, order)]).astype(np.int32))
    return np.stack(layers)
