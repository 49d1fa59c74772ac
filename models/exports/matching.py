"""Refuse a schedule that names visits, carers or clients its instance lacks, or whose route
figures cannot belong to one day.

Exports and the report look every id up in the instance (names, places, notes), so a
schedule of another instance must be an InputError naming the record, not a KeyError. They
also draw and list a route's travel and waiting, so a figure longer than a day (which the
evaluator would call a violation anyway: every route lies within 00:00-24:00) is refused
rather than drawn; nothing is ever sized by such a number. Whether the schedule is feasible
is the evaluator's question, asked separately.
"""

from __future__ import annotations

from collections.abc import Iterator

from hemplan.models.contract.clock import MINUTES_PER_DAY
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputError, InputProblem
from hemplan.models.contract.schedule import Schedule

MAX_LISTED = 10  # a schedule of another instance would otherwise list thousands of lines


def _unknown(instance: Instance, schedule: Schedule) -> Iterator[tuple[str, str]]:
    visits, staff, clients = instance.visit_by_id, instance.staff_by_id, instance.client_by_id
    for a in schedule.assignments:
        if a.visit not in visits:
            yield f"assignments[{a.visit}].visit", f"unknown visit '{a.visit}'"
        for carer in a.carers:
            if carer not in staff:
                yield f"assignments[{a.visit}].carers", f"unknown carer '{carer}'"
    for r in schedule.routes:
        where = f"routes[{r.carer} day {r.day}]"
        if r.carer not in staff:
            yield f"{where}.carer", f"unknown carer '{r.carer}'"
        if r.day >= instance.horizon.days:
            yield (
                f"{where}.day",
                f"day {r.day} is beyond the horizon of {instance.horizon.days} days",
            )
        for stop in r.stops:
            if stop.kind == "visit" and stop.visit not in visits:
                yield f"{where}.stops", f"unknown visit '{stop.visit}'"
            elif stop.client is not None and stop.client not in clients:
                yield f"{where}.stops", f"unknown client '{stop.client}'"
    for u in schedule.unassigned:
        if u.visit not in visits:
            yield f"unassigned[{u.visit}].visit", f"unknown visit '{u.visit}'"


def _figure(value: int) -> str:
    text = str(value)
    return text if len(text) <= 12 else f"a {len(text)}-digit number of"


def _beyond_a_day(schedule: Schedule) -> Iterator[tuple[str, str]]:
    for r in schedule.routes:
        where = f"routes[{r.carer} day {r.day}]"
        figures = [
            (f"{where}.travel_back", r.travel_back),
            (f"{where}.travel_minutes", r.travel_minutes),
        ]
        for k, stop in enumerate(r.stops):
            figures += [
                (f"{where}.stops[{k}].travel", stop.travel),
                (f"{where}.stops[{k}].wait", stop.wait),
            ]
        for field, value in figures:
            if value > MINUTES_PER_DAY:
                yield (
                    field,
                    f"{_figure(value)} minutes is more than a day has ({MINUTES_PER_DAY}); "
                    "'hemplan evaluate' checks the route's figures",
                )


def check_matches(instance: Instance, schedule: Schedule, source: str) -> None:
    """Raise an InputError (at most MAX_LISTED lines of each kind) if `schedule` names unknown
    records or holds route figures longer than a day."""
    found = list(_unknown(instance, schedule))
    hint = f" of instance '{instance.name}'" if instance.name else ""
    if schedule.instance and schedule.instance != instance.name:
        hint += f" (the schedule is for '{schedule.instance}')"
    problems = [
        InputProblem(source, where, f"{message}{hint}") for where, message in found[:MAX_LISTED]
    ]
    if len(found) > MAX_LISTED:
        problems.append(
            InputProblem(source, "", f"... and {len(found) - MAX_LISTED} more unknown references")
        )
    too_long = list(_beyond_a_day(schedule))
    problems += [InputProblem(source, where, message) for where, message in too_long[:MAX_LISTED]]
    if len(too_long) > MAX_LISTED:
        problems.append(
            InputProblem(source, "", f"... and {len(too_long) - MAX_LISTED} more such figures")
        )
    if problems:
        raise InputError(problems)
