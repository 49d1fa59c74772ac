"""Hostile input, fuzzed: random and mutated instance, schedule and CSV files are either used or
refused with exit 2 and plain problem lines naming the file (and the record and field, or the
line and column), never a traceback, never a SolverBug, never a partial output file.

- instances (the bundled tiny, tiny with its patterns expanded into visits, the hand instance with
  its travel-matrix file, and small instances drawn here), mutated: fields dropped, renamed,
  retyped, nested, duplicated (in a list and as a repeated JSON member), huge numbers, NaN and
  Infinity, any Unicode with control characters and lone surrogates, long strings, long lists;
  locks put on visits, visits added, shifts, breaks, windows, horizon and references moved.
  `validate` exits 0 or 2; an accepted instance is solved with a tiny budget (continuity or
  central-greedy, sometimes with borrowing) with exit 0 (or a proper refusal), and the evaluator
  accepts the solver's own schedule (exit 0);
- schedules (verified ones of tiny and of the hand instance) mutated the same ways and in their
  own terms (starts, days, carers, routes): `evaluate` exits 0, 1 or 2, `report`, `export --format
  csv|ics` and `replan` (sometimes with a sick call) 0 or 2, and a replanned schedule evaluates
  feasible;
- instances the validator accepts (drawn small ones, moved or mutated), teamed by `teams` with
  any team count, sizes, slack, seed and substitutes: exit 0 (the file validates and plans) or
  2 (nothing written);
- files of the public sets (`convert`: Solomon, Mankowska, convrp, Hosseini, uhhc samples) with
  numbers replaced, lines dropped or repeated, ends cut and bytes put in: exit 0 (the instance
  validates and plans) or 2 (nothing written);
- CSV folders written here, in several delimiters, quotings, line ends and encodings, then
  mutated: cells (huge numbers, control characters, delimiters, quotes), rows shortened,
  lengthened, dropped, repeated, many rows, headers renamed, bytes cut, inserted or replaced,
  files removed or added. `import` exits 0 (and `validate` accepts what it wrote) or 2 (and writes
  nothing).

The promises checked on every command, and the census mode that counts them over a long run,
are in `tests/cli/fuzz_support.py`. Each test runs HEMPLAN_FUZZ_EXAMPLES examples (default 25,
for CI); a long run, counting every case and keeping reproducers:

    HEMPLAN_FUZZ_EXAMPLES=2000 HEMPLAN_FUZZ_TALLY=/tmp/fuzz-tally HYPOTHESIS_PROFILE=explore \
        python3 -m pytest -q -p no:cacheprovider tests/cli/test_fuzz.py

(`HYPOTHESIS_PROFILE=explore`: new random cases each run; without it every run draws the same
ones, `tests/conftest.py`.)
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hemplan.models.contract.problems import escape_controls
from hemplan.models.io.load import load_instance
from hemplan.models.io.write import to_json
from hemplan.solver.method import SolveOptions
from hemplan.solver.methods import solve
from tests.cli.fuzz_support import Case, Census, DupDict, RawNumber, dumps, encode
from tests.hand_instance import BASE as HAND
from tests.hand_instance import MATRIX as HAND_MATRIX
from tests.models.io.convert.test_convert import CONVRP, HOSSEINI, MANKOWSKA, SOLOMON, UHHC
from tests.paths import REPO

FUZZ_EXAMPLES = int(os.environ.get("HEMPLAN_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
FAST = ["--time-limit", "3", "--workers", "1", "--work-limit", "0.05"]

TINY = json.loads((REPO / "instances" / "tiny.json").read_text(encoding="utf-8"))
TINY_VISITS = json.loads(to_json(load_instance(REPO / "instances" / "tiny.json")))
BASES: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {
    "tiny": (TINY, None),
    "tiny-visits": (TINY_VISITS, None),
    "hand": (HAND, HAND_MATRIX),
}
INSTANCE_NAMES = ["instance.json", "plan ö.json", "sub dir/in.json"]


# --------------------------------------------------------------------------- values

TEXT = st.text(alphabet=st.characters(codec=None), max_size=30)  # any code point, surrogates too
CONTROL_TEXT = st.text(
    alphabet=st.sampled_from(
        ["\x00", "\n", "\r", "\t", "\x1b", "\x7f", "\x85", "\u2028", "\u202e", "\ufeff", "a", "é"]
    ),
    min_size=1,
    max_size=8,
)
LONG_TEXT = st.builds(
    lambda piece, n: (piece * n)[:n],
    st.text(min_size=1, max_size=3),
    st.sampled_from([9_999, 10_000, 10_001, 100_000]),
)
STRINGS = st.one_of(TEXT, CONTROL_TEXT, LONG_TEXT)
HUGE = st.one_of(
    st.sampled_from(
        [
            2**31 - 1,
            2**31,
            2**63 - 1,
            2**63,
            2**64,
            -(2**63),
            10**18,
            10**19,
            10**100,
            1e308,
            -1e308,
            5e-324,
            float("nan"),
            float("inf"),
            float("-inf"),
            1441,
            1_000_000,
            -1,
            RawNumber("1" + "0" * 4299),  # 4,300 digits: readable
            RawNumber("9" * 4301),  # one digit too many for Python's int()
            RawNumber("-" + "9" * 50_000),
            RawNumber("1e400"),
            RawNumber("-1e400"),
            RawNumber("1E-400"),
            RawNumber("-0"),
            RawNumber("0.0000000000000000000000001"),
            RawNumber("123456789012345678901234567890.5"),
        ]
    ),
    st.integers(),
    st.floats(),
)
NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 2**31, 2**63, 10**400, 1e308, -0.0, 0.5]),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    NUMBERS,
    TEXT,
    st.sampled_from(["", "07:00", "24:00", "25:61", "-1", "T1", "S1", "C1", "2026-02-30"]),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)
MINUTES = st.integers(0, 24 * 60)
VALID_CLOCKS = st.one_of(MINUTES.map(lambda m: f"{m // 60:02d}:{m % 60:02d}"), MINUTES)
CLOCKS = st.one_of(
    MINUTES.map(lambda m: f"{m // 60:02d}:{m % 60:02d}"),
    MINUTES.map(lambda m: f"{m // 60:02d}:{m % 60:02d}"),
    MINUTES,
    st.sampled_from(
        ["00:00", "24:00", "23:59", "7:00", "07:60", "24:01", "-01:00", "07:00:00", "", "7", "1440"]
    ),
    st.integers(-5, 1500),
)
DAYS = st.one_of(st.integers(0, 3), st.integers(-2, 400), HUGE)
DATES = st.sampled_from(
    [
        "2026-01-05",
        "2024-02-29",
        "2025-02-29",
        "2026-12-28",
        "9999-12-30",
        "9999-12-31",
        "0001-01-01",
        "2026-1-5",
        "20260105",
        "2026-01-05T00:00",
    ]
)
FIELD_NAMES = sorted(
    {
        "id", "name", "team", "teams", "staff", "clients", "visits", "patterns", "skills",
        "shifts", "day", "last_day", "start", "end", "break", "minutes", "earliest", "latest",
        "window", "duration", "staff_needed", "priority", "service", "notes", "locked_carers",
        "locked_start", "weekdays", "every_weeks", "week_offset", "flexible", "location", "lat",
        "lon", "office", "preferred_carers", "excluded_carers", "contact_carer", "travel_mode",
        "travel", "speed_kmh", "detour_factor", "matrix_file", "horizon", "start_date", "days",
        "assignments", "routes", "unassigned", "carers", "visit", "carer", "stops", "kind",
        "travel_back", "travel_minutes", "wait", "reason", "metrics", "solver", "instance",
        "allow_borrowing", "locations", "client",
    }
)  # fmt: skip


def _clock(data: st.DataObject, minutes: int) -> str | int:
    """A valid time of day as the format allows it: "HH:MM" or minutes after midnight."""
    minutes = max(0, min(minutes, 24 * 60))
    if data.draw(st.booleans(), label="clock as minutes"):
        return minutes
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --------------------------------------------------------------------------- small instances


def small_instance(data: st.DataObject) -> dict[str, Any]:
    """A small instance drawn from scratch: 1-2 teams, 1-3 carers and 1-3 clients each, up to 8
    visits over 1-3 days (double staffing, multi-day visits, locks, a pattern); mostly valid."""
    draw = data.draw
    days = draw(st.integers(1, 3), label="days")
    modes = ["walk", "bike", "car"]
    skills = ["medication", "insulin"]
    doc: dict[str, Any] = {
        "name": "small",
        "horizon": {
            "start_date": draw(st.sampled_from(["2026-01-05", "2024-02-29", "2026-12-28"])),
            "days": days,
        },
        "skills": skills,
        "teams": [],
        "staff": [],
        "clients": [],
        "visits": [],
    }
    for t in range(draw(st.integers(1, 2), label="teams")):
        team = f"T{t}"
        doc["teams"].append(
            {"id": team, "name": f"Team {t}", "office": {"lat": 62.39 + 0.01 * t, "lon": 17.30}}
        )
        members = []
        for k in range(draw(st.integers(1, 3), label="carers")):
            shifts = []
            for day in range(days):
                if k and not draw(st.booleans(), label="works"):
                    continue
                start = draw(st.integers(6 * 60, 14 * 60), label="shift start")
                end = min(24 * 60, start + draw(st.integers(60, 10 * 60), label="shift length"))
                shift: dict[str, Any] = {
                    "day": day,
                    "start": _clock(data, start),
                    "end": _clock(data, end),
                }
                if end - start > 60 and draw(st.booleans(), label="break"):
                    minutes = draw(st.integers(10, 45), label="break minutes")
                    earliest = draw(st.integers(start, end - minutes), label="break earliest")
                    latest = draw(st.integers(earliest, end - minutes), label="break latest")
                    shift["break"] = {
                        "minutes": minutes,
                        "earliest": _clock(data, earliest),
                        "latest": _clock(data, latest),
                    }
                shifts.append(shift)
            carer = f"S{t}{k}"
            members.append(carer)
            doc["staff"].append(
                {
                    "id": carer,
                    "name": f"Carer {t}{k}",
                    "team": team,
                    "skills": draw(st.lists(st.sampled_from(skills), unique=True), label="skills"),
                    "travel_mode": draw(st.sampled_from(modes), label="mode"),
                    "shifts": shifts,
                }
            )
        for c in range(draw(st.integers(1, 3), label="clients")):
            client: dict[str, Any] = {
                "id": f"C{t}{c}",
                "name": f"Client {t}{c}",
                "team": team,
                "location": {"lat": 62.39 + 0.01 * t + 0.003 * c, "lon": 17.30 + 0.004 * c},
                "preferred_carers": draw(
                    st.lists(st.sampled_from(members), unique=True, max_size=2), label="preferred"
                ),
            }
            others = [m for m in members if m not in client["preferred_carers"]]
            client["excluded_carers"] = (
                draw(st.lists(st.sampled_from(others), max_size=1), label="excluded")
                if others
                else []
            )
            if draw(st.booleans(), label="contact"):
                client["contact_carer"] = draw(st.sampled_from(members), label="contact carer")
            doc["clients"].append(client)
    for v in range(draw(st.integers(0, 8), label="visits")):
        doc["visits"].append(_new_visit(data, doc, f"V{v}", days, wild=False))
    if draw(st.booleans(), label="pattern"):
        pattern = _new_visit(data, doc, "P0", days, wild=False)
        for key in ("day", "last_day", "locked_carers", "locked_start"):
            pattern.pop(key, None)
        first = draw(st.integers(0, 6), label="first weekday")
        last = draw(st.integers(first, 6), label="last weekday")
        pattern["weekdays"] = list(range(first, last + 1))
        pattern["flexible"] = draw(st.booleans(), label="flexible")
        doc["patterns"] = [pattern]
    return doc


def _ids(doc: Any, collection: str) -> list[str]:
    records = doc.get(collection) if isinstance(doc, dict) else None
    if not isinstance(records, list):
        return []
    return [r["id"] for r in records if isinstance(r, dict) and isinstance(r.get("id"), str)]


def _new_visit(
    data: st.DataObject, doc: Any, ident: str, days: int = 2, wild: bool = True
) -> dict[str, Any]:
    """A visit of one of the document's clients, sometimes double-staffed, multi-day or locked."""
    draw = data.draw
    clients = _ids(doc, "clients") or ["C1"]
    staff = _ids(doc, "staff") or ["S1"]
    day = draw(st.integers(0, max(0, days - 1)), label="visit day")
    earliest = draw(st.integers(6 * 60, 21 * 60), label="earliest")
    latest = min(24 * 60, earliest + draw(st.integers(0, 240), label="window"))
    visit: dict[str, Any] = {
        "id": ident,
        "client": draw(st.sampled_from(clients), label="client"),
        "day": day,
        "window": {"earliest": _clock(data, earliest), "latest": _clock(data, latest)},
        "duration": draw(st.integers(5, 120), label="duration"),
        "staff_needed": draw(st.sampled_from([1, 1, 1, 2]), label="staff needed"),
        "skills": draw(st.lists(st.sampled_from(["medication", "insulin"]), unique=True)),
        "priority": draw(st.sampled_from(["mandatory", "deferrable"]), label="priority"),
        "service": draw(st.sampled_from(["shower", "meal", "morning help", ""]), label="service"),
    }
    if draw(st.integers(0, 3), label="multi-day") == 0:
        visit["last_day"] = draw(st.integers(day, max(day, days - 1)), label="last day")
    if draw(st.integers(0, 3 if wild else 5), label="locked") == 0:
        _lock(data, visit, staff if wild else _eligible(doc, visit), wild)
    return visit


