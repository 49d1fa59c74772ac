"""Is a team's load doable by its carers? Necessary conditions, checked day by day.

The generator must produce instances where a good plan exists but is not trivial. It cannot
solve the instance, so it checks conditions that any plan must meet, with a margin:

1. every visit has at least as many carers as it needs who could serve it on one of its
   days (skills, shift, window, travel from the office) — the same test as
   `hemplan.solver.eligibility`;
2. for every day and every time interval [a, b] on a half-hour grid from 07:00 to 22:00,
   the work that must happen inside [a, b] fits into 85 % of the carer-minutes available in
   it. "Work" is, for each visit, the part of its duration plus a travel estimate that must
   fall inside [a, b] whatever its start within the window (energetic reasoning: a 40-minute
   visit starting 08:00-09:30 puts at least 20 minutes into 07:00-09:50 and all 40 into
   07:00-10:10), times the carers it needs; "available" is each working carer's overlap
   with [a, b], less the part of the break that must fall inside it and the trip to or
   from the office. The same holds for the visits needing a skill against the carers
   holding it, who must also fill the seats of double-staffed visits that too few carers
   without the skill are there to fill. Intervals catch the morning peak (07:00-10:00),
   the evening and bedtime round (18:00-22:00, evening shift only) and the thin weekends
   alike. The 15 % margin is time lost to waiting between windows: no real plan packs a
   day solid;
3. over the whole horizon, work (visits plus travel, office trips included) should be 55-75 %
   of paid minutes, the range of Swedish home-care teams (client time alone is typically
   40-60 %); team.py steers towards it.

Flexible visits (cleaning on any weekday) count a share on each of their days on which
anybody works. The travel estimate per visit (`hop_estimate`) lies halfway between the hop
to a near neighbour and the hop to any home of the team, averaged over the carers' travel
modes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from hemplan.models.generator.calendar_days import Calendar
from hemplan.models.generator.rosters import SHIFT_TIMES, Carer, ShiftType, working_days
from hemplan.models.generator.services import t

PEAK_UTILISATION = 0.85
TARGET_UTILISATION = (0.55, 0.75)
GRID = np.arange(t("07:00"), t("22:00") + 1, 30)
UPPER = np.triu(np.ones((len(GRID), len(GRID)), dtype=bool), k=1)  # intervals [g_i, g_j] with i < j
SKILLS_CHECKED = ("insulin", "medication")


@dataclass(frozen=True)
class Occurrence:
    """One visit to be made (a pattern occurrence or a single visit), reduced to numbers."""

    client: int  # index into the team's clients
    item: str  # pattern or visit id
    days: tuple[int, ...]
    earliest: int
    latest: int
    duration: int
    need: int
    skills: tuple[str, ...]


@dataclass(frozen=True)
class Unfit:
    """A visit with fewer possible carers than it needs."""

    occurrence: Occurrence
    able: int  # carers who could serve it
    able_without_skills: list[int]  # carer indices that fit shift and window but lack a skill


@dataclass(frozen=True)
class Overload:
    """Too much work inside an interval of a day (for a skill, or for everyone)."""

    day: int
    start: int
    end: int
    skill: str | None
    excess: float  # minutes of work beyond PEAK_UTILISATION x capacity
    by_client: dict[int, float]  # work inside the interval per client index
    top_item: dict[int, str]  # per client index, its visit (pattern) adding most work

    def describe(self) -> str:
        span = (
            f"{self.start // 60:02d}:{self.start % 60:02d}-{self.end // 60:02d}:{self.end % 60:02d}"
        )
        group = f" for {self.skill}" if self.skill else ""
        return f"day {self.day} {span} is {self.excess:.0f} min over capacity{group}"


def hop_estimate(minutes: np.ndarray, k: int = 3) -> float:
    """Estimated travel per carer-visit from home-to-home minutes: halfway between the mean
    hop to one of the k nearest homes (a round through a block of flats) and the mean hop to
    any home of the team (the windows decide the order, not the map)."""
    n = minutes.shape[0]
    if n < 2:
        return 0.0
    k = min(k, n - 1)
    off_diagonal = minutes[~np.eye(n, dtype=bool)].reshape(n, n - 1)
    nearest = np.sort(off_diagonal, axis=1)[:, :k].mean()
    return float(0.5 * (nearest + off_diagonal.mean()))


DAY_SLOTS = 7  # an occurrence spans at most a week


class Occurrences:
    """A client's occurrences, as records and as arrays (built once per client plan)."""

    def __init__(self, items: list[Occurrence]) -> None:
        self.items = items
        n = len(items)
        self.client = np.array([o.client for o in items], dtype=int)
        self.earliest = np.array([o.earliest for o in items], dtype=int)
        self.latest = np.array([o.latest for o in items], dtype=int)
        self.duration = np.array([o.duration for o in items], dtype=int)
        self.need = np.array([o.need for o in items], dtype=int)
        self.days = np.full((n, DAY_SLOTS), -1)
        for i, o in enumerate(items):
            self.days[i, : len(o.days)] = o.days
        self.skill = np.array(
            [[s in o.skills for s in SKILLS_CHECKED] for o in items], dtype=bool
        ).reshape(n, len(SKILLS_CHECKED))

    @classmethod
    def join(cls, blocks: list[Occurrences]) -> Occurrences:
        out = cls.__new__(cls)
        out.items = [o for b in blocks for o in b.items]
        for name in ("client", "earliest", "latest", "duration", "need", "days", "skill"):
            parts = [getattr(b, name) for b in blocks]
            setattr(out, name, np.concatenate(parts) if parts else getattr(cls([]), name))
        return out


