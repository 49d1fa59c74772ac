"""Small one-team instances written in a few lines, for tests whose answer follows by reasoning."""

from __future__ import annotations

from typing import Any

from hemplan.models.contract.instance import Instance
from hemplan.models.io.load import instance_from_data

OFFICE = {"lat": 62.390, "lon": 17.300}


def near(k: int) -> dict[str, float]:
    """A home a few hundred metres from the office (a few minutes by bike)."""
    return {"lat": 62.390 + 0.001 * (k % 5), "lon": 17.300 + 0.002 * (k // 5)}


def shift(day: int, start: str = "07:00", end: str = "16:00", brk: bool = False) -> dict[str, Any]:
    s: dict[str, Any] = {"day": day, "start": start, "end": end}
    if brk:
        s["break"] = {"minutes": 30, "earliest": "11:00", "latest": "13:00"}
    return s


def small(
    staff: list[dict], clients: list[dict], visits: list[dict], days: int = 7, **extra: Any
) -> Instance:
    """A one-team instance from short records (team T, bike carers unless told otherwise)."""
    raw = {
        "name": "small",
        "horizon": {"start_date": "2026-01-05", "days": days},
        "skills": ["medication"],
        "teams": [{"id": "T", "office": OFFICE}],
        "staff": [{"team": "T", "travel_mode": "bike", **s} for s in staff],
        "clients": [{"team": "T", "location": near(i), **c} for i, c in enumerate(clients)],
        "visits": visits,
        **extra,
    }
    return instance_from_data(raw, "small")


def visit(
    vid: str,
    client: str,
    day: int,
    earliest: str = "08:00",
    latest: str = "09:00",
    duration: int = 30,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": vid,
        "client": client,
        "day": day,
        "duration": duration,
        "window": {"earliest": earliest, "latest": latest},
        **extra,
    }


def two_clients_two_carers(location: dict[str, float]) -> Instance:
    """Clients K and L at `location`, one one-hour visit each between 08:00 and 12:00 on day 0;
    carers A and B with equal shifts: one each is a fair load, one for both travels least."""
    return small(
        [{"id": c, "shifts": [shift(0)]} for c in ("A", "B")],
        [{"id": "K", "location": location}, {"id": "L", "location": location}],
        [visit("K0", "K", 0, "08:00", "12:00", 60), visit("L0", "L", 0, "08:00", "12:00", 60)],
        days=1,
    )


def windowed_visit(
    vid: str,
    client: str,
    day: int,
    windows: list[tuple[str, str]],
    duration: int = 30,
    **extra: Any,
) -> dict[str, Any]:
    """A visit with several start windows (no single `window`: the span is filled in)."""
    return {
        "id": vid,
        "client": client,
        "day": day,
        "duration": duration,
        "windows": [list(w) for w in windows],
        **extra,
    }


SECOND_WINDOW = ("11:00", "12:00")


def late_shift_two_windows(staff_needed: int = 1) -> Instance:
    """Visit V of client K may start 08:00-09:00 or 11:00-12:00; the carers' only shift starts
    at 10:00, so every method must use the second window."""
    carers = ["A", "B"][:staff_needed]
    return small(
        [{"id": c, "shifts": [shift(0, "10:00", "16:00")]} for c in carers],
        [{"id": "K"}],
        [
            windowed_visit(
                "V", "K", 0, [("08:00", "09:00"), SECOND_WINDOW], staff_needed=staff_needed
            )
        ],
        days=1,
    )


def two_roles(
    carers: dict[str, list[str]] | None = None,
    gap: tuple[int, int] | None = None,
    roles: bool = True,
) -> Instance:
    """Client K's visit V on day 0 (start 08:00-09:00, 30 min) needs two carers: with `roles`
    a nurse and any carer, with `gap` the second role starting that many minutes after the
    first. `carers`: id -> skills (default A a nurse, B and C none), each working 07:00-16:00."""
    carers = {"A": ["nurse"], "B": [], "C": []} if carers is None else carers
    extra: dict[str, Any] = {"staff_needed": 2}
    if roles:
        extra["roles"] = [{"skills": ["nurse"]}, {"skills": []}]
    if gap is not None:
        extra["gap"] = {"min": gap[0], "max": gap[1]}
    return small(
        [{"id": c, "skills": held, "shifts": [shift(0)]} for c, held in carers.items()],
        [{"id": "K"}],
        [visit("V", "K", 0, **extra)],
        days=1,
        skills=["nurse"],
    )


def late_carer(lateness: int | None, staff_needed: int = 1) -> Instance:
    """Visit V of client K (at the office: no travel) may start 08:00-09:00, 30 minutes; its
    only carers' shift starts at 09:20, so they can come 20 minutes late. With `lateness` the
    window is soft up to that many minutes; without it, hard."""
    extra: dict[str, Any] = {"staff_needed": staff_needed}
    if lateness is not None:
        extra["lateness"] = {"max": lateness}
    return small(
        [{"id": c, "shifts": [shift(0, "09:20", "16:00")]} for c in ["A", "B"][:staff_needed]],
        [{"id": "K"}],
        [visit("V", "K", 0, "08:00", "09:00", **extra)],
        days=1,
    )