def _eligible(doc: Any, visit: dict[str, Any]) -> list[str]:
    """The carers of the visit's client's team who have its skills, are not excluded and work
    around its window on its day (a lock a small instance may well keep)."""
    client = next((c for c in _records(doc, "clients") if c.get("id") == visit["client"]), {})
    window = visit.get("window") or {}
    earliest, latest = _minutes_of(window.get("earliest")), _minutes_of(window.get("latest"))
    duration = visit.get("duration", 0)

    def fits(shift: dict[str, Any]) -> bool:
        start, end = _minutes_of(shift.get("start")), _minutes_of(shift.get("end"))
        if None in (start, end, earliest, latest) or shift.get("day") != visit.get("day"):
            return False
        return start + 20 <= latest and earliest + duration + 20 <= end  # type: ignore[operator]

    return [
        s["id"]
        for s in _records(doc, "staff")
        if s.get("team") == client.get("team")
        and set(visit.get("skills", [])) <= set(s.get("skills", []))
        and s.get("id") not in client.get("excluded_carers", [])
        and any(fits(shift) for shift in _records(s, "shifts"))
    ]


def _lock(data: st.DataObject, visit: dict[str, Any], staff: list[str], wild: bool = True) -> None:
    """Lock carers and/or a start on `visit`: plausible ones (the carers it needs at most, a start
    inside its window), or (`wild`) sometimes anything."""
    draw = data.draw
    wild = wild and draw(st.booleans(), label="wild lock")
    what = draw(st.sampled_from(["carers", "start", "both"]), label="lock")
    if what != "start" and (staff or wild):
        needed = visit.get("staff_needed") if visit.get("staff_needed") in (1, 2) else 1
        if wild:
            carers = st.lists(st.sampled_from([*staff, "S99", ""]), max_size=3)
        else:
            carers = st.lists(st.sampled_from(staff), min_size=1, max_size=needed, unique=True)
        visit["locked_carers"] = draw(carers, label="locked carers")
    if what != "carers":
        window = visit.get("window")
        inside = None
        if isinstance(window, dict):
            low, high = window.get("earliest"), window.get("latest")
            low = _minutes_of(low)
            high = _minutes_of(high)
            if low is not None and high is not None and low <= high:
                inside = draw(st.integers(low, high), label="locked start inside")
        if inside is not None and not wild:
            visit["locked_start"] = _clock(data, inside)
        else:
            visit["locked_start"] = draw(CLOCKS, label="locked start")


