"""Reading a history: the visits before the planned period, from a care system's export
(CSV or JSON) or from the schedules of earlier periods.

Each record is checked against the instance it is for: a client or carer the instance does
not know, a date inside the planned period, or dates out of order are errors that name the
file, the line (or record) and the field. An earlier *schedule* is read more leniently: the
clients who have left and the carers who have gone since are dropped with a note (their
visits are over), which is what planning the next period needs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

from hemplan.models.contract.instance import History, Instance, PastVisit
from hemplan.models.contract.problems import InputError, InputProblem
from hemplan.models.contract.schedule import Schedule
from hemplan.models.io.csv_cells import parse_rows
from hemplan.models.io.csv_layout import Column, FileSpec
from hemplan.models.io.csv_table import CsvProblems, read_table, validate_row
from hemplan.models.io.read import parse_model, read_json
from hemplan.models.io.references import Locator, history_problems

HISTORY_CSV = FileSpec(
    "history.csv",
    "history",
    True,
    PastVisit,
    (
        Column("date", "date", True, ("date",), "the day of the visit, YYYY-MM-DD", "2026-03-02"),
        Column("client", "str", True, ("client",), "client id as in the instance", "K1"),
        Column(
            "carers", "list", True, ("carers",), "the carer ids who came, separated by |", "A1|A2"
        ),
        Column("start", "time", False, ("start",), "the visit's start, HH:MM", "07:30"),
        Column("service", "str", False, ("service",), "what was done", "morning care"),
    ),
)


def read_history(path: str | Path, instance: Instance) -> tuple[list[PastVisit], list[str]]:
    """The past visits in a history file (CSV, or JSON: a history document, a list of past
    visits, or a schedule of an earlier period) checked against `instance`; with the notes
    of what was dropped from a schedule. Raises InputError naming every problem."""
    source = str(path)
    if Path(path).suffix.lower() == ".csv":
        return _from_csv(Path(path), instance), []
    raw = read_json(path)
    if isinstance(raw, dict) and ("assignments" in raw or "routes" in raw):
        return from_schedule(parse_model(Schedule, raw, source), source, instance)
    history = parse_model(History, {"visits": raw} if isinstance(raw, list) else raw, source)
    _raise(history_problems(instance, history.visits, _json_locator(source)))
    return history.visits, []


def with_history(instance: Instance, visits: Iterable[PastVisit], look_back_days: int) -> Instance:
    """The instance with these past visits (in date order) as its history."""
    ordered = sorted(visits, key=lambda v: v.date)
    return instance.model_copy(
        update={"history": History(look_back_days=look_back_days, visits=ordered)}
    )


def from_schedule(
    schedule: Schedule, source: str, instance: Instance
) -> tuple[list[PastVisit], list[str]]:
    """The visits of an earlier period's schedule, dated by its `start_date`, as past visits
    of `instance`'s clients and carers (those who have left are dropped, with a note)."""
    if schedule.start_date is None:
        raise InputError(
            [
                InputProblem(
                    source,
                    "start_date",
                    "the schedule does not say its start date (written by an older hemplan); "
                    "solve that period again, or give the history as CSV (date, client, carers)",
                )
            ]
        )
    carers_of: dict[str, list[str]] = {a.visit: a.carers for a in schedule.assignments}
    seen: dict[tuple[str, int], PastVisit] = {}
    left_clients: set[str] = set()
    gone_carers: set[str] = set()
    for route in schedule.routes:
        for stop in route.stops:
            if stop.kind != "visit" or stop.visit is None or stop.client is None:
                continue
            key = (stop.visit, route.day)
            if key in seen:
                continue
            if stop.client not in instance.client_by_id:
                left_clients.add(stop.client)
                continue
            carers = carers_of.get(stop.visit, [route.carer])
            known = [c for c in carers if c in instance.staff_by_id]
            gone_carers.update(c for c in carers if c not in instance.staff_by_id)
            if not known:
                continue
            when = _dated(schedule.start_date, route.day)
            if when is None:
                raise InputError(
                    [
                        InputProblem(
                            source,
                            f"routes[{route.carer} day {route.day}].day",
                            f"day {route.day:,} after {schedule.start_date} is past the last "
                            "date of the calendar",
                        )
                    ]
                )
            seen[key] = PastVisit(
                date=when,
                client=stop.client,
                carers=known,
                start=stop.start,
            )
    visits = sorted(seen.values(), key=lambda v: (v.date, v.start or 0, v.client))
    _raise(history_problems(instance, visits, lambda i, f: (source, f"visit on {visits[i].date}")))
    notes = []
    if left_clients:
        notes.append(f"{source}: {len(left_clients)} clients no longer in the instance: skipped")
    if gone_carers:
        notes.append(f"{source}: {len(gone_carers)} carers no longer in the instance: skipped")
    return visits, notes


def _dated(start: date, day: int) -> date | None:
    """The date `day` days after `start`, or None past the calendar's last (9999-12-31)."""
    try:
        return start + timedelta(days=day)
    except OverflowError:
        return None


def _from_csv(path: Path, instance: Instance) -> list[PastVisit]:
    spec = dataclasses.replace(HISTORY_CSV, name=str(path))
    out = CsvProblems()
    table = read_table(spec, path, out)
    parse_rows(table, out)
    for row in table.rows:
        validate_row(spec, row, out)
    if out:
        raise InputError(out.sorted())
    rows = [row for row in table.rows if row.record is not None]
    visits: list[PastVisit] = [row.record for row in rows]
    column = {c.path[0]: c.name for c in spec.columns}
    _raise(
        history_problems(
            instance, visits, lambda i, f: (f"{path}:{rows[i].line}", column.get(f, f))
        )
    )
    return visits


def _json_locator(source: str) -> Locator:
    return lambda i, field: (source, f"history.visits[{i}].{field}")


def _raise(problems: list[InputProblem]) -> None:
    if problems:
        raise InputError(problems)
