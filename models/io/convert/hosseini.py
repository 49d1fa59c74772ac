"""The multi-day home-health-care set with one aide per patient per week (Hosseini, data of
the `Stochastic-Con-HHCRSP` repository) as a five-day instance.

Aides become carers with a shift on every day (their start node's window); existing
patients' visits are locked to their aide, days and start; a new patient needing `dayReq`
visits gets that many visits, each free on its own block of consecutive days (so two never
fall on one day). Aides marked as serving only existing patients are excluded for new ones.
One time unit is 10 minutes. Not representable: each aide's own start and end place (travel from
and to the team office is zero: optimistic), the
weekly workload cap, the finer spacing rule between visit days, and "accept a patient or
not" as the objective: the continuity objective keeps one aide per patient where it can,
and a patient with an unassigned visit counts as not accepted (`accepted_patients`, the set's
objective here).
"""

from __future__ import annotations

from pathlib import Path

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Schedule
from hemplan.models.io.convert.common import (
    MOST_CARERS,
    MOST_CLIENTS,
    MOST_DAYS,
    OFFICE,
    Converted,
    SetObjective,
    bounded,
    keyword_blocks,
    planar,
    skeleton,
)

UNIT = 10.0  # minutes per source time unit (08:00-17:00 as 48-102)


def _ints(block: list[list[float]]) -> list[int]:
    return [int(v) for row in block for v in row]


def day_blocks(days: int, visits: int) -> list[tuple[int, int]]:
    """`visits` disjoint runs of consecutive days covering the week, as (first, last)."""
    edges = [round(k * days / visits) for k in range(visits + 1)]
    return [(edges[k], edges[k + 1] - 1) for k in range(visits)]


def accepted_patients(converted: Converted, schedule: Schedule, instance: Instance) -> SetObjective:
    """Patients with every visit served: the source accepts a patient or not, so a partial
    plan is still comparable with the published count."""
    refused = {instance.visit_by_id[u.visit].client for u in schedule.unassigned}
    served = {v.client for v in instance.visits} - refused
    return SetObjective(
        float(len(served)), "accepted patients (every visit served)", counts_partial=True
    )


def convert(path: Path) -> Converted:
    """One team; aides `K<k>`, patients `N<i>`, visits `V<i>-<j>`."""
    b = keyword_blocks(path.read_text())
    total = bounded(int(b["nPatients"][0][0]), "nPatients", MOST_CLIENTS)
    aides = bounded(int(b["nNurses"][0][0]), "nNurses", MOST_CARERS)
    days = bounded(int(b["nDays"][0][0]), "nDays", MOST_DAYS)
    patients = total - 2 * aides
    avail, pat_avail = _ints(b["nurseAvail"]), _ints(b["patAvail"])
    release, deadline, duration = _ints(b["release"]), _ints(b["deadline"]), _ints(b["duration"])
    day_req, pre_nurse = _ints(b["dayReq"]), _ints(b["preAssignNurse"])
    pre_days, pre_windows = b["preAssignDays"], b["preAssignWindows"]
    travel = b["travelTime"]
    name = path.parent.name + "-" + path.stem
    data = skeleton(name, days, planar(0, 0), [])
    for k in range(aides):
        shifts = [
            {"day": d, "start": int(release[k] * UNIT), "end": int(deadline[k] * UNIT)}
            for d in range(days)
        ]
        data["staff"].append(
            {"id": f"K{k + 1}", "team": "T1", "travel_mode": "car", "shifts": shifts}
        )
    helpers = [f"K{k + 1}" for k in range(aides) if avail[k] != 2]
    used = [i for i in range(patients) if pat_avail[i] != 0]
    existing = [i for i in used if pat_avail[i] == 1 and pre_nurse[i] > 0]
    for i in used:
        node = aides + i
        client = {"id": f"N{i + 1}", "team": "T1", "location": planar(i, 0)}
        window = {"earliest": int(release[node] * UNIT), "latest": int(deadline[node] * UNIT)}
        if i in existing:
            start = int(pre_windows[i][0] * UNIT)
            for j, d in enumerate(d for d in range(days) if pre_days[i][d] >= 1):
                data["visits"].append(
                    {
                        "id": f"V{i + 1}-{j + 1}",
                        "client": client["id"],
                        "day": d,
                        "window": {
                            "earliest": min(start, window["earliest"]),
                            "latest": max(start, window["latest"]),
                        },
                        "duration": int(duration[node] * UNIT),
                        "locked_carers": [f"K{pre_nurse[i]}"],
                        "locked_start": start,
                    }
                )
        else:
            client["excluded_carers"] = helpers
            # visits in the week: at most one a day (the runs of days are disjoint)
            wanted = bounded(day_req[node], f"dayReq of patient {node + 1}", days)
            for j, (first, last) in enumerate(day_blocks(days, max(1, wanted))):
                visit = {
                    "id": f"V{i + 1}-{j + 1}",
                    "client": client["id"],
                    "day": first,
                    "window": window,
                    "duration": int(duration[node] * UNIT),
                }
                if last > first:
                    visit["last_day"] = last
                data["visits"].append(visit)
        data["clients"].append(client)
    office = [
        0.0 for _ in used
    ]  # aides start at their first patient: their own bases are not representable
    # the source gives one patient a trip to itself (caseA's node 21: 2 units); a place to
    # itself is 0 here, as two visits at one home in a row have no trip between them
    matrix = [[0.0] + office] + [
        [office[a]] + [0.0 if j == i else travel[aides + i][aides + j] for j in used]
        for a, i in enumerate(used)
    ]
    return Converted(
        name,
        data,
        [OFFICE] + [f"N{i + 1}" for i in used],
        matrix,
        UNIT,
        accepted_patients,
        [
            "each aide's own base: travel from and to the office is 0 (optimistic)",
            "weekly workload cap not enforced",
            "day-spacing rule approximated by disjoint day blocks",
            (
                "patient acceptance is not an objective: "
                "a patient with an unassigned visit is not accepted"
            ),
        ],
    )