def _minutes_of(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 1440:
        return value
    if isinstance(value, str) and len(value) == 5 and value[2] == ":":
        try:
            return int(value[:2]) * 60 + int(value[3:])
        except ValueError:
            return None
    return None


# --------------------------------------------------------------------------- mutations


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    """Every place in a document: the root, each object member and each array element."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, path + (index,))
    return found


def _records(doc: Any, *path: Any) -> list[dict[str, Any]]:
    """The objects in the list at `path` of `doc` (none if it is not there)."""
    node = doc
    for step in path:
        if isinstance(node, dict) and isinstance(step, str):
            node = node.get(step)
        else:
            return []
    return [r for r in node if isinstance(r, dict)] if isinstance(node, list) else []


def _generic(doc: Any, data: st.DataObject) -> Any:
    """One structural mutation at a random place of `doc`: drop, rename, retype, nest,
    duplicate, or a huge number, a hostile string or a long list there."""
    draw = data.draw
    paths = [p for p in _paths(doc) if p]
    if not paths:
        return draw(JSON_VALUES, label="document")
    path = draw(st.sampled_from(paths), label="path")
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    operation = draw(
        st.sampled_from(
            ["drop", "rename", "retype", "nest", "duplicate", "huge", "string", "many"]
        ),
        label="operation",
    )
    if operation == "drop":
        del parent[last]
    elif operation == "rename" and isinstance(parent, dict):
        name = draw(st.one_of(TEXT, st.sampled_from(FIELD_NAMES)), label="new name")
        parent[name] = parent.pop(last)
    elif operation == "nest":
        value = parent[last]
        for _ in range(draw(st.integers(1, 40), label="depth")):
            value = [value] if draw(st.booleans(), label="in a list") else {"x": value}
        parent[last] = value
    elif operation == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    elif operation == "duplicate" and isinstance(parent, dict):
        again = DupDict(parent)  # the member written twice, the second time maybe changed
        again.extra = (
            str(last),
            copy.deepcopy(parent[last])
            if draw(st.booleans(), label="same value")
            else draw(JSON_VALUES, label="second value"),
        )
        _replace(doc, path[:-1], again)
    elif operation == "huge":
        parent[last] = draw(HUGE, label="huge")
    elif operation == "string":
        parent[last] = draw(STRINGS, label="string")
    elif operation == "many" and isinstance(parent[last], list) and parent[last]:
        items = parent[last]
        count = draw(st.sampled_from([50, 500, 5000]), label="elements")
        parent[last] = [copy.deepcopy(items[i % len(items)]) for i in range(count)]
    elif operation == "many":
        count = draw(st.sampled_from([50, 500, 5000]), label="elements")
        parent[last] = [copy.deepcopy(parent[last]) for _ in range(count)]
    else:
        parent[last] = draw(JSON_VALUES, label="value")
    return doc


def _replace(doc: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


def _instance_semantic(doc: Any, data: st.DataObject, wild: bool = True) -> Any:
    """One mutation in the instance's own terms: a lock, a visit added (or many), a shift, break,
    window, horizon, carer or client moved; (not `wild`) to values of the right form only."""
    draw = data.draw
    clocks = CLOCKS if wild else VALID_CLOCKS
    days_ = DAYS if wild else st.integers(0, 3)
    if not isinstance(doc, dict):
        return doc
    staff_ids = _ids(doc, "staff")
    team_ids = _ids(doc, "teams")
    visits = _records(doc, "visits")
    shifts = [s for carer in _records(doc, "staff") for s in _records(carer, "shifts")]
    timed = visits + _records(doc, "patterns")
    operation = draw(
        st.sampled_from(
            [
                "lock",
                "lock",
                "add visit",
                "many visits",
                "move shift",
                "move break",
                "move window",
                "horizon",
                "carer",
                "client",
                "text",
            ]
        ),
        label="semantic",
    )
    days = doc.get("horizon", {}).get("days") if isinstance(doc.get("horizon"), dict) else 2
    days = days if isinstance(days, int) and 1 <= days <= 7 else 2
    if operation == "lock" and visits:
        visit = draw(st.sampled_from(visits), label="visit")
        _lock(data, visit, staff_ids if wild else _eligible(doc, visit), wild)
    elif operation in ("add visit", "lock") and isinstance(doc.get("visits", []), list):
        ident = f"V-new-{len(doc.get('visits', []))}"
        doc.setdefault("visits", []).append(_new_visit(data, doc, ident, days, wild))
    elif operation == "many visits" and isinstance(doc.get("visits", []), list):
        count = draw(st.integers(10, 40), label="new visits")
        first = len(doc.get("visits", []))
        doc.setdefault("visits", []).extend(
            _new_visit(data, doc, f"V-many-{first + k}", days, wild) for k in range(count)
        )
    elif operation == "move shift" and shifts and not wild:
        shift = draw(st.sampled_from(shifts), label="shift")
        start = draw(st.integers(0, 20 * 60), label="shift start")
        shift["start"] = _clock(data, start)
        shift["end"] = _clock(data, start + draw(st.integers(30, 12 * 60), label="shift length"))
        shift.pop("break", None)
    elif operation == "move shift" and shifts:
        shift = draw(st.sampled_from(shifts), label="shift")
        for key in draw(
            st.lists(st.sampled_from(["start", "end", "day"]), min_size=1, unique=True)
        ):
            shift[key] = draw(clocks if key != "day" else days_, label=key)
    elif operation == "move break" and shifts and not wild:
        shift = draw(st.sampled_from(shifts), label="shift")
        start, end = _minutes_of(shift.get("start")), _minutes_of(shift.get("end"))
        if start is not None and end is not None and end - start > 60:
            minutes = draw(st.integers(5, 60), label="break minutes")
            earliest = draw(st.integers(start, end - minutes), label="break earliest")
            latest = draw(st.integers(earliest, end - minutes), label="break latest")
            shift["break"] = {
                "minutes": minutes,
                "earliest": _clock(data, earliest),
                "latest": _clock(data, latest),
            }
    elif operation == "move break" and shifts:
        shift = draw(st.sampled_from(shifts), label="shift")
        if draw(st.booleans(), label="drop the break"):
            shift.pop("break", None)
        else:
            shift["break"] = {
                "minutes": draw(
                    st.one_of(st.integers(-5, 600), HUGE) if wild else st.integers(5, 60),
                    label="break minutes",
                ),
                "earliest": draw(clocks, label="break earliest"),
                "latest": draw(clocks, label="break latest"),
            }
    elif operation == "move window" and timed:
        visit = draw(st.sampled_from(timed), label="visit")
        what = draw(
            st.sampled_from(["window", "duration", "day", "last_day", "staff_needed"])
            if wild or visit.get("day") is not None
            else st.sampled_from(["window", "duration", "staff_needed"])
        )
        if what == "window" and not wild:
            earliest = draw(st.integers(0, 23 * 60), label="earliest")
            latest = min(24 * 60, earliest + draw(st.integers(0, 300), label="window"))
            visit["window"] = {"earliest": _clock(data, earliest), "latest": _clock(data, latest)}
            visit.pop("locked_start", None)
        elif what == "window":
            visit["window"] = {
                "earliest": draw(clocks, label="earliest"),
                "latest": draw(clocks, label="latest"),
            }
        elif what == "duration":
            visit["duration"] = draw(
                st.one_of(st.integers(-5, 1500), HUGE) if wild else st.integers(1, 1440),
                label="duration",
            )
        elif what == "staff_needed":
            visit["staff_needed"] = draw(st.integers(0, 3) if wild else st.sampled_from([1, 2]))
        else:
            visit[what] = draw(days_, label=what)
    elif operation == "horizon" and wild:
        doc["horizon"] = {
            "start_date": draw(DATES, label="start date"),
            "days": draw(st.one_of(st.sampled_from([1, 2, 3, 7, 14, 366, 367, 0]), HUGE)),
        }
    elif operation == "horizon" and isinstance(doc.get("horizon"), dict):
        doc["horizon"]["days"] = draw(st.integers(1, 7), label="days")
    elif operation == "carer" and _records(doc, "staff"):
        carer = draw(st.sampled_from(_records(doc, "staff")), label="carer")
        fields = ["team", "skills", "travel_mode"] + (["id"] if wild else [])
        what = draw(st.sampled_from(fields), label="carer field")
        if what == "team":
            carer["team"] = draw(st.sampled_from([*team_ids, "T-unknown"]), label="team")
        elif what == "skills":
            skills = ["medication", "insulin"] + (["x"] if wild else [])
            carer["skills"] = draw(st.lists(st.sampled_from(skills), unique=not wild))
        elif what == "travel_mode":
            carer["travel_mode"] = draw(st.sampled_from(["walk", "bike", "car", "boat"]))
        else:
            carer["id"] = draw(st.sampled_from([*staff_ids, *team_ids, *_ids(doc, "clients")]))
    elif operation == "text":  # a name, a note, a service or an id holding control characters
        records = [
            (collection, r)
            for collection in ("teams", "staff", "clients", "visits", "patterns")
            for r in _records(doc, collection)
        ]
        if records:
            collection, record = draw(st.sampled_from(records), label="record")
            fields = ["name"] if collection != "visits" and collection != "patterns" else []
            fields += ["notes", "service"] if collection in ("visits", "patterns") else []
            what = draw(st.sampled_from([*fields, "id"]), label="text field")
            text = draw(st.one_of(CONTROL_TEXT, TEXT, LONG_TEXT) if wild else CONTROL_TEXT)
            if what == "id" and isinstance(record.get("id"), str):
                _rename(doc, record["id"], record["id"] + text)
            else:
                record[what] = text
    elif operation == "client" and _records(doc, "clients"):
        client = draw(st.sampled_from(_records(doc, "clients")), label="client")
        what = draw(st.sampled_from(["preferred_carers", "excluded_carers", "contact_carer"]))
        excluded = client.get("excluded_carers") if what == "preferred_carers" else []
        allowed = [c for c in staff_ids if wild or c not in (excluded or [])]
        carers = st.sampled_from([*allowed, "S-unknown"] if wild or not allowed else allowed)
        if what == "excluded_carers" and not wild:
            what = "preferred_carers"  # (a refusal would be right, but not what this is for)
        if what == "contact_carer":
            client[what] = draw(st.one_of(st.none(), carers), label=what)
        else:
            client[what] = draw(st.lists(carers, max_size=4), label=what)
    return doc


def _rename(doc: Any, old: str, new: str) -> None:
    """Rename an id everywhere the document refers to it (every string equal to `old`)."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            for key, value in node.items():
                node[key] = walk(value)
        elif isinstance(node, list):
            node[:] = [walk(v) for v in node]
        elif node == old:
            return new
        return node

    walk(doc)


def _schedule_semantic(doc: Any, data: st.DataObject, staff_ids: list[str]) -> Any:
    """One mutation in the schedule's own terms: a start, day or carers of an assignment,
    a route's figures or stops, an assignment moved or dropped."""
    draw = data.draw
    if not isinstance(doc, dict):
        return doc
    assignments = _records(doc, "assignments")
    routes = _records(doc, "routes")
    stops = [s for r in routes for s in _records(r, "stops")]
    carers = st.sampled_from([*staff_ids, "S-unknown", ""])
    operation = draw(
        st.sampled_from(
            [
                "start",
                "day",
                "carers",
                "visit",
                "swap",
                "unassign",
                "route",
                "stop",
                "instance",
                "many",
            ]
        ),
        label="semantic",
    )
    if operation in ("start", "day", "carers", "visit", "unassign", "many") and assignments:
        a = draw(st.sampled_from(assignments), label="assignment")
        if operation == "start":
            a["start"] = draw(CLOCKS, label="start")
        elif operation == "day":
            a["day"] = draw(DAYS, label="day")
        elif operation == "carers":
            a["carers"] = draw(st.lists(carers, max_size=3), label="carers")
        elif operation == "visit":
            a["visit"] = draw(st.one_of(CONTROL_TEXT, TEXT), label="visit")
        elif operation == "unassign":
            doc["assignments"].remove(a)
            if isinstance(doc.get("unassigned"), list) and draw(st.booleans()):
                doc["unassigned"].append({"visit": a.get("visit"), "reason": "moved"})
        else:
            count = draw(st.sampled_from([2, 50, 2000]), label="copies")
            doc["assignments"].extend(copy.deepcopy(a) for _ in range(count))
    elif operation == "swap" and len(assignments) >= 2:
        a, b = draw(st.lists(st.sampled_from(assignments), min_size=2, max_size=2, unique_by=id))
        a["carers"], b["carers"] = b.get("carers"), a.get("carers")
    elif operation == "route" and routes:
        route = draw(st.sampled_from(routes), label="route")
        what = draw(st.sampled_from(["carer", "day", "travel_back", "travel_minutes", "drop"]))
        if what == "drop":
            doc["routes"].remove(route)
        elif what == "carer":
            route["carer"] = draw(carers, label="route carer")
        else:
            route[what] = draw(st.one_of(st.integers(-2, 3000), HUGE), label=what)
    elif operation == "stop" and stops:
        stop = draw(st.sampled_from(stops), label="stop")
        what = draw(st.sampled_from(["start", "end", "travel", "wait", "kind", "visit"]))
        if what in ("start", "end"):
            stop[what] = draw(CLOCKS, label=what)
        elif what == "kind":
            stop["kind"] = draw(st.sampled_from(["visit", "break", "lunch"]), label="kind")
        elif what == "visit":
            stop["visit"] = draw(st.one_of(st.none(), TEXT), label="stop visit")
        else:
            stop[what] = draw(st.one_of(st.integers(-2, 3000), HUGE), label=what)
    elif operation == "instance":
        doc["instance"] = draw(st.one_of(st.sampled_from(["tiny", "hand", ""]), TEXT))
    return doc


def _mutated(doc: Any, data: st.DataObject, semantic: Callable[[Any, st.DataObject], Any]) -> Any:
    """`doc` (a deep copy) after one to three mutations, structural or in its own terms."""
    doc = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        if data.draw(st.booleans(), label="in its own terms"):
            doc = semantic(doc, data)
        else:
            doc = _generic(doc, data)
    return doc


# --------------------------------------------------------------------------- instance cases


def _matrix_sources(case: Case, name: str, doc: Any) -> list[str]:
    """How a problem line names the travel-matrix file `doc` refers to (its resolved path, and
    that path with its control characters escaped, as every problem line shows them: a name
    holding a newline was counted a message without a file, explore seed 56)."""
    travel = doc.get("travel") if isinstance(doc, dict) else None
    matrix = travel.get("matrix_file") if isinstance(travel, dict) else None
    if not isinstance(matrix, str):
        return []
    try:
        path = str((case.folder / name).parent.joinpath(matrix).resolve())
    except (OSError, ValueError, RuntimeError):
        return []
    return [path, escape_controls(path)]


def _instance_case(
    census: Census, data: st.DataObject, doc: Any, matrix: Any = None, raw: bytes | None = None
) -> None:
    """validate; if accepted, solve with a tiny budget and evaluate the solver's schedule."""
    draw = data.draw
    with census.case() as case:
        name = draw(st.sampled_from(INSTANCE_NAMES), label="file name")
        if raw is None:
            raw = encode(dumps(doc, ensure_ascii=draw(st.booleans(), label="ascii")))
        case.write(name, raw)
        if matrix is not None:
            case.write(str(Path(name).parent / "matrix.json"), encode(dumps(matrix)))
        path = str(case.folder / name) if draw(st.booleans(), label="absolute") else name
        sources = [path, *_matrix_sources(case, name, doc)]
        flags = ["--allow-borrowing"] if draw(st.integers(0, 3), label="borrow") == 0 else []
        if case.run(["validate", path, *flags], {0, 2}, sources).exit_code != 0:
            return
        method = draw(
            st.sampled_from(
                ["continuity", "continuity", "central-greedy", "central-travel", "teams-travel"]
            ),
            label="method",
        )
        # the progress board names its rows by the teams: as written, whatever they hold
        progress = draw(st.sampled_from(["none", "lines", "live"]), label="progress")
        solved = case.run(
            [
                "solve",
                path,
                "-o",
                "schedule.json",
                *FAST,
                "--method",
                method,
                "--progress",
                progress,
                *flags,
            ],
            {0, 2},
            sources,
        )
        written = Path("schedule.json").exists()
        if solved.exit_code != 0:
            case.expect(not written, "partial output", "solve failed but wrote schedule.json")
            return
        case.expect(written, "no output", "solve exited 0 without writing schedule.json")
        if written:
            judged = case.run(
                ["evaluate", path, "schedule.json", *flags],
                {0},
                [*sources, "schedule.json"],
                exit_kind="evaluator rejects the solver's schedule",
            )
            if judged.exit_code == 0 and draw(st.integers(0, 3), label="bound") == 0:
                _bound_case(case, path, flags, sources)


def _bound_case(case: Case, path: str, flags: list[str], sources: list[str]) -> None:
    """`hemplan bound` beside a lawful schedule: when the schedule serves every visit (the
    bound's premise), no team's bound may exceed the pairs it gives."""
    bound = case.run(
        ["bound", path, "--time-limit", "3", "--work-limit", "0.5", "--workers", "1", "--json"]
        + ["--schedule", "schedule.json", *flags],
        {0},
        [*sources, "schedule.json"],
    )
    if bound.exit_code != 0 or json.loads(Path("schedule.json").read_text()).get("unassigned"):
        return
    for row in json.loads(bound.stdout):
        case.expect(row["bound"] <= row["pairs"], "bound above a plan", f"bound: {row}")


def test_random_documents_are_refused_cleanly() -> None:
    census = Census("random-documents")

    @FUZZ
    @given(
        doc=st.one_of(JSON_VALUES, st.dictionaries(st.sampled_from(list(TINY)), JSON_VALUES)),
        data=st.data(),
    )
    def run(doc: Any, data: st.DataObject) -> None:
        _instance_case(census, data, doc)

    run()
    census.finish()


def test_random_bytes_are_refused_cleanly() -> None:
    census = Census("random-bytes")

    @FUZZ
    @given(
        raw=st.one_of(
            st.binary(max_size=200),
            st.binary(max_size=200).map(lambda b: b"\xef\xbb\xbf" + b),  # a byte order mark
            st.binary(max_size=60).map(lambda b: encode(dumps(TINY))[:1500] + b),
        ),
        data=st.data(),
    )
    def run(raw: bytes, data: st.DataObject) -> None:
        _instance_case(census, data, None, raw=raw)

    run()
    census.finish()


def test_mutated_instances_validate_solve_and_evaluate_cleanly() -> None:
    census = Census("instances")

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        base = data.draw(st.sampled_from([*BASES, "small", "small"]), label="base")
        if base == "small":
            doc, matrix = small_instance(data), None
        else:
            doc, matrix = BASES[base]
        if matrix is not None and data.draw(st.integers(0, 3), label="mutate the matrix") == 0:
            matrix = _mutated(matrix, data, lambda d, _: d)
        else:
            doc = _mutated(doc, data, _instance_semantic)
        _instance_case(census, data, doc, matrix)

    run()
    census.finish()


def test_small_instances_solve_and_evaluate_cleanly() -> None:
    """Valid-looking small instances, only moved in their own terms (locks, windows, shifts,
    breaks): what the validator accepts, every method plans without a SolverBug."""
    census = Census("small-instances")

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        doc = small_instance(data)
        for _ in range(data.draw(st.integers(0, 2), label="moves")):
            doc = _instance_semantic(doc, data, wild=False)
        _instance_case(census, data, doc)

    run()
    census.finish()


def test_instances_are_teamed_cleanly() -> None:
    """`hemplan teams` on what the validator accepts (drawn small instances, moved in their
    own terms or mutated): a proposal written that validates and plans (exit 0), or a refusal
    naming the file and nothing written (exit 2), whatever the team count, sizes, slack and
    substitutes asked."""
    census = Census("teams")

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        draw = data.draw
        doc = small_instance(data)
        for _ in range(draw(st.integers(0, 2), label="moves")):
            doc = _instance_semantic(doc, data, wild=draw(st.booleans(), label="wild"))
        with census.case() as case:
            case.write("pool.json", encode(dumps(doc)))
            if case.run(["validate", "pool.json"], {0, 2}, ["pool.json"]).exit_code != 0:
                return
            size = draw(
                st.one_of(
                    st.just([]),
                    st.integers(1, 6).map(lambda k: ["--teams", str(k)]),
                    st.integers(1, 6).map(lambda n: ["--team-size", str(n)]),
                ),
                label="count or size",
            )
            bounds = draw(
                st.lists(
                    st.tuples(st.sampled_from(["--min-size", "--max-size"]), st.integers(1, 6)),
                    max_size=2,
                ),
                label="size bounds",
            )
            options = [
                *size,
                *(item for flag, n in bounds for item in (flag, str(n))),
                *draw(st.sampled_from([[], ["--keep-base"]]), label="keep base"),
                *draw(st.sampled_from([[], ["--substitutes", "shared"]]), label="substitutes"),
                "--slack",
                str(draw(st.sampled_from([0.0, 0.2, 1.0, 5.0]), label="slack")),
                "--seed",
                str(draw(st.integers(-(2**70), 2**70), label="seed")),
                "--teaming-work-limit",
                "0.05",
            ]
            teamed = case.run(
                ["teams", "pool.json", "-o", "teamed.json", *options], {0, 2}, ["pool.json"]
            )
            written = Path("teamed.json").exists()
            if teamed.exit_code != 0:
                case.expect(not written, "partial output", "teams failed but wrote teamed.json")
                return
            case.expect(written, "no output", "teams exited 0 without writing teamed.json")
            if not written:
                return
            case.run(
                ["validate", "teamed.json"],
                {0},
                ["teamed.json"],
                exit_kind="the validator refuses the proposed teams",
            )
            solved = case.run(
                ["solve", "teamed.json", "-o", "schedule.json", *FAST], {0, 2}, ["teamed.json"]
            )
            if solved.exit_code == 0:
                case.run(
                    ["evaluate", "teamed.json", "schedule.json"],
                    {0},
                    ["teamed.json", "schedule.json"],
                    exit_kind="evaluator rejects the solver's schedule",
                )

    run()
    census.finish()


# --------------------------------------------------------------------------- public sets

SAMPLES = {
    "solomon": ("T3.vrptw", SOLOMON),
    "mankowska": ("B1.txt", MANKOWSKA),
    "convrp": ("R3.txt", CONVRP),
    "hosseini": ("H7.txt", HOSSEINI),
}
TOKENS = st.one_of(
    st.sampled_from(["0", "-1", "-0", "1e308", "nan", "inf", "-inf", "", "x", "1.5", "1,5"]),
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["9" * 400, "\x00", "\ufeff", "é", " "]),
)


