"""Route maps from coordinates: per carer and day, the office, the homes in visiting order and
the path between them, as small inline SVGs (no tiles, no network).

All maps of one team share a frame (the team's office and homes), so maps of the same team
can be compared at a glance. The team's homes are drawn once as a faint background in a
hidden `<defs>` and reused by every map with `<use>`, which keeps a 14-day district report
small.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from hemplan.models.contract.clock import format_clock
from hemplan.models.contract.instance import Instance, Location
from hemplan.models.contract.schedule import Route, Schedule
from hemplan.models.texts import ENGLISH, Texts

SIZE = 200
PAD = 12


@dataclass(frozen=True)
class Frame:
    """A projection of a team's area onto a SIZE x SIZE square (north up, aspect kept)."""

    lat_max: float
    lon_min: float
    scale: float  # px per degree of latitude
    kx: float  # cos(latitude): a degree of longitude is shorter than one of latitude
    x_off: float
    y_off: float

    def xy(self, place: Location) -> tuple[float, float]:
        return (
            self.x_off + (place.lon - self.lon_min) * self.kx * self.scale,
            self.y_off + (self.lat_max - place.lat) * self.scale,
        )


def frame_around(places: list[Location]) -> Frame:
    """The frame that fits `places` (at least one) inside the square with a margin."""
    lats, lons = [p.lat for p in places], [p.lon for p in places]
    kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
    dx, dy = (max(lons) - min(lons)) * kx, max(lats) - min(lats)
    scale = (SIZE - 2 * PAD) / max(dx, dy, 1e-6)
    return Frame(max(lats), min(lons), scale, kx, (SIZE - dx * scale) / 2, (SIZE - dy * scale) / 2)


def team_frames(instance: Instance, schedule: Schedule) -> dict[str, Frame]:
    """Per team: a frame holding its office, its clients and any client its carers visit."""
    places: dict[str, list[Location]] = {t.id: [t.office] for t in instance.teams}
    for c in instance.clients:
        places[c.team].append(c.location)
    for a in schedule.assignments:
        home = instance.client_by_id[instance.visit_by_id[a.visit].client].location
        for carer in a.carers:
            places[instance.staff_by_id[carer].team].append(home)
    return {team: frame_around(spots) for team, spots in places.items()}


def map_defs(instance: Instance, frames: dict[str, Frame]) -> str:
    """A hidden SVG holding each team's background (homes as dots, the office as a square)."""
    groups = []
    for k, team in enumerate(instance.teams):
        frame = frames[team.id]
        dots = "".join(
            '<circle r="2" cx="{:.1f}" cy="{:.1f}"/>'.format(*frame.xy(c.location))
            for c in instance.clients
            if c.team == team.id
        )
        ox, oy = frame.xy(team.office)
        groups.append(
            f'<g id="bg{k}" class="bg">{dots}<rect class="office" x="{ox - 5:.1f}" '
            f'y="{oy - 5:.1f}" width="10" height="10"/></g>'
        )
    return (
        f'<svg class="defs" width="0" height="0" aria-hidden="true">'
        f"<defs>{''.join(groups)}</defs></svg>"
    )


def route_map(
    instance: Instance,
    route: Route,
    frames: dict[str, Frame],
    classes: dict[str, str],
    texts: Texts = ENGLISH,
) -> str:
    """One carer's day: office -> homes in order -> office, homes numbered by visiting order."""
    carer = instance.staff_by_id[route.carer]
    team_k = next(k for k, t in enumerate(instance.teams) if t.id == carer.team)
    frame = frames[carer.team]
    office = frame.xy(instance.team_by_id[carer.team].office)
    path = [office]
    stops: dict[str, list[str]] = {}
    tips: dict[str, list[str]] = {}
    for stop in route.stops:
        if stop.kind != "visit" or stop.visit is None:
            continue
        visit = instance.visit_by_id[stop.visit]
        path.append(frame.xy(instance.client_by_id[visit.client].location))
        stops.setdefault(visit.client, []).append(str(len(path) - 1))
        tips.setdefault(visit.client, []).append(
            f"{format_clock(stop.start)} {visit.service or visit.id}"
        )
    path.append(office)
    points = " ".join(f"{px:.1f},{py:.1f}" for px, py in path)
    homes = []
    for client_id, numbers in stops.items():
        client = instance.client_by_id[client_id]
        hx, hy = frame.xy(client.location)
        tip = f"{client.name or client.id} ({client.id}): " + "; ".join(tips[client_id])
        homes.append(
            f'<circle class="{classes[client_id]}" r="5" cx="{hx:.1f}" cy="{hy:.1f}">'
            f"<title>{escape(tip)}</title></circle>"
            f'<text x="{hx + 6:.1f}" y="{hy - 4:.1f}">{",".join(numbers)}</text>'
        )
    label = f"{carer.name} ({carer.id})" if carer.name else carer.id
    return (
        f'<figure class="map"><svg viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" height="{SIZE}" '
        f'role="img" aria-label="{escape(texts.t("route of {carer}", carer=label))}">'
        f'<use href="#bg{team_k}"/>'
        f'<polyline points="{points}"/>'
        f"{''.join(homes)}</svg><figcaption>{escape(label)} · "
        f"{escape(texts.t('{minutes} min travel', minutes=route.travel_minutes))}"
        f"</figcaption></figure>"
    )
