"""Expand recurring visit patterns ("daily morning help 07:00-08:30") into single visits.

After expansion an instance has visits only, so the solver and the evaluator never see
patterns. Expanded ids are `<pattern id>/d<day>` (one visit a day) or `<pattern id>/w<week>`
(flexible: one visit per active week on any of the pattern's weekdays).
"""

from __future__ import annotations

from hemplan.models.contract.instance import Instance, Visit, VisitFields, VisitPattern


def expand_patterns(instance: Instance) -> Instance:
    """A new instance whose visits include every occurrence of every pattern, and no patterns."""
    if not instance.patterns:
        return instance
    first_weekday = instance.horizon.start_date.weekday()
    visits = list(instance.visits)
    for pattern in instance.patterns:
        visits.extend(_occurrences(pattern, first_weekday, instance.horizon.days))
    data = instance.model_dump(by_alias=True, exclude={"visits", "patterns"})
    data["visits"] = [v.model_dump(by_alias=True) for v in visits]
    return Instance.model_validate(data)


def _occurrences(pattern: VisitPattern, first_weekday: int, days: int) -> list[Visit]:
    shared = pattern.model_dump(include=set(VisitFields.model_fields))
    by_week: dict[int, list[int]] = {}
    for day in range(days):
        week, weekday = divmod(first_weekday + day, 7)
        if weekday in pattern.weekdays and (week - pattern.week_offset) % pattern.every_weeks == 0:
            by_week.setdefault(week, []).append(day)
    if pattern.flexible:
        return [
            Visit(id=f"{pattern.id}/w{week}", day=ds[0], last_day=ds[-1], **shared)
            for week, ds in by_week.items()
        ]
    return [
        Visit(id=f"{pattern.id}/d{day}", day=day, **shared) for ds in by_week.values() for day in ds
    ]