def _mutated_text(text: str, data: st.DataObject) -> bytes:
    """A public set's text file moved: numbers replaced, lines dropped or repeated, the end cut,
    bytes put in."""
    draw = data.draw
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3), label="edits")):
        if not lines:
            break
        k = draw(st.integers(0, len(lines) - 1), label="line")
        edit = draw(st.sampled_from(["token", "token", "drop", "repeat"]), label="edit")
        if edit == "drop":
            del lines[k]
        elif edit == "repeat":
            lines.insert(k, lines[k])
        else:
            words = lines[k].split(" ")
            w = draw(st.integers(0, len(words) - 1), label="word")
            words[w] = draw(TOKENS, label="token") + ("\n" if words[w].endswith("\n") else "")
            lines[k] = " ".join(words)
    raw = "".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 4), label="cut") == 0:
        raw = raw[: draw(st.integers(0, len(raw)), label="at")]
    if draw(st.integers(0, 4), label="bytes") == 0:
        at = draw(st.integers(0, len(raw)), label="where")
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=4), label="bytes in") + raw[at:]
    return raw


def test_mutated_public_set_files_convert_or_are_refused_cleanly() -> None:
    """`hemplan convert`: a public set's file, moved, is converted into an instance that
    validates and plans (exit 0) or refused naming the file, with nothing written (exit 2)."""
    census = Census("convert")

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        name = data.draw(st.sampled_from([*SAMPLES, "uhhc"]), label="set")
        if name == "uhhc":
            source, raw = "u.json", encode(dumps(_mutated(UHHC, data, lambda d, _: d)))
        else:
            source, text = SAMPLES[name]
            raw = _mutated_text(text, data)
        with census.case() as case:
            case.write(source, raw)
            converted = case.run(["convert", name, source, "-o", "out.json"], {0, 2}, [source])
            written = Path("out.json").exists() or Path("out.matrix.json").exists()
            if converted.exit_code != 0:
                case.expect(not written, "partial output", "convert failed but wrote a file")
                return
            case.expect(written, "no output", "convert exited 0 without writing out.json")
            if not written:
                return
            valid = case.run(
                ["validate", "out.json"],
                {0},
                ["out.json", "out.matrix.json"],
                exit_kind="the validator refuses the converted instance",
            )
            if valid.exit_code != 0:
                return
            solved = case.run(
                ["solve", "out.json", "-o", "schedule.json", *FAST],
                {0, 2},
                ["out.json", "out.matrix.json"],
            )
            if solved.exit_code == 0:
                case.run(
                    ["evaluate", "out.json", "schedule.json"],
                    {0},
                    ["out.json", "out.matrix.json", "schedule.json"],
                    exit_kind="evaluator rejects the solver's schedule",
                )

    run()
    census.finish()


