"""Refuse a schedule that names visits, carers or clients its instance lacks.

Exports and the report look every id up in the instance (names, places, notes), so a
schedule of another instance must be an InputError naming the record, not a KeyError. Whether
the schedule is feasible is the evaluator's question, asked separately.
"""

from __future__ import annotations

from collections.abc import Iterator

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


def check_matches(instance: Instance, schedule: Schedule, source: str) -> None:
    """Raise an InputError (at most MAX_LISTED lines) if `schedule` names unknown records."""
    found = list(_unknown(instance, schedule))
    if not found:
        return
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
    raise InputError(problems)
