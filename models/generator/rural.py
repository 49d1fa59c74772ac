"""A sparsely populated municipality: teams in villages, clients scattered for kilometres.

`hemplan generate --area rural` puts each team in one locality of Strömsund municipality
(Jämtland), whose home care drives close to 100 000 mil (1 000 000 km) a year to, from and
between its clients, some days up to seven mil (70 km) one way (Dagens Arena, "Många mil i
bil för hemtjänsten i glesbygd", https://www.dagensarena.se/innehall/manga-mil-bil-hemtjanst-glesbygd/;
a car for every round, so every carer drives). Every figure below is cited; the urban
generator's figures are kept for everything else (care levels, double staffing, shifts,
car speed and detour: no rural source was found for them).

How a team's area is drawn:

- its clients live where people live: a share `VILLAGE_SHARE` in the village (the locality
  of the team's office), the rest spread evenly over the team's area;
- the area is as large as the team's clients need at the municipality's density of home-care
  clients (`CLIENTS_PER_KM2`: inhabitants per km² times the share of the population with
  home care), a disc of area clients / CLIENTS_PER_KM2;
- the village is a disc holding its inhabitants at the density of Swedish localities
  (`LOCALITY_PER_KM2`); the office is near its centre.

Sources:

- Strömsund municipality: 11 605 inhabitants (31 Dec 2019) on 10 465.08 km² of land (1 Jan
  2014), SCB figures as given by https://en.wikipedia.org/wiki/Str%C3%B6msund_Municipality,
  which also lists its localities (populations of 31 Dec 2005, `VILLAGES`);
- 60 % of its population lives in localities: https://fi.wikipedia.org/wiki/Str%C3%B6msundin_kunta;
- 1 437 inhabitants per km² in Swedish statistical localities at the end of 2019: SCB,
  https://www.scb.se/hitta-statistik/statistik-efter-amne/miljo/markanvandning/tatorter/pong/statistiknyhet/tatorter-2018-befolkning-2019-12-31/;
- 164 000 people over 65 with at least one home-care service (Socialstyrelsen 2017, in SKR's
  "Fakta om äldreomsorgen", https://skr.se/integrationsocialomsorg/socialomsorg/aldre/faktaomaldreomsorgen.15586.html)
  of Sweden's 10 230 185 inhabitants (SCB, 1 Jan 2019, as tabled at
  https://swedensights.ru/?p=1375/): 1.6 %. The national share, for want of a municipal one
  (a rural municipality is older, so likely more); home care under 65 is not counted.

Village coordinates are approximate centres (to a few hundred metres), as in geography.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hemplan.models.contract.instance import Location
from hemplan.models.generator.geography import Area, in_disc, location_in

MUNICIPALITY_PER_KM2 = 11_605 / 10_465.08  # Strömsund: inhabitants per km² of land
HOME_CARE_SHARE = 164_000 / 10_230_185  # people with home care per inhabitant, Sweden
CLIENTS_PER_KM2 = MUNICIPALITY_PER_KM2 * HOME_CARE_SHARE
VILLAGE_SHARE = 0.60  # of Strömsund's inhabitants live in its localities
LOCALITY_PER_KM2 = 1_437.0  # inhabitants per km² of a Swedish statistical locality


@dataclass(frozen=True)
class Village:
    """A locality of Strömsund municipality and its inhabitants (31 Dec 2005)."""

    name: str
    lat: float
    lon: float
    population: int


# Order matters: team i works from VILLAGES[i]. The seat first, then its nearest localities.
VILLAGES: tuple[Village, ...] = (
    Village("Strömsund", 63.8530, 15.5570, 3516),
    Village("Hammerdal", 63.5950, 15.3480, 996),
    Village("Hoting", 64.1130, 16.1980, 749),
    Village("Backe", 63.8200, 16.4040, 625),
    Village("Gäddede", 64.5030, 14.1520, 456),
    Village("Rossön", 63.9280, 16.3450, 400),
)


def rural_area(index: int, n_clients: int) -> Area:
    """The area of team `index` (0-based): around its village, as large as `n_clients`
    clients take at the municipality's density of home-care clients."""
    if not 0 <= index < len(VILLAGES):
        raise ValueError(f"a rural district has at most {len(VILLAGES)} teams, one per village")
    village = VILLAGES[index]
    radius = math.sqrt(max(n_clients, 1) / (math.pi * CLIENTS_PER_KM2))
    village_km = math.sqrt(village.population / (math.pi * LOCALITY_PER_KM2))
    return Area(village.name, village.lat, village.lon, radius, "rural", village_km)


def place_rural_office(area: Area, rng: np.random.Generator) -> Location:
    """The team office: in the village, near its centre (as Hoting's base in its care home)."""
    east, north = in_disc(rng, 0.25 * area.village_km)
    return location_in(area, east, north)


def place_rural_clients(area: Area, count: int, rng: np.random.Generator) -> list[Location]:
    """Homes of `count` clients: VILLAGE_SHARE in the village, the rest over the whole area."""
    homes = []
    for _ in range(count):
        in_village = rng.random() < VILLAGE_SHARE
        east, north = in_disc(rng, area.village_km if in_village else area.radius_km)
        homes.append(location_in(area, east, north))
    return homes