# --------------------------------------------------------------------------- schedule cases


@cache
def _schedule_base(base: str) -> tuple[dict[str, Any], list[str]]:
    """A verified schedule of a base instance, and the instance's carer ids."""
    doc, matrix = BASES[base]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "instance.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        if matrix is not None:
            (Path(folder) / "matrix.json").write_text(json.dumps(matrix), encoding="utf-8")
        instance = load_instance(path)
        result = solve(instance, SolveOptions(time_limit=10, workers=1, work_limit=0.05))
    assert result.evaluation.violations == []
    return json.loads(to_json(result.schedule)), [s.id for s in instance.staff]


def _schedule_case(
    census: Census, data: st.DataObject, base: str, doc: Any, raw: bytes | None = None
) -> None:
    """evaluate, report, export (csv or ics), replan a schedule of `base`, and plan the
    period after it with the schedule as its history (`next`)."""
    draw = data.draw
    instance, matrix = BASES[base]
    staff_ids = _schedule_base(base)[1]
    with census.case() as case:
        case.write("instance.json", encode(json.dumps(instance)))
        if matrix is not None:
            case.write("matrix.json", encode(json.dumps(matrix)))
        name = draw(st.sampled_from(["schedule.json", "plan ö.json", "old/schedule.json"]))
        if raw is None:
            raw = encode(dumps(doc, ensure_ascii=draw(st.booleans(), label="ascii")))
        case.write(name, raw)
        absolute = draw(st.booleans(), label="absolute")
        schedule = str(case.folder / name) if absolute else name
        sources = ["instance.json", schedule, str((case.folder / "matrix.json").resolve())]
        flags = ["--allow-borrowing"] if draw(st.integers(0, 3), label="borrow") == 0 else []
        case.run(["evaluate", "instance.json", schedule, *flags], {0, 1, 2}, sources)

        report = case.run(
            ["report", "instance.json", schedule, "-o", "report.html", *flags], {0, 2}, sources
        )
        _written(case, report.exit_code, Path("report.html"), "report")

        fmt = draw(st.sampled_from(["csv", "ics"]), label="format")
        exported = case.run(
            ["export", schedule, "--instance", "instance.json", "--format", fmt, "-o", "out"],
            {0, 2},
            [*sources, "out"],
        )
        if exported.exit_code == 2:
            files = list(Path("out").iterdir()) if Path("out").is_dir() else []
            case.expect(not files, "partial output", f"export failed but wrote {files}")

        absence: list[str] = []
        if draw(st.booleans(), label="sick call"):
            carer = draw(st.sampled_from([*staff_ids, "S-unknown"]), label="absent")
            days = draw(st.sampled_from(["0", "1", "0-1", "1-0", "2", "-1", "x", "0-" + "9" * 30]))
            absence = ["--absent", carer, "--days", days]
        replanned = case.run(
            ["replan", "instance.json", schedule, "-o", "new.json", *FAST, *absence, *flags],
            {0, 2},
            [*sources, "--absent", "--days"],
        )
        _written(case, replanned.exit_code, Path("new.json"), "replan")
        if replanned.exit_code == 0 and Path("new.json").exists():
            case.run(
                ["evaluate", "instance.json", "new.json", *flags],
                {0},
                [*sources, "new.json"],
                exit_kind="evaluator rejects the replanned schedule",
            )

        # the period after the instance's, planned with the schedule as its history
        case.write("next.json", encode(json.dumps(_next_period(instance))))
        planned = case.run(
            ["next", "next.json", schedule, "-o", "next-plan.json", *FAST, *flags],
            {0, 2},
            [*sources, "next.json"],
        )
        _written(case, planned.exit_code, Path("next-plan.json"), "next")
        if planned.exit_code == 0 and Path("next-plan.json").exists():
            case.run(
                ["evaluate", "next.json", "next-plan.json", *flags],
                {0},
                ["next.json", "next-plan.json", sources[2]],
                exit_kind="evaluator rejects the next period's schedule",
            )