@lru_cache(maxsize=256)
def _one_day(shift_type: ShiftType, short: bool, leg: float) -> np.ndarray:
    """[i, j]: carer-minutes of one shift in [g_i, g_j]: the overlap with the shift, less the
    part of the break that must fall inside it (its least overlap over the break window)
    and the trips from and back to the office."""
    tm = SHIFT_TIMES[(shift_type, short)]
    g = GRID.astype(float)
    a, b = g[:, None], g[None, :]
    s, e = float(tm.start), float(tm.end)
    overlap = np.clip(np.minimum(e, b) - np.maximum(s, a), 0, None)
    brk = np.minimum(
        *(
            np.clip(np.minimum(x + tm.break_minutes, b) - np.maximum(x, a), 0, None)
            for x in (float(tm.break_earliest), float(tm.break_latest))
        )
    )
    legs = ((a <= s) & (s < b)) * leg + ((a < e) & (e <= b)) * leg
    return np.clip(overlap - brk - legs, 0, None)


@lru_cache(maxsize=8)
def _team_capacity(carers: tuple, cal: Calendar) -> np.ndarray:
    """[carer, day, i, j] for carers given as (shift type, short shift, working days, office
    trip)."""
    caps = np.zeros((len(carers), cal.days, len(GRID), len(GRID)))
    for k, (shift_type, short, days, leg) in enumerate(carers):
        caps[k, list(days)] = _one_day(shift_type, short, leg)
    caps.setflags(write=False)
    return caps


@lru_cache(maxsize=8)
def _team_sums(
    carers: tuple, cal: Calendar, holds: tuple[tuple[bool, ...], ...]
) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """`TeamLoad._capacity_sums` for carers as `_team_capacity` takes them and, per skill, who
    holds it."""
    caps = _team_capacity(carers, cal)
    present = caps > 0
    by_skill = []
    for mask in holds:
        held = np.array(mask, dtype=bool)
        others = present[~held].sum(axis=0)  # carers without the skill in each interval
        holders = caps[held].sum(axis=0)
        others.setflags(write=False)
        holders.setflags(write=False)
        by_skill.append((others, holders))
    everyone = caps.sum(axis=0)
    everyone.setflags(write=False)
    return everyone, by_skill


SHAPE_BITS = 21  # minutes of a window or a duration fit in 21 bits (a day is 1440)


