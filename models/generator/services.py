"""The catalogue of home-care services and the care levels that combine them.

A service (insats) has a typical start window, duration and skill. Windows are start
windows as in `hemplan.models.contract.instance.Window`: the visit must *start* inside it. They
follow the rhythm of a Swedish home-care day: morning help 07:00-10:00 (early risers first), lunch
11:00-13:00, dinner 16:00-18:00, an evening check, bedtime help 20:00-21:30 (the night
patrol takes over at 22:00); showers, cleaning, laundry and shopping fill the late morning
on weekdays.

A client's care level decides which services they get:

- light: service only (cleaning every other week, weekly shopping, perhaps a weekly
  shower), sometimes a daily medication or insulin visit;
- moderate: daily morning help and one meal, the weekly services, perhaps an evening check;
- extensive: morning help, lunch, dinner and bedtime every day (4-5 visits a day);
- heavy: 5-6 visits a day; morning and bedtime help double-staffed (hoist transfer),
  planned after the early round (from 08:30) and before the bedtime round (19:30-20:45),
  when two carers can meet; a double-staffed weekly shower.

Medication and insulin are given by delegated carers: the visit at which they are given
carries the skill. Most clients with medication take it morning and evening; about a third
also at lunch and dinner. Double-staffed visits never carry a skill, because the instance
model makes every carer of a visit need its skills while in practice one delegated carer
of the pair suffices; a heavy client's morning dose is given at lunch instead. Cleaning,
laundry and shopping are flexible over the weekdays and deferrable (what a team postpones
on a bad day); everything else is mandatory, including the odd one-off escort to the
health centre.

Per-client draws come in two parts: traits (time-of-day habits, medication needs, shower
day) drawn once and kept when the generator lightens a client, and a plan drawn per care
level, so a client lightened from extensive to moderate looks like a client drawn moderate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hemplan.models.contract.clock import parse_clock
from hemplan.models.contract.instance import Priority, Visit, VisitPattern, Window
from hemplan.models.generator.calendar_days import Calendar
from hemplan.models.generator.seeding import pick

SKILLS = ["insulin", "medication"]  # Instance.skills, sorted
WEEKDAYS = [0, 1, 2, 3, 4]
DAY_END = parse_clock("22:00")


def t(text: str) -> int:
    return parse_clock(text)


@dataclass(frozen=True)
class Service:
    key: str  # Visit.service
    label: str  # Swedish name, written into the visit notes for planners
    priority: Priority = "mandatory"


SERVICES: dict[str, Service] = {
    s.key: s
    for s in (
        Service("morning_help", "Morgonhjälp"),
        Service("medication", "Läkemedel"),
        Service("insulin", "Insulin"),
        Service("lunch", "Lunch"),
        Service("supervision", "Tillsyn"),
        Service("dinner", "Middag"),
        Service("evening_check", "Kvällstillsyn"),
        Service("bedtime", "Kvällshjälp"),
        Service("shower", "Dusch"),
        Service("cleaning", "Städning", "deferrable"),
        Service("laundry", "Tvätt", "deferrable"),
        Service("shopping", "Inköp", "deferrable"),
        Service("escort", "Ledsagning"),
    )
}


@dataclass(frozen=True)
class CareLevel:
    rank: int
    key: str
    weight: float  # share of newly drawn clients at this level
    p_medication: float  # share of clients at this level with delegated medication
    p_insulin: float  # share with insulin injections


# Shares roughly as in Swedish home care: a third or more of clients have service only,
# a minority need help around the clock. The generator may lighten clients afterwards to fit
# the team's staff (see team.py), so these are the shares before sizing.
CARE_LEVELS: tuple[CareLevel, ...] = (
    CareLevel(0, "light", 0.40, 0.25, 0.05),
    CareLevel(1, "moderate", 0.33, 0.55, 0.08),
    CareLevel(2, "extensive", 0.17, 0.80, 0.12),
    CareLevel(3, "heavy", 0.10, 0.85, 0.10),
)

# Morning habits: (earliest start, latest start); the early risers and the late sleepers.
MORNING_STYLES = [("07:00", "08:30"), ("07:30", "09:00"), ("08:00", "09:30"), ("08:30", "10:00")]
MORNING_WEIGHTS = [0.25, 0.35, 0.30, 0.10]


@dataclass(frozen=True)
class Traits:
    """What stays with a client whatever their care level."""

    u_medication: float
    u_insulin: float
    u_evening_dose: float
    four_doses: bool  # medication at every meal, not only morning and evening
    morning: int  # index into MORNING_STYLES
    late_lunch: bool
    late_dinner: bool
    late_evening: bool
    late_bedtime: bool
    meal_is_dinner: bool  # a moderate client's one meal visit
    family_weekends: bool  # relatives cover the meal at weekends
    double_morning: bool  # heavy: hoist transfer in the morning
    double_bedtime: bool
    shower_weekday: int
    cleaning_week: int
    laundry_week: int

    def medication(self, level: int) -> bool:
        return self.u_medication < CARE_LEVELS[level].p_medication

    def insulin(self, level: int) -> bool:
        return self.u_insulin < CARE_LEVELS[level].p_insulin


def draw_traits(rng: np.random.Generator) -> Traits:
    return Traits(
        u_medication=float(rng.random()),
        u_insulin=float(rng.random()),
        u_evening_dose=float(rng.random()),
        four_doses=bool(rng.random() < 0.3),
        morning=int(rng.choice(len(MORNING_STYLES), p=MORNING_WEIGHTS)),
        late_lunch=bool(rng.random() < 0.5),
        late_dinner=bool(rng.random() < 0.5),
        late_evening=bool(rng.random() < 0.5),
        late_bedtime=bool(rng.random() < 0.4),
        meal_is_dinner=bool(rng.random() < 0.6),
        family_weekends=bool(rng.random() < 0.15),
        double_morning=bool(rng.random() < 0.8),
        double_bedtime=bool(rng.random() < 0.9),
        shower_weekday=int(rng.integers(5)),
        cleaning_week=int(rng.integers(2)),
        laundry_week=int(rng.integers(2)),
    )


def draw_level(rng: np.random.Generator) -> int:
    return int(pick(rng, [lv.rank for lv in CARE_LEVELS], [lv.weight for lv in CARE_LEVELS]))


@dataclass
class _Plan:
    client: str
    patterns: list[VisitPattern] = field(default_factory=list)

    def add(
        self,
        item: str,
        service: str,
        window: tuple[int, int],
        duration: int,
        *,
        skills: tuple[str, ...] = (),
        staff_needed: int = 1,
        weekdays: list[int] | None = None,
        every_weeks: int = 1,
        week_offset: int = 0,
        flexible: bool = False,
        note: str = "",
    ) -> None:
        svc = SERVICES[service]
        notes = svc.label + (f", {note}" if note else "")
        self.patterns.append(
            VisitPattern(
                id=f"{self.client}-{item}",
                client=self.client,
                service=service,
                window=Window(earliest=window[0], latest=window[1]),
                duration=duration,
                staff_needed=staff_needed,
                skills=sorted(set(skills)),
                priority=svc.priority,
                notes=notes,
                weekdays=weekdays if weekdays is not None else [0, 1, 2, 3, 4, 5, 6],
                every_weeks=every_weeks,
                week_offset=week_offset,
                flexible=flexible,
            )
        )


def _windows(tr: Traits) -> dict[str, tuple[int, int]]:
    m_early, m_late = (t(x) for x in MORNING_STYLES[tr.morning])
    lunch = t("11:30") if tr.late_lunch else t("11:00")
    dinner = t("16:30") if tr.late_dinner else t("16:00")
    evening = t("19:00") if tr.late_evening else t("18:30")
    bed = t("20:30") if tr.late_bedtime else t("20:00")
    return {
        "morning": (m_early, m_late),
        # Hoist transfers are planned after the early round (medication, breakfasts), when
        # two carers are free.
        "morning_double": (max(m_early, t("08:30")), max(m_early, t("08:30")) + 75),
        "insulin_am": (max(m_early, t("07:15")), max(m_early, t("07:15")) + 60),
        "lunch": (lunch, lunch + 90),
        "supervision": (t("14:00"), t("15:15")),
        "dinner": (dinner, dinner + 90),
        "insulin_pm": (t("16:30"), t("17:30")),
        "evening": (evening, evening + 60),
        "dose_pm": (t("19:30"), t("21:00")),
        "bedtime": (bed, bed + 60),
        # Bed-bound clients go to bed early, before the bedtime round.
        "bedtime_double": (t("19:30"), t("20:45")),
    }


def _bedtime_window(w: tuple[int, int], duration: int) -> tuple[int, int]:
    """Bedtime help must be over, with time to get back, before the evening shift ends."""
    return w[0], min(w[1], DAY_END - duration - 15)


def plan_client(
    client_id: str, level: int, tr: Traits, rng: np.random.Generator, dropped: frozenset[str]
) -> list[VisitPattern]:
    """The recurring visits of a client at care `level` (without the items in `dropped`)."""
    p = _Plan(client_id)
    w = _windows(tr)
    med = ("medication",) if tr.medication(level) else ()
    ins = ("insulin",) if tr.insulin(level) else ()
    evening_dose = tr.medication(level) and tr.u_evening_dose < 0.45
    med_meal = med if tr.four_doses else ()  # midday and dinner doses
    r = lambda: float(rng.random())  # noqa: E731 - one draw, in a fixed order below
    d = lambda *options: int(pick(rng, list(options)))  # noqa: E731

    if level == 0:
        optional = {
            "cleaning": r() < 0.85,
            "shopping": r() < 0.6,
            "laundry": r() < 0.25,
            "shower": r() < 0.45,
        }
        if not any(optional.values()) and not med and not ins:
            optional["cleaning"] = True
        if med:
            p.add("med-am", "medication", (t("08:00"), t("09:30")), 10, skills=med)
            if evening_dose:
                p.add("med-pm", "medication", w["dose_pm"], 10, skills=med)
        if ins:
            p.add("insulin-am", "insulin", w["insulin_am"], 15, skills=ins)
            p.add("insulin-pm", "insulin", w["insulin_pm"], 15, skills=ins)
        shower_dur, double_shower = 45, False
    elif level == 1:
        p.add("morning", "morning_help", w["morning"], d(30, 35, 40), skills=med + ins)
        meal_days = WEEKDAYS if tr.family_weekends else None
        if tr.meal_is_dinner:
            p.add(
                "dinner",
                "dinner",
                w["dinner"],
                d(20, 25, 30),
                skills=med_meal + ins,
                weekdays=meal_days,
            )
            if ins and tr.family_weekends:
                p.add("insulin-pm", "insulin", w["insulin_pm"], 15, skills=ins, weekdays=[5, 6])
        else:
            p.add("lunch", "lunch", w["lunch"], d(20, 25), skills=med_meal, weekdays=meal_days)
            if ins:
                p.add("insulin-pm", "insulin", w["insulin_pm"], 15, skills=ins)
        if r() < 0.25:
            p.add("evening", "evening_check", w["evening"], 15, skills=med if evening_dose else ())
        elif evening_dose:
            p.add("med-pm", "medication", w["dose_pm"], 10, skills=med)
        optional = {
            "cleaning": r() < 0.9,
            "shopping": r() < 0.7,
            "laundry": r() < 0.3,
            "shower": r() < 0.8,
        }
        shower_dur, double_shower = 45, False
    elif level == 2:
        p.add("morning", "morning_help", w["morning"], d(40, 45), skills=med + ins)
        p.add("lunch", "lunch", w["lunch"], d(25, 30), skills=med_meal)
        if r() < 0.2:
            p.add("supervision", "supervision", w["supervision"], 15)
        p.add("dinner", "dinner", w["dinner"], d(25, 30), skills=med_meal + ins)
        if r() < 0.3:
            p.add("evening", "evening_check", w["evening"], d(15, 20))
        dur = d(30, 35)
        p.add("bedtime", "bedtime", _bedtime_window(w["bedtime"], dur), dur, skills=med)
        optional = {
            "cleaning": r() < 0.95,
            "shopping": r() < 0.8,
            "laundry": r() < 0.5,
            "shower": True,
        }
        shower_dur, double_shower = 45, False
    else:
        if tr.double_morning:
            p.add(
                "morning",
                "morning_help",
                w["morning_double"],
                d(45, 60),
                staff_needed=2,
                note="dubbelbemanning (lyft)",
            )
            if ins:
                p.add("insulin-am", "insulin", w["insulin_am"], 15, skills=ins)
        else:
            p.add("morning", "morning_help", w["morning"], 45, skills=med + ins)
        p.add("lunch", "lunch", w["lunch"], 30, skills=med if tr.double_morning else med_meal)
        if r() < 0.5:
            p.add("supervision", "supervision", w["supervision"], 15)
        p.add("dinner", "dinner", w["dinner"], 30, skills=med_meal + ins)
        p.add("evening", "evening_check", w["evening"], 20, skills=med)
        if tr.double_bedtime:
            p.add(
                "bedtime",
                "bedtime",
                w["bedtime_double"],
                40,
                staff_needed=2,
                note="dubbelbemanning (lyft)",
            )
        else:
            p.add("bedtime", "bedtime", _bedtime_window(w["bedtime"], 35), 35)
        optional = {"cleaning": True, "shopping": r() < 0.8, "laundry": r() < 0.6, "shower": True}
        shower_dur, double_shower = 60, True

    if optional["shower"]:
        if double_shower:
            p.add(
                "shower",
                "shower",
                (t("09:00"), t("12:00")),
                shower_dur,
                staff_needed=2,
                weekdays=[tr.shower_weekday],
                note="dubbelbemanning (lyft)",
            )
        else:
            p.add(
                "shower",
                "shower",
                (t("09:00"), t("13:00")),
                shower_dur,
                weekdays=[tr.shower_weekday],
            )
    if optional["cleaning"]:
        p.add(
            "cleaning",
            "cleaning",
            (t("09:00"), t("13:30")),
            d(60, 60, 75, 90),
            weekdays=WEEKDAYS,
            every_weeks=2,
            week_offset=tr.cleaning_week,
            flexible=True,
        )
    if optional["laundry"]:
        p.add(
            "laundry",
            "laundry",
            (t("09:00"), t("13:30")),
            45,
            weekdays=WEEKDAYS,
            every_weeks=2,
            week_offset=tr.laundry_week,
            flexible=True,
        )
    if optional["shopping"]:
        p.add(
            "shopping",
            "shopping",
            (t("10:00"), t("14:00")),
            d(45, 60),
            weekdays=WEEKDAYS,
            flexible=True,
        )
    return [pat for pat in p.patterns if pat.id.removeprefix(f"{client_id}-") not in dropped]


def plan_escorts(
    client_id: str, level: int, cal: Calendar, rng: np.random.Generator
) -> list[Visit]:
    """One-off escorts (to the health centre, the hairdresser): single visits on a weekday."""
    visits: list[Visit] = []
    if level == 0:
        return visits
    weeks = sorted({cal.week(d) for d in range(cal.days)})
    for week in weeks:
        if rng.random() >= 0.05:
            continue
        days = [d for d in cal.weekdays_in_horizon() if cal.week(d) == week]
        if not days:
            continue
        day = int(pick(rng, days))
        start = t("09:00") + 30 * int(rng.integers(7))  # 09:00-12:00
        visits.append(
            Visit(
                id=f"{client_id}-escort-d{day}",
                client=client_id,
                service="escort",
                window=Window(earliest=start, latest=start + 30),
                duration=int(pick(rng, [60, 90, 120])),
                notes=SERVICES["escort"].label,
                day=day,
            )
        )
    return visits