def _next_period(instance: dict[str, Any]) -> dict[str, Any]:
    """The instance moved on by its own horizon: the period after it, days numbered alike."""
    later = copy.deepcopy(instance)
    horizon = later["horizon"]
    start = date.fromisoformat(horizon["start_date"]) + timedelta(days=horizon["days"])
    horizon["start_date"] = start.isoformat()
    return later


def _written(case: Case, exit_code: int, path: Path, command: str) -> None:
    if exit_code == 0:
        case.expect(path.exists(), "no output", f"{command} exited 0 without writing {path}")
    elif exit_code == 2:
        case.expect(not path.exists(), "partial output", f"{command} failed but wrote {path}")


def test_mutated_schedules_evaluate_report_export_and_replan_cleanly() -> None:
    census = Census("schedules")

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        base = data.draw(st.sampled_from(["tiny", "tiny", "hand"]), label="base")
        doc, staff_ids = _schedule_base(base)
        if data.draw(st.integers(0, 9), label="random bytes") == 0:
            raw = data.draw(st.binary(max_size=200), label="bytes")
            _schedule_case(census, data, base, None, raw)
            return
        mutated = _mutated(doc, data, lambda d, dd: _schedule_semantic(d, dd, staff_ids))
        _schedule_case(census, data, base, mutated)

    run()
    census.finish()


# --------------------------------------------------------------------------- CSV cases

CSV_BASE: dict[str, list[list[str]]] = {
    "teams.csv": [
        ["id", "name", "office_lat", "office_lon"],
        ["T1", "Norr", "62.38", "17.30"],
        ["T2", "Söder", "62,39", "17,32"],
    ],
    "clients.csv": [
        ["id", "name", "team", "lat", "lon", "preferred_carers", "excluded_carers",
         "contact_carer"],
        ["C1", "Karin Berg", "T1", "62.381", "17.305", "S1|S2", "", "S1"],
        ["C2", "Olle Ek", "T1", "62.383", "17.309", "", "S3", ""],
        ["C3", "Åsa Lind", "T2", "62.390", "17.320", "", "", ""],
    ],
    "staff.csv": [
        ["id", "name", "team", "skills", "travel_mode"],
        ["S1", "Aisha", "T1", "insulin|lift", "bike"],
        ["S2", "Bo", "T1", "", ""],
        ["S3", "Cia", "T2", "insulin", "car"],
        ["S4", "Dan", "T1", "lift", "walk"],
    ],
    "shifts.csv": [
        ["staff", "day", "start", "end", "break_minutes", "break_earliest", "break_latest"],
        ["S1", "2025-03-03", "07:00", "16:00", "30", "11:00", "13:00"],
        ["S1", "2025-03-04", "07:00", "16:00", "30", "", ""],
        ["S2", "2025-03-03", "07:00:00", "15:00", "", "", ""],
        ["S4", "1", "07:00", "15:00", "20", "", ""],
        ["S3", "2025-03-05", "08:00", "17:00", "", "", ""],
    ],
    "visits.csv": [
        ["id", "client", "day", "last_day", "earliest", "latest", "duration", "staff_needed",
         "skills", "priority", "service", "notes", "locked_carers", "locked_start"],
        ["V1", "C1", "2025-03-03", "", "07:00", "08:30", "45", "", "insulin", "", "morning help",
         "", "", ""],
        ["V2", "C2", "2025-03-03", "2025-03-05", "09:00", "14:00", "60", "2", "", "deferrable",
         "cleaning", "key in box", "", ""],
        ["V3", "C3", "2", "", "10:00", "11:00", "30", "", "", "", "meal", "", "S3", "10:30"],
        ["V4", "C1", "1", "", "08:00", "12:00", "30", "2", "lift", "", "shower", "", "S1|S4",
         "09:00"],
    ],
}  # fmt: skip
CSV_COLUMNS = {column for rows in CSV_BASE.values() for column in rows[0]}
CELLS = st.one_of(
    TEXT,
    CONTROL_TEXT,
    LONG_TEXT,
    st.sampled_from(
        [
            "", " ", ";", ",", "\t", "|", '"', '"a""b', '"unclosed', "\n", "\r\n", "\r", "\x00",
            "S1 S2", "S1||S2", "|", "99999999999", "9" * 18, "9" * 19, "9" * 5000, "-5", "-0",
            "1e9", "1e400", "0x10", "٣", "１２", "nan", "inf", "-inf", "1_000", "07:00:00", "24:00",
            "24:01", "23:60", "7:5", "-01:00", "62,38", "62.38.1", "1e308", "91", "-181",
            "2025-02-29", "2024-02-29", "0001-01-01", "9999-12-31", "2025-03-03T00:00",
            "2025-13-01", "T1", "T2", "T-unknown", "C1", "S1", "S99", "walk", "boat", "2", "3",
            "deferrable", "=cmd|' /C calc'!A0", "\ufeffid", "sep=;",
        ]
    ),
)  # fmt: skip
ENCODINGS = ["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "utf-16-le", "cp1252",
             "latin-1", "utf-32"]  # fmt: skip