def _shapes(earliest: np.ndarray, latest: np.ndarray, duration: np.ndarray):
    """The distinct (earliest, latest, duration) rows in lexicographic order and, per visit, the
    index of its row: `np.unique(rows, axis=0, return_inverse=True)`, on one int64 key per row
    (a 1-D sort, several times faster; the order is the same for values below 2**SHAPE_BITS)."""
    rows = np.stack([earliest, latest, duration], axis=1)
    if rows.size and (rows.min() < 0 or rows.max() >= 1 << SHAPE_BITS):
        shapes, inverse = np.unique(rows, axis=0, return_inverse=True)
        return shapes, inverse.reshape(-1)
    key = (
        (rows[:, 0].astype(np.int64) << (2 * SHAPE_BITS))
        | (rows[:, 1].astype(np.int64) << SHAPE_BITS)
        | rows[:, 2].astype(np.int64)
    )
    keys, inverse = np.unique(key, return_inverse=True)
    mask = (1 << SHAPE_BITS) - 1
    shapes = np.stack([keys >> (2 * SHAPE_BITS), (keys >> SHAPE_BITS) & mask, keys & mask], axis=1)
    return shapes.astype(rows.dtype), inverse.reshape(-1)


def _energy(earliest, latest, duration, travel: float, i: int | None = None, j: int | None = None):
    """Minutes of a visit (with the trip to it) that must fall inside [g_i, g_j] whatever its
    start in [earliest, latest]: min(b - a, duration + travel, earliest + duration - a,
    b - latest + travel), at least 0 (energetic reasoning). Arrays of visits with i and j
    given, else one visit over the whole grid."""
    g = GRID.astype(float)
    a = g[:, None] if i is None else g[i]
    b = g[None, :] if j is None else g[j]
    work = np.minimum(
        np.minimum(b - a, duration + travel),
        np.minimum(earliest + duration - a, b - latest + travel),
    )
    return np.clip(work, 0, None)


@lru_cache(maxsize=4096)
def _energy_table(earliest: int, latest: int, duration: int, travel: float) -> np.ndarray:
    table = _energy(earliest, latest, duration, travel)
    table[~UPPER] = 0
    table.setflags(write=False)
    return table


