"""Travel minutes between any two places of an instance, per travel mode, as one numpy array.

Places are the team offices (where shifts start and end) followed by the clients' homes.
By default minutes = great-circle km x detour factor / speed, rounded up; planners with
road-network times give a matrix file instead (see README, "Travel matrix file"). A trip
over a day counts as UNREACHABLE_MINUTES, exactly as in the evaluator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hemplan.models.contract.instance import (
    EARTH_RADIUS_KM,
    TRAVEL_MODES,
    UNREACHABLE_MINUTES,
    Instance,
    Location,
    TravelMode,
)
from hemplan.models.io.matrix import read_matrix

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
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
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
        minutes = read_matrix(instance, Path(settings.matrix_file))
    else:
        points = [t.office for t in instance.teams] + [c.location for c in instance.clients]
        km = _distance_matrix_km(points) * settings.detour_factor
        layers = []
        for mode in TRAVEL_MODES:
            speed = settings.speed_kmh.get(mode)
            if speed:
                with np.errstate(over="ignore"):  # a far trip at a slow speed: capped below
                    layer = np.minimum(np.ceil(km / speed * 60 - 1e-9), UNREACHABLE_MINUTES)
            else:
                layer = np.full_like(km, np.nan)
            layers.append(layer)
        minutes = np.nan_to_num(np.stack(layers), nan=-1).astype(np.int32)
    return TravelTimes(minutes=minutes, office_index=office_index, client_index=client_index)