READABLE = ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "cp1252"]


def _csv_format(data: st.DataObject, readable: bool = False) -> dict[str, Any]:
    """How a spreadsheet writes its files: delimiter, quoting, line end, `sep=` line, encoding
    (`readable`: quoted, and only the encodings the import promises to read)."""
    draw = data.draw
    delimiter = draw(st.sampled_from([",", ";", "\t"]), label="delimiter")
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]), label="line end")
    return {
        "delimiter": delimiter,
        "newline": newline,
        "quoted": readable or draw(st.booleans(), label="quoted"),
        # (a sep line with a tab or CR: test_a_sep_line_is_understood_with_every_delimiter_and...)
        "sep": draw(st.integers(0, 5), label="sep line") == 0
        and not (readable and (delimiter == "\t" or newline == "\r")),
        "encoding": draw(st.sampled_from(READABLE if readable else ENCODINGS), label="encoding"),
    }


def _csv_bytes(rows: list[list[str]], fmt: dict[str, Any]) -> bytes:
    """The rows as a file in the format `fmt` (see `_csv_format`)."""
    delimiter, newline = fmt["delimiter"], fmt["newline"]
    if fmt["quoted"]:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
        text = buffer.getvalue()
    else:
        text = "".join(delimiter.join(row) + newline for row in rows)
    if fmt["sep"]:
        text = f"sep={delimiter}{newline}" + text
    encoding = fmt["encoding"]
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be", "surrogatepass")
    if encoding.startswith("utf"):
        return text.encode(encoding, "surrogatepass")
    return text.encode(encoding, "replace")


def _mutate_rows(rows: list[list[str]], data: st.DataObject) -> list[list[str]]:
    """One change to a CSV file's rows: a cell, a row shortened or lengthened, a row dropped,
    repeated (many times, with new ids or not), a header cell renamed."""
    draw = data.draw
    rows = [list(r) for r in rows]
    operation = draw(
        st.sampled_from(
            ["cell", "cell", "cell", "shorten", "lengthen", "drop", "repeat", "many", "header"]
        ),
        label="row operation",
    )
    if not rows:
        return [[draw(CELLS, label="cell")]]
    index = draw(st.integers(0, len(rows) - 1), label="row")
    row = rows[index]
    if operation == "cell" and row:
        column = draw(st.integers(0, len(row) - 1), label="column")
        same_column = [r[column] for r in rows[1:] if len(r) > column]
        if same_column and draw(st.booleans(), label="another row's value"):
            row[column] = draw(st.sampled_from(same_column), label="cell")
        else:
            row[column] = draw(CELLS, label="cell")
    elif operation == "shorten":
        del row[draw(st.integers(0, len(row)), label="keep") :]
    elif operation == "lengthen":
        row.extend(draw(st.lists(CELLS, min_size=1, max_size=5), label="extra cells"))
    elif operation == "drop":
        del rows[index]
    elif operation == "repeat":
        rows.insert(index, list(row))
    elif operation == "many" and len(rows) > 1:
        template = rows[draw(st.integers(1, len(rows) - 1), label="template")]
        count = draw(st.sampled_from([30, 300, 3000]), label="rows")
        fresh = rows[0][:1] == ["id"] and draw(st.booleans(), label="new ids")
        for k in range(count):
            copy_ = list(template)
            if fresh and copy_:
                copy_[0] = f"{copy_[0]}-{k}"
            rows.append(copy_)
    elif rows[0]:
        rows[0][draw(st.integers(0, len(rows[0]) - 1), label="header")] = draw(
            st.one_of(CELLS, st.sampled_from(sorted(CSV_COLUMNS))), label="header cell"
        )
    return rows


def _mutate_bytes(content: bytes, data: st.DataObject) -> bytes:
    draw = data.draw
    operation = draw(st.sampled_from(["cut", "insert", "replace"]), label="byte operation")
    at = draw(st.integers(0, len(content)), label="at")
    if operation == "cut":
        return content[:at]
    if operation == "insert":
        return content[:at] + draw(st.binary(min_size=1, max_size=8), label="bytes") + content[at:]
    return draw(st.binary(max_size=300), label="bytes")


def test_mutated_csv_folders_import_or_are_refused_cleanly() -> None:
    census = Census("csv")

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        draw = data.draw
        tables = {name: [list(r) for r in rows] for name, rows in CSV_BASE.items()}
        if draw(st.integers(0, 4), label="without teams.csv") == 0:
            del tables["teams.csv"]
        for _ in range(draw(st.integers(0, 3), label="row mutations")):
            name = draw(st.sampled_from(sorted(tables)), label="file")
            tables[name] = _mutate_rows(tables[name], data)
        fmt = _csv_format(data, readable=draw(st.integers(0, 3), label="odd format") != 0)
        files: dict[str, bytes | None] = {
            name: _csv_bytes(
                rows,
                _csv_format(data)
                if draw(st.integers(0, 7), label="format of its own") == 0
                else fmt,
            )
            for name, rows in tables.items()
        }
        for _ in range(draw(st.integers(0, 2), label="file mutations")):
            name = draw(st.sampled_from(sorted(files)), label="file")
            operation = draw(st.sampled_from(["bytes", "remove", "add", "folder"]))
            if operation == "bytes" and files[name] is not None:
                files[name] = _mutate_bytes(files[name] or b"", data)
            elif operation == "remove":
                del files[name]
            elif operation == "add":
                extra = draw(st.sampled_from(["other.csv", "Visits.csv", "notes.txt"]))
                files[extra] = draw(st.binary(max_size=100), label="extra file")
            else:
                files[name] = None  # a folder where a file should be
            if not files:
                break
        options: list[str] = []
        start = draw(st.sampled_from([None] * 6 + ["2025-03-03", "2025-03-10", "1999-01-01"]))
        if start:
            options += ["--start-date", start]
        days = draw(st.sampled_from([None] * 6 + ["1", "3", "14", "366"]), label="--days")
        if days:
            options += ["--days", days]
        with census.case() as case:
            folder = draw(st.sampled_from(["district", "distrikt ö"]), label="folder")
            case.mkdir(folder)
            for name, content in files.items():
                if content is None:
                    case.mkdir(f"{folder}/{name}")
                else:
                    case.write(f"{folder}/{name}", content)
            given_folder = str(case.folder / folder) if draw(st.booleans()) else folder
            sources = [*CSV_BASE, *files, given_folder]
            result = case.run(
                ["import", given_folder, "-o", "instance.json", *options],
                {0, 2},
                sources,
                csv_columns=CSV_COLUMNS,
            )
            _written(case, result.exit_code, Path("instance.json"), "import")
            if result.exit_code == 0 and Path("instance.json").exists():
                # what import writes, validate accepts unchanged (README, CSV import)
                case.run(
                    ["validate", "instance.json"],
                    {0},
                    ["instance.json"],
                    exit_kind="validate refuses what import wrote",
                )

    run()
    census.finish()


