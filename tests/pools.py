"""Staff pools written in a few lines, for the teaming tests: clients in two places far apart
(north and south of one shared office), carers whose skills and shifts the test chooses."""

from __future__ import annotations

from typing import Any

NORTH = (62.420, 17.300)  # about 22 km apart: no sensible team spans both
SOUTH = (62.220, 17.300)
BASE = {"lat": 62.320, "lon": 17.300}  # the pool's one office, between them


def home(place: tuple[float, float], k: int) -> dict[str, float]:
    """A home a few hundred metres from the centre of `place`."""
    return {"lat": place[0] + 0.002 * (k % 3), "lon": place[1] + 0.004 * (k // 3)}


def carer(cid: str, skills: list[str], shifts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": cid, "team": "P", "skills": skills, "travel_mode": "bike", "shifts": shifts}


def day_shifts(days: range) -> list[dict[str, Any]]:
    return [{"day": d, "start": "07:00", "end": "15:00"} for d in days]


def pool(
    staff: list[dict[str, Any]],
    clients: list[dict[str, Any]],
    visits: list[dict[str, Any]],
    days: int,
) -> dict[str, Any]:
    """An instance document with one team `P` (the pool) at BASE."""
    return {
        "name": "pool",
        "horizon": {"start_date": "2026-01-05", "days": days},  # a Monday
        "skills": ["medication", "insulin"],
        "teams": [{"id": "P", "name": "Pool", "office": BASE}],
        "staff": staff,
        "clients": [{"team": "P", **c} for c in clients],
        "visits": visits,
    }


def two_clusters() -> dict[str, Any]:
    """The obvious split: four clients in the north whose visits (two a day, 110 minutes each)
    all need medication, four in the south whose visits all need insulin; three carers hold
    only medication, three only insulin, all on day shifts of 480 minutes on Monday and
    Tuesday. Each side's visits (880 carer-minutes a day, 1,056 with a fifth of slack) need
    all three of its carers' 480-minute shifts, so the only teams are north with the
    medication carers and south with the insulin carers."""
    staff = [carer(f"M{i}", ["medication"], day_shifts(range(2))) for i in range(1, 4)]
    staff += [carer(f"I{i}", ["insulin"], day_shifts(range(2))) for i in range(1, 4)]
    clients, visits = [], []
    for side, place, skill in (("N", NORTH, "medication"), ("S", SOUTH, "insulin")):
        for k in range(4):
            cid = f"{side}{k}"
            clients.append({"id": cid, "location": home(place, k)})
            for part, (earliest, latest) in enumerate((("07:30", "10:00"), ("10:30", "13:00"))):
                visits.append(
                    {
                        "id": f"{cid}-care{part}",
                        "client": cid,
                        "weekdays": [0, 1],
                        "window": {"earliest": earliest, "latest": latest},
                        "duration": 110,
                        "skills": [skill],
                    }
                )
    doc = pool(staff, clients, [], days=2)
    doc["patterns"] = visits
    return doc


def saturday_insulin(excluded: bool) -> dict[str, Any]:
    """North and south clients each with an insulin visit on Saturday evening (day 5).

    Without `excluded`: one carer holds insulin on that shift, so two teams cannot both have
    one. With `excluded`: two carers hold insulin then (E1, E2), but both clients refuse E1,
    so only one team can have an insulin carer its client accepts."""
    evening = [{"day": 5, "start": "14:00", "end": "22:00"}]
    staff = [
        carer("E1", ["insulin", "medication"], evening),
        carer("E2", ["insulin", "medication"] if excluded else ["medication"], evening),
        carer("E3", [], evening),
        carer("E4", [], evening),
    ]
    staff += [carer(f"D{i}", [], day_shifts(range(6))) for i in range(1, 5)]
    clients, visits = [], []
    for side, place in (("N", NORTH), ("S", SOUTH)):
        for k in range(2):
            cid = f"{side}{k}"
            client: dict[str, Any] = {"id": cid, "location": home(place, k)}
            if excluded:
                client["excluded_carers"] = ["E1"]
            clients.append(client)
            for day in range(6):
                visits.append(
                    {
                        "id": f"{cid}-help-{day}",
                        "client": cid,
                        "day": day,
                        "window": {"earliest": "08:00", "latest": "11:00"},
                        "duration": 45,
                    }
                )
        visits.append(
            {
                "id": f"{side}0-insulin",
                "client": f"{side}0",
                "day": 5,
                "window": {"earliest": "18:00", "latest": "19:00"},
                "duration": 20,
                "skills": ["insulin"],
            }
        )
    return pool(staff, clients, visits, days=6)


def morning_rush(carers: int) -> dict[str, Any]:
    """Two north clients whose visits (40 minutes) must both start at 08:00-08:05 on Monday,
    so the north needs two carers at once, and who each have a longer visit later; four
    south clients, two of them helped up one after the other before 09:00, two later: about
    the same minutes in each place. `carers` day-shift carers on Monday; the south clients
    name D1 or D2 as their contact carer. By paid minutes one carer would do for the north,
    and the south's larger share of the time before 09:00 draws two carers south."""
    staff = [carer(f"D{i}", [], day_shifts(range(1))) for i in range(1, carers + 1)]
    clients: list[dict[str, Any]] = []
    visits = []
    wanted = {
        "N0": [("08:00", "08:05", 40), ("09:00", "12:00", 100)],
        "N1": [("08:00", "08:05", 40), ("09:00", "12:00", 100)],
        "S0": [("07:00", "07:15", 45)],
        "S1": [("07:45", "08:00", 45)],
        "S2": [("09:30", "12:30", 100)],
        "S3": [("09:30", "12:30", 100)],
    }
    for k, (cid, parts) in enumerate(wanted.items()):
        client: dict[str, Any] = {"id": cid, "location": home(NORTH if k < 2 else SOUTH, k)}
        if cid.startswith("S") and carers > 1:
            client["contact_carer"] = f"D{k % 2 + 1}"
        clients.append(client)
        for part, (earliest, latest, minutes) in enumerate(parts):
            visits.append(
                {
                    "id": f"{cid}-care{part}",
                    "client": cid,
                    "day": 0,
                    "window": {"earliest": earliest, "latest": latest},
                    "duration": minutes,
                }
            )
    return pool(staff, clients, visits, days=1)
