"""Checks between records of an instance: ids unique, references resolve, days in the horizon.

Each check yields an `InputProblem` naming the record and field, so `hemplan validate` can list
every mistake in one go rather than stopping at the first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from hemplan.models.contract.instance import Instance, PastVisit, Visit, VisitPattern
from hemplan.models.contract.problems import InputProblem

# where(index, field) -> (source, where) of a problem about one past visit
Locator = Callable[[int, str], tuple[str, str]]


def reference_problems(instance: Instance, source: str) -> list[InputProblem]:
    """Every cross-record problem in `instance` (an empty list means it is consistent)."""
    problems = list(_all(instance, source))
    if instance.history is not None:
        problems += history_problems(
            instance, instance.history.visits, lambda i, f: (source, f"history.visits[{i}].{f}")
        )
    return problems


def _all(inst: Instance, src: str) -> Iterator[InputProblem]:
    yield from _duplicates(src, "teams", (t.id for t in inst.teams))
    yield from _duplicates(src, "staff", (s.id for s in inst.staff))
    yield from _duplicates(src, "clients", (c.id for c in inst.clients))
    yield from _duplicates(
        src, "visits", [v.id for v in inst.visits] + [p.id for p in inst.patterns]
    )
    yield from _duplicates(src, "skills", inst.skills)

    teams = inst.team_by_id
    staff = inst.staff_by_id
    skills = set(inst.skills)
    days = inst.horizon.days

    for s in inst.staff:
        where = f"staff[{s.id}]"
        if s.team not in teams:
            yield InputProblem(src, f"{where}.team", f"unknown team '{s.team}'")
        yield from _unknown_skills(src, f"{where}.skills", s.skills, skills)
        if s.travel_mode not in inst.travel.speed_kmh and inst.travel.matrix_file is None:
            yield InputProblem(
                src, f"{where}.travel_mode", f"no speed set for travel mode '{s.travel_mode}'"
            )
        for i, shift in enumerate(s.shifts):
            if shift.day >= days:
                yield InputProblem(
                    src,
                    f"{where}.shifts[{i}].day",
                    f"day {shift.day} is outside the horizon of {days} days",
                )

    for c in inst.clients:
        where = f"clients[{c.id}]"
        if c.team not in teams:
            yield InputProblem(src, f"{where}.team", f"unknown team '{c.team}'")
        for field, carers in (
            ("preferred_carers", c.preferred_carers),
            ("excluded_carers", c.excluded_carers),
        ):
            for carer in carers:
                if carer not in staff:
                    yield InputProblem(src, f"{where}.{field}", f"unknown carer '{carer}'")
        if c.contact_carer is not None and c.contact_carer not in staff:
            yield InputProblem(src, f"{where}.contact_carer", f"unknown carer '{c.contact_carer}'")
        both = set(c.preferred_carers) & set(c.excluded_carers)
        if both:
            yield InputProblem(
                src,
                f"{where}.excluded_carers",
                f"carer '{sorted(both)[0]}' is both preferred and excluded",
            )

    for p in inst.patterns:
        yield from _visit_fields(inst, src, f"patterns[{p.id}]", p)
    for v in inst.visits:
        where = f"visits[{v.id}]"
        yield from _visit_fields(inst, src, where, v)
        last = v.days[-1]
        if last >= days:
            field = "last_day" if v.last_day is not None else "day"
            yield InputProblem(
                src, f"{where}.{field}", f"day {last} is outside the horizon of {days} days"
            )
        for carer in v.locked_carers:
            if carer not in staff:
                yield InputProblem(src, f"{where}.locked_carers", f"unknown carer '{carer}'")


def _visit_fields(
    inst: Instance, src: str, where: str, v: Visit | VisitPattern
) -> Iterator[InputProblem]:
    if v.client not in inst.client_by_id:
        yield InputProblem(src, f"{where}.client", f"unknown client '{v.client}'")
    known = set(inst.skills)
    yield from _unknown_skills(src, f"{where}.skills", v.skills, known)
    for k, role in enumerate(v.roles or ()):
        yield from _unknown_skills(src, f"{where}.roles[{k}].skills", role.skills, known)


def _unknown_skills(
    src: str, field: str, skills: Iterable[str], known: set[str]
) -> Iterator[InputProblem]:
    """A problem for each of `skills` the instance's skills list does not name."""
    for skill in skills:
        if skill not in known:
            yield InputProblem(
                src, field, f"unknown skill '{skill}' (not in the instance's skills list)"
            )


def _duplicates(src: str, collection: str, ids: Iterable[str]) -> Iterator[InputProblem]:
    for ident, count in Counter(ids).items():
        if count > 1:
            yield InputProblem(
                src, f"{collection}[{ident}].id", f"id '{ident}' is used {count} times"
            )


def history_problems(
    instance: Instance, visits: list[PastVisit], where: Locator
) -> list[InputProblem]:
    """Every problem of the past visits against the instance (empty: usable)."""
    return list(_history_problems(instance, visits, where))


def _history_problems(
    instance: Instance, visits: list[PastVisit], where: Locator
) -> Iterator[InputProblem]:
    start = instance.horizon.start_date
    previous: date | None = None
    for i, v in enumerate(visits):
        if v.client not in instance.client_by_id:
            yield InputProblem(*where(i, "client"), f"unknown client '{v.client}'")
        for carer in v.carers:
            if carer not in instance.staff_by_id:
                yield InputProblem(*where(i, "carers"), f"unknown carer '{carer}'")
        if len(set(v.carers)) != len(v.carers):
            yield InputProblem(*where(i, "carers"), "names the same carer twice")
        if v.date >= start:
            yield InputProblem(
                *where(i, "date"),
                f"{v.date} is inside the planned period, which starts on {start}: "
                "a history ends before it",
            )
        if previous is not None and v.date < previous:
            yield InputProblem(
                *where(i, "date"),
                f"{v.date} is before the date above it ({previous}): list the visits in date order",
            )
        previous = v.date