# --------------------------------------------------------------------------- the starting points


def test_the_starting_points_are_valid() -> None:
    """Every fuzz case starts from a valid input, so that a mutation is what is tested: the base
    instances validate, their schedules evaluate feasible, the CSV folder imports in every
    format the fuzzing writes, and most drawn small instances are accepted."""
    census = Census("starting-points")
    for base, (doc, matrix) in BASES.items():
        with census.case() as case:
            case.write("instance.json", encode(json.dumps(doc)))
            if matrix is not None:
                case.write("matrix.json", encode(json.dumps(matrix)))
            schedule = _schedule_base(base)[0]
            case.write("schedule.json", encode(json.dumps(schedule)))
            case.run(["validate", "instance.json"], {0}, ["instance.json"])
            case.run(["evaluate", "instance.json", "schedule.json"], {0}, ["instance.json"])

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def csv_formats(data: st.DataObject) -> None:
        with census.case() as case:
            for name, rows in CSV_BASE.items():
                case.write(f"d/{name}", _csv_bytes(rows, _csv_format(data, readable=True)))
            case.run(["import", "d", "-o", "i.json"], {0}, [*CSV_BASE, "d"])

    csv_formats()
    accepted = []

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def small_ones(data: st.DataObject) -> None:
        with census.case() as case:
            case.write("instance.json", encode(json.dumps(small_instance(data))))
            result = case.run(["validate", "instance.json"], {0, 2}, ["instance.json"])
            accepted.append(result.exit_code == 0)

    small_ones()
    # about three in four are accepted (the explore profile, seeds 1-15: 16 to 39 of 40, 31 on
    # average); half failed at seeds 4 and 13 by chance. A third still says that most cases
    # test the product rather than the validator's first refusal
    assert sum(accepted) >= len(accepted) / 3, f"{sum(accepted)} of {len(accepted)} accepted"
    census.finish()


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_a_sep_line_is_understood_with_every_delimiter_and_line_end(
    delimiter: str, newline: str
) -> None:
    """Excel's delimiter line (`sep=;`) works for every delimiter and line end the import reads:
    the tab too (the line's whitespace must not be stripped away with it), and after a line
    ending in a bare CR (Excel for Mac's "CSV (Macintosh)")."""
    names = {",": "comma", ";": "semicolon", "\t": "tab", "\n": "LF", "\r\n": "CRLF", "\r": "CR"}
    census = Census(f"sep-line-{names[delimiter]}-{names[newline]}")
    with census.case() as case:
        for name, rows in CSV_BASE.items():
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
            case.write(f"d/{name}", encode(f"sep={delimiter}{newline}" + buffer.getvalue()))
        case.run(["import", "d", "-o", "i.json"], {0}, [*CSV_BASE, "d"])
    census.finish()


# --------------------------------------------------------------------------- found by fuzzing
# Each defect the fuzzing found, as a fixed case run through the same checks (so that it fails
# every time until fixed, whatever hypothesis draws). Reproducers: /tmp/fuzz-findings/<n>/.


def _one_case(test: str) -> Census:
    return Census(f"found-{test}")


def test_found_central_greedy_keeps_a_locked_start() -> None:
    """1: one carer, a visit locked to start 10:57 and another that central-greedy placed in its
    way: the lock was left unserved and `finish` raised SolverBug."""
    shift = {"day": 0, "start": 640, "end": 1221}
    doc = {
        "name": "small",
        "horizon": {"start_date": "2024-02-29", "days": 1},
        "skills": ["medication", "insulin"],
        "teams": [{"id": "T0", "office": {"lat": 62.39, "lon": 17.3}}],
        "staff": [
            {"id": "S00", "team": "T0", "skills": ["medication", "insulin"], "shifts": [shift]}
        ],
        "clients": [{"id": "C00", "team": "T0", "location": {"lat": 62.39, "lon": 17.3}}],
        "visits": [
            {
                "id": "V2",
                "client": "C00",
                "day": 0,
                "window": {"earliest": 518, "latest": "11:08"},
                "duration": 87,
                "skills": ["medication", "insulin"],
                "locked_start": 657,
            },
            {
                "id": "V3",
                "client": "C00",
                "day": 0,
                "window": {"earliest": 594, "latest": 735},
                "duration": 31,
                "skills": ["insulin"],
            },
        ],
    }
    census = _one_case("greedy-lock")
    for method in ("continuity", "central-greedy"):
        with census.case() as case:
            case.write("instance.json", encode(json.dumps(doc)))
            case.run(["validate", "instance.json"], {0}, ["instance.json"])
            case.run(
                ["solve", "instance.json", "-o", "s.json", *FAST, "--method", method],
                {0},
                ["instance.json"],
            )
    census.finish()


def test_found_record_problems_name_their_field() -> None:
    """2: problems a record's own checks find (a locked start outside the window, more locked
    carers than needed, last_day before day, two shifts a day, weekdays of a flexible pattern)
    named the record but no field, in JSON (`visits[V1]: ...`) and in CSV (`visits.csv:4: ...`)."""
    doc = copy.deepcopy(TINY)
    client, carers = doc["clients"][0]["id"], [s["id"] for s in doc["staff"]]
    window = {"earliest": "09:00", "latest": "11:00"}
    doc["visits"] = [
        {"id": "V1", "client": client, "day": 0, "window": window, "duration": 30,
         "locked_start": "12:00"},
        {"id": "V2", "client": client, "day": 0, "window": window, "duration": 30,
         "locked_carers": carers[:2]},
        {"id": "V3", "client": client, "day": 1, "last_day": 0, "window": window, "duration": 30},
    ]  # fmt: skip
    doc["staff"][0]["shifts"].append(dict(doc["staff"][0]["shifts"][0]))
    doc["patterns"][0].update(weekdays=[0, 2], flexible=True)
    tables = copy.deepcopy(CSV_BASE)
    tables["visits.csv"][4][13] = "12:30"  # V4's locked start, outside 08:00-12:00
    census = _one_case("record-field")
    with census.case() as case:
        case.write("instance.json", encode(json.dumps(doc)))
        case.run(["validate", "instance.json"], {2}, ["instance.json"])
    with census.case() as case:
        fmt = {"delimiter": ",", "newline": "\n", "quoted": True, "sep": False, "encoding": "utf-8"}
        for name, rows in tables.items():
            case.write(f"d/{name}", _csv_bytes(rows, fmt))
        case.run(["import", "d", "-o", "i.json"], {2}, [*CSV_BASE, "d"], csv_columns=CSV_COLUMNS)
    census.finish()


def test_found_schedule_text_is_shown_escaped() -> None:
    """3: a schedule's visit id with escape sequences reached the terminal raw in evaluate's
    violation lines and replan's change list."""
    schedule = copy.deepcopy(_schedule_base("tiny")[0])
    schedule["assignments"][0]["visit"] = "V\x1b[2J\x1b[31mRED\x07\r"
    census = _one_case("escaped")
    with census.case() as case:
        case.write("instance.json", encode(json.dumps(TINY)))
        case.write("schedule.json", encode(json.dumps(schedule)))
        sources = ["instance.json", "schedule.json"]
        case.run(["evaluate", "instance.json", "schedule.json"], {1}, sources)
        case.run(["replan", "instance.json", "schedule.json", "-o", "n.json", *FAST], {0}, sources)
    census.finish()


def test_found_import_checks_the_locks_as_validate_does() -> None:
    """5: import wrote an instance with a lock no schedule can keep (V1 needs insulin, locked to
    S2 who lacks it), which validate then refused; it must be refused on its line instead."""
    tables = copy.deepcopy(CSV_BASE)
    tables["visits.csv"][1][12] = "S2"
    census = _one_case("import-locks")
    with census.case() as case:
        fmt = {"delimiter": ",", "newline": "\n", "quoted": True, "sep": False, "encoding": "utf-8"}
        for name, rows in tables.items():
            case.write(f"d/{name}", _csv_bytes(rows, fmt))
        result = case.run(["import", "d", "-o", "i.json"], {2}, [*CSV_BASE, "d"], CSV_COLUMNS)
        case.expect(
            "visits.csv:2: locked_carers: " in result.stderr,
            "lock not refused on its line",
            result.stderr,
        )
    census.finish()