class TeamLoad:
    """The numbers the checks need for one team, as arrays; rebuilt after every change."""

    def __init__(
        self,
        cal: Calendar,
        carers: list[Carer],
        office_minutes: np.ndarray,
        visit_travel: float,
        blocks: list[Occurrences],
        excluded: dict[int, set[int]] | None = None,
    ) -> None:
        self.cal = cal
        self.carers = carers
        self.office_minutes = (
            office_minutes  # [carer, client] minutes office -> home at the carer's mode
        )
        self.visit_travel = visit_travel  # estimated travel minutes per carer-visit
        occ = Occurrences.join(blocks)
        self.occurrences = occ.items
        self.excluded = excluded or {}  # client index -> carer indices
        self._caps: np.ndarray | None = None
        n_c, n_d = len(carers), cal.days
        self.start = np.full((n_c, n_d), -1)
        self.end = np.full((n_c, n_d), -1)
        for c, carer in enumerate(carers):
            days = list(working_days(carer, cal))
            self.start[c, days] = carer.times.start
            self.end[c, days] = carer.times.end
        self.leg = office_minutes.mean(axis=1) if office_minutes.size else np.zeros(n_c)
        self.has_skill = np.array(
            [[s in c.skills for s in SKILLS_CHECKED] for c in carers], dtype=bool
        ).reshape(n_c, len(SKILLS_CHECKED))
        self.o_client, self.o_earliest, self.o_latest = occ.client, occ.earliest, occ.latest
        self.o_duration, self.o_need, self.o_days = occ.duration, occ.need, occ.days
        self.o_skill = occ.skill
        # A flexible visit counts a share on each of its days on which anybody works.
        staffed = np.asarray((self.start >= 0).any(axis=0) if n_c else np.zeros(n_d, dtype=bool))
        self.o_staffed = (self.o_days >= 0) & staffed[np.maximum(self.o_days, 0)]  # [occ, slot]
        self.o_weight = 1.0 / np.maximum(self.o_staffed.sum(axis=1), 1)

    # -- condition 1 ---------------------------------------------------------------------

    def unfit(self, clients: set[int] | None = None) -> list[Unfit]:
        """Visits (of `clients`, default all) with fewer possible carers than they need."""
        rows = np.arange(len(self.occurrences))
        if clients is not None:
            rows = rows[np.isin(self.o_client, sorted(clients))]
        n_o, n_c = len(rows), len(self.carers)
        if n_o == 0:
            return []
        o_client, o_days = self.o_client[rows], self.o_days[rows]
        o_earliest, o_latest, o_duration = (
            self.o_earliest[rows],
            self.o_latest[rows],
            self.o_duration[rows],
        )
        there = self.office_minutes[:, o_client].T  # [occ, carer]
        fits = np.zeros((n_o, n_c), dtype=bool)
        for k in range(o_days.shape[1]):
            day = o_days[:, k]
            if not (day >= 0).any():
                break
            valid = day >= 0
            dd = np.where(valid, day, 0)
            s, e = self.start[:, dd].T, self.end[:, dd].T
            begin = np.maximum(o_earliest[:, None], s + there)
            fits |= (
                valid[:, None]
                & (s >= 0)
                & (begin <= o_latest[:, None])
                & (begin + o_duration[:, None] + there <= e)
            )
        for client, carers in self.excluded.items():
            for j in carers:
                fits[o_client == client, j] = False
        skilled = ~(self.o_skill[rows][:, None, :] & ~self.has_skill[None, :, :]).any(axis=2)
        able = (fits & skilled).sum(axis=1)
        return [
            Unfit(
                self.occurrences[rows[i]],
                int(able[i]),
                [int(j) for j in np.flatnonzero(fits[i] & ~skilled[i])],
            )
            for i in np.flatnonzero(able < self.o_need[rows])
        ]

    # -- condition 2 ---------------------------------------------------------------------

    def _groups(self) -> np.ndarray:
        """[occ, group]: group 0 every visit, 1 + k those needing SKILLS_CHECKED[k], and the
        last the double-staffed visits."""
        n_o = len(self.occurrences)
        return np.concatenate(
            [np.ones((n_o, 1), dtype=bool), self.o_skill, (self.o_need == 2)[:, None]], axis=1
        )

    def excess(self) -> np.ndarray:
        """[day, group, i, j]: work inside [g_i, g_j] beyond PEAK_UTILISATION of capacity,
        for everyone (group 0) and for the carers holding each skill (1 + k).

        Double-staffed visits need no skill, yet when fewer than two carers without skill k
        work in [g_i, g_j], one or both seats of each fall to carers holding k: that share of
        the doubles' work counts against them as well."""
        everyone, by_skill = self._capacity_sums()
        demand = self.demand()  # [day, group, i, j]
        excess = np.empty((self.cal.days, 1 + len(SKILLS_CHECKED), len(GRID), len(GRID)))
        excess[:, 0] = demand[:, 0] - PEAK_UTILISATION * everyone
        for k, (others, holders) in enumerate(by_skill):
            forced = demand[:, -1] / 2 * np.clip(2 - others, 0, 2)
            excess[:, 1 + k] = demand[:, 1 + k] + forced - PEAK_UTILISATION * holders
        excess[..., ~UPPER] = 0
        return excess

    def worst_overload(self) -> Overload | None:
        """The (day, interval, skill group) most over capacity, or None when all fit."""
        if not self.occurrences:
            return None
        excess = self.excess()
        flat = int(np.argmax(excess))
        if excess.flat[flat] <= 0.5:
            return None
        d, s, i, j = np.unravel_index(flat, excess.shape)
        groups = self._groups()
        involved = groups[:, s] | (groups[:, -1] if s > 0 else False)
        share = (
            self.o_need
            * self.o_weight
            * ((self.o_days == d) & self.o_staffed).any(axis=1)
            * involved
        )
        work = share * _energy(
            self.o_earliest, self.o_latest, self.o_duration, self.visit_travel, int(i), int(j)
        )
        by_client: dict[int, float] = {}
        by_item: dict[tuple[int, str], float] = {}
        for k in np.flatnonzero(work > 0):
            c, item = int(self.o_client[k]), self.occurrences[k].item
            by_client[c] = by_client.get(c, 0.0) + float(work[k])
            by_item[c, item] = by_item.get((c, item), 0.0) + float(work[k])
        top_item: dict[int, str] = {}
        for (c, item), w in sorted(by_item.items()):
            if c not in top_item or w > by_item[c, top_item[c]]:
                top_item[c] = item
        skill = None if s == 0 else SKILLS_CHECKED[s - 1]
        return Overload(
            int(d),
            int(GRID[i]),
            int(GRID[j]),
            skill,
            float(excess[d, s, i, j]),
            by_client,
            top_item,
        )

    def demand(self) -> np.ndarray:
        """[day, group, i, j]: work (carer-minutes incl. travel) that must fall inside
        [g_i, g_j] on a day, per group of `_groups`. Visits sharing a window and duration
        share one energy table."""
        n_d, n_g = self.cal.days, len(GRID)
        groups = self._groups()
        n_s = groups.shape[1]
        shapes, shape_of = _shapes(self.o_earliest, self.o_latest, self.o_duration)
        occ, col = np.nonzero(self.o_staffed)
        occ_day = self.o_days[occ, col]
        index, weight = [], []
        for s in range(n_s):
            keep = groups[occ, s]
            o = occ[keep]
            index.append(
                np.ravel_multi_index(
                    (occ_day[keep], np.full(o.size, s), shape_of[o]), (n_d, n_s, len(shapes))
                )
            )
            weight.append(self.o_need[o] * self.o_weight[o])
        counts = np.bincount(
            np.concatenate(index), weights=np.concatenate(weight), minlength=n_d * n_s * len(shapes)
        )
        tables = np.stack(
            [
                _energy_table(int(e), int(length), int(p), round(self.visit_travel, 6))
                for e, length, p in shapes
            ]
        )
        demand = counts.reshape(n_d * n_s, len(shapes)) @ tables.reshape(len(shapes), n_g * n_g)
        return demand.reshape(n_d, n_s, n_g, n_g)

    def _capacity_key(self) -> tuple:
        return tuple(
            (
                c.shift_type,
                c.rate == 0.75,
                working_days(c, self.cal),
                round(float(self.leg[k]), 6),
            )
            for k, c in enumerate(self.carers)
        )

    def _capacities(self) -> np.ndarray:
        """[carer, day, i, j]: carer-minutes available in every grid interval [g_i, g_j]."""
        if self._caps is None:
            self._caps = _team_capacity(self._capacity_key(), self.cal)
        return self._caps

    def _capacity_sums(self) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """[day, i, j] sums of `_capacities` over the carers (all of them), and per skill of
        SKILLS_CHECKED the number of carers without it present in each interval and the
        capacity of those holding it: the same for every check until the rota or the
        skills change, so worked out once for them (`_team_sums`)."""
        holds = tuple(
            tuple(bool(x) for x in self.has_skill[:, k]) for k in range(len(SKILLS_CHECKED))
        )
        return _team_sums(self._capacity_key(), self.cal, holds)

    # -- condition 3 ---------------------------------------------------------------------

    def work_minutes(self) -> float:
        visits = float((self.o_need * (self.o_duration + self.visit_travel)).sum())
        legs = (
            float(((self.start >= 0) * (2 * self.leg[:, None])).sum()) if len(self.carers) else 0.0
        )
        return visits + legs

    def paid_minutes(self) -> float:
        return float(
            sum(c.times.paid * int((self.start[j] >= 0).sum()) for j, c in enumerate(self.carers))
        )

    def utilisation(self) -> float:
        paid = self.paid_minutes()
        return self.work_minutes() / paid if paid else float("inf")
