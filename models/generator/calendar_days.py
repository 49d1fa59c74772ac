"""Horizon days as calendar weekdays and weeks, and the days a pattern occurs on.

Day 0 is the start date; weekdays are 0 = Monday .. 6 = Sunday and weeks are counted from the
calendar week of the start date, exactly as `hemplan.models.io.patterns` counts them (a test checks
the two agree), so the generator can size the load without building and expanding an instance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hemplan.models.contract.instance import VisitPattern


@dataclass(frozen=True)
class Calendar:
    start_date: date
    days: int

    @property
    def start_weekday(self) -> int:
        return self.start_date.weekday()

    def weekday(self, day: int) -> int:
        return (self.start_weekday + day) % 7

    def week(self, day: int) -> int:
        return (self.start_weekday + day) // 7

    def is_weekend(self, day: int) -> bool:
        return self.weekday(day) >= 5

    def weekdays_in_horizon(self) -> list[int]:
        return [d for d in range(self.days) if not self.is_weekend(d)]

    def pattern_days(self, pattern: VisitPattern) -> list[tuple[int, ...]]:
        """The occurrences of `pattern`: each the tuple of days that occurrence may be done on."""
        by_week: dict[int, list[int]] = {}
        for day in range(self.days):
            week = self.week(day)
            if (
                self.weekday(day) in pattern.weekdays
                and (week - pattern.week_offset) % pattern.every_weeks == 0
            ):
                by_week.setdefault(week, []).append(day)
        if pattern.flexible:
            return [tuple(ds) for ds in by_week.values()]
        return [(d,) for ds in by_week.values() for d in ds]
