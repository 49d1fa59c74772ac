"""The evaluator's own travel minutes, computed from the instance's travel settings.

The judge must not take travel times from what it judges, so it works them out itself, one
pair of places at a time and only for the pairs a schedule or the eligibility asks about
(a schedule touches a small part of all pairs). The rule is `TravelSettings`': great-circle
km x detour factor / speed, rounded up to whole minutes, or the minutes of the planner's
matrix file when the instance names one (read by `hemplan.models.io.matrix`); a trip over a
day counts as UNREACHABLE_MINUTES (it can never fit in a day's route).
"""

from __future__ import annotations

import math
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

# a place of the instance: a team office or a client's home, as `TravelMinutes` numbers them
Place = int
NO_MINUTES = -1  # the minutes of a travel mode the settings or the matrix file lack
ROUNDING_SLACK = 1e-9  # a float a hair above a whole minute still rounds down to it


def great_circle_km(origin: Location, destination: Location) -> float:
    """Haversine distance on a sphere of EARTH_RADIUS_KM."""
    lat_from, lat_to = math.radians(origin.lat), math.radians(destination.lat)
    half_lat = (lat_from - lat_to) / 2
    half_lon = (math.radians(origin.lon) - math.radians(destination.lon)) / 2
    h = math.sin(half_lat) ** 2 + math.cos(lat_from) * math.cos(lat_to) * math.sin(half_lon) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class TravelMinutes:
    """Whole minutes between two places of one instance for a travel mode, worked out on
    first use and remembered, so a route checked twice (violations, then metrics) costs one."""

    def __init__(self, instance: Instance) -> None:
        self._office = {team.id: place for place, team in enumerate(instance.teams)}
        self._home = {
            client.id: len(instance.teams) + k for k, client in enumerate(instance.clients)
        }
        self._location = [team.office for team in instance.teams] + [
            client.location for client in instance.clients
        ]
        self._detour = instance.travel.detour_factor
        self._speed = dict(instance.travel.speed_kmh)
        matrix_file = instance.travel.matrix_file
        self._matrix: np.ndarray | None = (
            None if matrix_file is None else read_matrix(instance, Path(matrix_file))
        )
        self._known: dict[tuple[TravelMode, Place, Place], int] = {}

    def office(self, team_id: str) -> Place:
        """The office of a team, where its carers' shifts start and end."""
        return self._office[team_id]

    def home(self, client_id: str) -> Place:
        """A client's home."""
        return self._home[client_id]

    def minutes(self, mode: TravelMode, origin: Place, destination: Place) -> int:
        """Whole minutes from `origin` to `destination` for `mode` (NO_MINUTES when unknown)."""
        key = (mode, origin, destination)
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = self._work_out(mode, origin, destination)
        return known

    def _work_out(self, mode: TravelMode, origin: Place, destination: Place) -> int:
        if self._matrix is not None:
            return int(self._matrix[TRAVEL_MODES.index(mode), origin, destination])
        speed = self._speed.get(mode)
        if not speed:
            return NO_MINUTES
        km = great_circle_km(self._location[origin], self._location[destination]) * self._detour
        minutes = km / speed * 60 - ROUNDING_SLACK
        if not minutes < UNREACHABLE_MINUTES:  # also an infinite quotient
            return UNREACHABLE_MINUTES
        return math.ceil(minutes)
