"""Carers' shifts over the horizon: day and evening shifts, every other weekend off.

The rules are those of a typical Swedish home-care rota (rullande schema over two weeks):

- a day shift runs 07:00-15:30 with a 30-minute lunch break starting 11:00-13:00; an
  evening shift 14:00-22:00 with a 20-minute break starting 17:30-19:00 (the night patrol
  takes over at 22:00);
- a full-timer works five days a week and every other weekend: in a weekend week two
  weekdays off, otherwise Monday to Friday;
- part-time is common: at 80 % a carer works four days a week (weekends as the others),
  at 75 % five shorter shifts (07:00-13:30, or 15:30-22:00 in the evening); team.py moves
  carers to part time when the team's load is light;
- carers are split in two weekend groups per shift type, and their weekdays off are
  spread, so each weekday and each weekend has about the same crew.

So a weekend day has about half of a team's carers and a weekday about four in five: the
weekend, not the weekday, is where a team's capacity binds, which `team.py` sizes against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from hemplan.models.contract.instance import Break, Shift, TravelMode
from hemplan.models.generator.calendar_days import Calendar
from hemplan.models.generator.services import t

ShiftType = Literal["day", "evening"]


@dataclass(frozen=True)
class ShiftTimes:
    start: int
    end: int
    break_minutes: int
    break_earliest: int
    break_latest: int

    @property
    def paid(self) -> int:
        return self.end - self.start - self.break_minutes


SHIFT_TIMES: dict[tuple[ShiftType, bool], ShiftTimes] = {
    # (type, short shift) -> times
    ("day", False): ShiftTimes(t("07:00"), t("15:30"), 30, t("11:00"), t("13:00")),
    ("day", True): ShiftTimes(t("07:00"), t("13:30"), 30, t("11:00"), t("13:00")),
    ("evening", False): ShiftTimes(t("14:00"), t("22:00"), 20, t("17:30"), t("19:00")),
    ("evening", True): ShiftTimes(t("15:30"), t("22:00"), 20, t("17:30"), t("19:00")),
}


@dataclass
class Carer:
    """A carer while the team is being built (turned into `hemplan.models.contract.instance.Staff`
    at the end)."""

    id: str
    mode: TravelMode
    shift_type: ShiftType = "day"
    rate: float = 1.0  # employment rate (sysselsättningsgrad): 1.0, 0.8 or 0.75
    group: int = 0  # weekend group: works the weekends of even (0) or odd (1) weeks
    off: tuple[tuple[int, ...], tuple[int, ...]] = ((), ())  # weekdays off in even and odd weeks
    skills: set[str] = field(default_factory=set)

    @property
    def times(self) -> ShiftTimes:
        return SHIFT_TIMES[(self.shift_type, self.rate == 0.75)]

    @property
    def days_per_week(self) -> int:
        return 4 if self.rate == 0.8 else 5

    def works_weekend(self, week: int) -> bool:
        return (week + self.group) % 2 == 0


def working_days(carer: Carer, cal: Calendar) -> tuple[int, ...]:
    """The horizon days a carer works."""
    return _working_days(carer.group, carer.off, cal)


@lru_cache(maxsize=4096)
def _working_days(
    group: int, off: tuple[tuple[int, ...], tuple[int, ...]], cal: Calendar
) -> tuple[int, ...]:
    days = []
    for day in range(cal.days):
        week, weekday = cal.week(day), cal.weekday(day)
        if weekday >= 5:
            if (week + group) % 2 == 0:
                days.append(day)
        elif weekday not in off[week % 2]:
            days.append(day)
    return tuple(days)


def shifts_for(carer: Carer, cal: Calendar) -> list[Shift]:
    tm = carer.times
    brk = Break(minutes=tm.break_minutes, earliest=tm.break_earliest, latest=tm.break_latest)
    return [Shift(day=d, start=tm.start, end=tm.end, break_=brk) for d in working_days(carer, cal)]


def assign_rota(carers: list[Carer]) -> None:
    """Weekend groups and weekdays off for every carer: the team's two-week rota.

    Within each shift type the weekend groups alternate, and weekdays off are handed out
    carer by carer to the weekdays with the fewest carers off so far, so every weekday of
    both weeks has about the same crew (ties go mid-week first, rotating with the carer's
    position).
    """
    for kind in ("day", "evening"):
        of_kind = [c for c in carers if c.shift_type == kind]
        off_count = [[0] * 5, [0] * 5]
        for pos, c in enumerate(of_kind):
            c.group = pos % 2
            off: list[tuple[int, ...]] = []
            for parity in (0, 1):
                worked = c.days_per_week - 2 if c.works_weekend(parity) else c.days_per_week
                ranked = sorted(range(5), key=lambda w: (off_count[parity][w], (w - 2 - pos) % 5))
                chosen = tuple(sorted(ranked[: 5 - worked]))
                for w in chosen:
                    off_count[parity][w] += 1
                off.append(chosen)
            c.off = (off[0], off[1])
