"""Where teams and clients are: neighbourhoods of Sundsvall, offices, clustered homes.

Each team covers one neighbourhood (a home-care district is a handful of them; a city two
dozen). Team 1 is Skönsmon, the area of the Skönsmo model, and the next four are its
neighbours to the south and west, so a 5-team instance is one home-care group. Later teams
spread over the rest of town and out to the villages at its edge.

Homes cluster the way they do in a Swedish town: most clients live in a few apartment
blocks (senior housing, 1950s-70s rental estates), the rest scattered among villas. Inner
areas are about a kilometre across and carers walk or bike; suburbs are wider and part of
the staff drive; at the edge (Alnö, Kvissleby, Matfors, ...) clients live kilometres apart
and everyone drives. Coordinates are approximate neighbourhood centres, good to a few
hundred metres, which is all the travel model (great-circle distance x detour) needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from hemplan.models.contract.instance import EARTH_RADIUS_KM, Location, TravelMode, TravelSettings

AreaKind = Literal["central", "suburb", "edge", "rural"]

TOWN_CENTRE = (62.3908, 17.3069)  # Stora torget, Sundsvall
KM_PER_DEG_LAT = 111.2


@dataclass(frozen=True)
class Area:
    """A team's area: a disc around (lat, lon). A rural area (rural.py) also has a village,
    the locality where its office is, of radius `village_km`."""

    name: str
    lat: float
    lon: float
    radius_km: float
    kind: AreaKind
    village_km: float = 0.0


# Order matters: team i gets AREAS[i]. The first five form the Skönsmon home-care group.
AREAS: tuple[Area, ...] = (
    Area("Skönsmon", 62.3770, 17.3260, 0.8, "central"),
    Area("Södermalm", 62.3840, 17.3050, 0.7, "central"),
    Area("Bydalen", 62.3735, 17.2960, 1.0, "suburb"),
    Area("Sidsjö", 62.3790, 17.2680, 1.2, "suburb"),
    Area("Bergsåker", 62.3580, 17.3180, 2.5, "edge"),
    Area("Stenstaden", 62.3913, 17.3063, 0.6, "central"),
    Area("Östermalm", 62.3920, 17.3280, 0.8, "central"),
    Area("Norrmalm", 62.3985, 17.3050, 0.7, "central"),
    Area("Haga", 62.3945, 17.2830, 0.8, "central"),
    Area("Nacksta", 62.4025, 17.2560, 1.0, "suburb"),
    Area("Bosvedjan", 62.4070, 17.2380, 1.0, "suburb"),
    Area("Granloholm", 62.4130, 17.2680, 1.0, "suburb"),
    Area("Skönsberg", 62.4045, 17.3320, 1.0, "suburb"),
    Area("Johannedal", 62.4270, 17.3450, 1.3, "suburb"),
    Area("Sundsbruk", 62.4490, 17.3650, 2.5, "edge"),
    Area("Alnö", 62.4250, 17.4300, 4.0, "edge"),
    Area("Stockvik", 62.3340, 17.3800, 3.0, "edge"),
    Area("Kvissleby", 62.2930, 17.3700, 3.0, "edge"),
    Area("Matfors", 62.3470, 17.0200, 3.5, "edge"),
    Area("Njurunda", 62.2680, 17.3730, 4.0, "edge"),
)

# Share of a team's carers per travel mode. Inner-town carers walk or bike (the office is a
# few hundred metres from most homes); suburbs mix bikes and cars; edge and rural teams drive
# (rural.py: a car for every round).
MODE_SHARES: dict[AreaKind, dict[TravelMode, float]] = {
    "central": {"walk": 0.35, "bike": 0.65},
    "suburb": {"bike": 0.55, "car": 0.45},
    "edge": {"car": 1.0},
    "rural": {"car": 1.0},
}


def area_for_team(index: int) -> Area:
    """The neighbourhood of team `index` (0-based); beyond the named ones, villages on a ring."""
    if index < len(AREAS):
        return AREAS[index]
    k = index - len(AREAS)
    angle = k * 2.39996  # golden angle: successive villages spread around the town
    dist = 9.0 + 2.0 * (k % 4)
    lat, lon = offset(
        TOWN_CENTRE[0], TOWN_CENTRE[1], dist * math.cos(angle), dist * math.sin(angle)
    )
    return Area(f"Område {index + 1}", lat, lon, 3.0, "edge")


def offset(lat: float, lon: float, east_km: float, north_km: float) -> tuple[float, float]:
    """The point `east_km` east and `north_km` north of (lat, lon)."""
    km_per_deg_lon = KM_PER_DEG_LAT * math.cos(math.radians(lat))
    return lat + north_km / KM_PER_DEG_LAT, lon + east_km / km_per_deg_lon


def location_in(area: Area, east_km: float, north_km: float) -> Location:
    """The point `east_km` east and `north_km` north of the area's centre, to about a metre."""
    lat, lon = offset(area.lat, area.lon, east_km, north_km)
    return Location(lat=round(lat, 5), lon=round(lon, 5))


def in_disc(rng: np.random.Generator, radius: float) -> tuple[float, float]:
    """A point (east, north) in km drawn evenly over a disc of `radius` km."""
    r = radius * math.sqrt(float(rng.random()))
    a = 2 * math.pi * float(rng.random())
    return r * math.cos(a), r * math.sin(a)


def place_office(area: Area, rng: np.random.Generator) -> Location:
    """The team office: inside the area, near its centre (offices sit by the main street)."""
    east, north = in_disc(rng, 0.25 * area.radius_km)
    return location_in(area, east, north)


def place_clients(area: Area, count: int, rng: np.random.Generator) -> list[Location]:
    """Homes of `count` clients: three in four in a few housing blocks, the rest scattered."""
    n_blocks = 2 + count // 8
    blocks = [in_disc(rng, 0.65 * area.radius_km) for _ in range(n_blocks)]
    block_weights = rng.dirichlet(np.full(n_blocks, 2.0))
    spread = 0.12 * area.radius_km if area.kind != "edge" else 0.2 * area.radius_km
    homes = []
    for _ in range(count):
        if rng.random() < 0.75:
            bx, by = blocks[int(rng.choice(n_blocks, p=block_weights))]
            east, north = bx + rng.normal(0, spread), by + rng.normal(0, spread)
        else:
            east, north = in_disc(rng, area.radius_km)
        limit = 1.2 * area.radius_km
        norm = math.hypot(east, north)
        if norm > limit:
            east, north = east * limit / norm, north * limit / norm
        homes.append(location_in(area, float(east), float(north)))
    return homes


def distance_km(points_a: list[Location], points_b: list[Location]) -> np.ndarray:
    """Great-circle kilometres between every point of a and every point of b (the instance's
    distance, see `TravelSettings`)."""
    lat1 = np.radians([p.lat for p in points_a])[:, None]
    lon1 = np.radians([p.lon for p in points_a])[:, None]
    lat2 = np.radians([p.lat for p in points_b])[None, :]
    lon2 = np.radians([p.lon for p in points_b])[None, :]
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def travel_minutes(km: np.ndarray, mode: TravelMode, settings: TravelSettings) -> np.ndarray:
    """Whole minutes for distances `km` by `mode`, rounded up as `TravelSettings` defines them."""
    return np.ceil(km * settings.detour_factor / settings.speed_kmh[mode] * 60 - 1e-9)
