"""Choose, per client, a small set of carers who together can do its visits (a set cover).

Continuity is decided here rather than left to insertion: inserting visit by visit picks
whoever is cheapest each time and spreads a client over the whole team. Greedily, the carer
who can take most of the client's open visits joins first and is promised all of them,
then the next for the rest, until every visit has as many carers as it needs (two when
double-staffed) or nobody has room. "Can take" means eligible for the visit and, by the
`DayLoad` estimate, still room that day, so a popular carer is not promised more than a day
holds. Clients with the fewest possible carers and the most work choose first, while the
team still has room for them. With borrowing allowed, carers of other teams join only when
the client's own team cannot cover. (Exact smallest covers were tried: no better after
insertion, because room, not the cover's size, is what binds in busy mornings.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hemplan.models.contract.instance import TRAVEL_MODES, Visit
from hemplan.solver.continuity.load import DayLoad, Job
from hemplan.solver.problem import Problem

Key = tuple[str, int]


@dataclass
class CarerChoice:
    """Chosen carers per client (in choice order) and the (carer, day) meant for each visit."""

    chosen: dict[str, list[str]] = field(default_factory=dict)
    designated: dict[str, list[Key]] = field(default_factory=dict)


def typical_leg(problem: Problem) -> dict[tuple[str, str], int]:
    """Median travel minutes between two clients of a team, per (team, mode): the cost of one more
    stop."""
    instance, travel = problem.instance, problem.travel
    legs: dict[tuple[str, str], int] = {}
    for team in instance.teams:
        places = [travel.client_index[c.id] for c in instance.clients if c.team == team.id]
        for m, mode in enumerate(TRAVEL_MODES):
            if len(places) < 2:
                legs[(team.id, mode)] = 0
                continue
            sub = travel.minutes[m][np.ix_(places, places)]
            off = sub[~np.eye(len(places), dtype=bool)]
            legs[(team.id, mode)] = int(np.median(off)) if off.size else 0
    return legs


class Cover:
    """The greedy carer choice, with per carer-day load estimates shared across clients."""

    def __init__(self, problem: Problem, rank: dict[str, float]) -> None:
        instance = problem.instance
        self.instance = instance
        self.eligible = problem.eligible
        self.known = problem.known
        self.twins = problem.history_twins
        self.rank = rank
        legs = typical_leg(problem)
        self.leg: dict[str, int] = {s.id: legs[(s.team, s.travel_mode)] for s in instance.staff}
        self.loads: dict[Key, DayLoad] = {}
        for carer in instance.staff:
            for shift in carer.shifts:
                load = DayLoad(shift.start + self.leg[carer.id], shift.end - self.leg[carer.id])
                if shift.break_ is not None:
                    b = shift.break_
                    load.add(Job(b.earliest, b.latest, b.minutes))
                self.loads[(carer.id, shift.day)] = load
        self.promised: dict[str, int] = {s.id: 0 for s in instance.staff}
        self.paid: dict[str, int] = {
            s.id: max(1, sum(sh.paid_minutes for sh in s.shifts)) for s in instance.staff
        }
        self.days = (
            problem.fitting_days
        )  # allowed days on which a carer's shift has room for a visit

    def job(self, carer: str, visit: Visit) -> Job:
        start = visit.locked_start
        release = visit.window.earliest if start is None else start
        latest = visit.allowed_starts[-1][1] if start is None else start
        return Job(release, latest, visit.duration + self.leg[carer])

    def room_day(self, carer: str, visit: Visit, day: int | None) -> int | None:
        """A day the carer has estimated room for the visit (least loaded first), or None."""
        job = self.job(carer, visit)
        options = [d for d in self.days(carer, visit) if day is None or d == day]
        options.sort(key=lambda d: (self.loads[(carer, d)].minutes, d))
        for d in options:
            if self.loads[(carer, d)].fits(job):
                return d
        return None

    def promise(self, carer: str, visit: Visit, day: int) -> None:
        job = self.job(carer, visit)
        self.loads[(carer, day)].add(job)
        self.promised[carer] += job.length

    def choose(self, client_order: list[str], visits_of: dict[str, list[Visit]]) -> CarerChoice:
        """Run the greedy cover for each client in `client_order` over its servable visits."""
        choice = CarerChoice()
        for client_id in client_order:
            self._choose_for(client_id, visits_of.get(client_id, []), choice)
        return choice

    def _choose_for(self, client_id: str, visits: list[Visit], choice: CarerChoice) -> None:
        """Locked carers first, then greedily the carer with room for most of the open visits."""
        chosen: list[str] = []
        need: dict[str, int] = {}
        for visit in visits:
            choice.designated[visit.id] = []
            need[visit.id] = visit.staff_needed
        for (
            visit
        ) in visits:  # locked carers are chosen whatever it costs: they must serve their visits
            for carer in visit.locked_carers:
                if carer not in chosen:
                    chosen.append(carer)
        for carer in list(chosen):
            self._designate(carer, visits, need, choice)
        self._repeat_history(visits, need, choice, chosen)
        by_id = {v.id: v for v in visits}
        pool = sorted(
            {c for v in visits if need[v.id] > 0 for c in self.eligible.get(v.id, ())} - set(chosen)
        )
        room = {
            carer: self._room(carer, [v for v in visits if need[v.id] > 0], choice)
            for carer in pool
        }
        while room:
            candidates = [c for c in room if room[c]]
            if not candidates:
                break
            carer = min(candidates, key=lambda c: self._preference(client_id, c, room[c]))
            del room[carer]
            chosen.append(carer)
            pinned = self._designate(carer, visits, need, choice)
            # only this carer's load changed; others lose covered visits and must meet a pinned day
            for other, open_ids in room.items():
                kept = {i for i in open_ids if need[i] > 0}
                recheck = [by_id[i] for i in kept & pinned]
                room[other] = (kept - pinned) | self._room(other, recheck, choice)
        choice.chosen[client_id] = chosen

    def _repeat_history(
        self, visits: list[Visit], need: dict[str, int], choice: CarerChoice, chosen: list[str]
    ) -> None:
        """Promise each visit the carers who did the same visit a week or two before the
        horizon (`Problem.history_twins`) where they have room: a period like the last one
        starts from the last one's plan."""
        for visit in visits:
            twin = self.twins.get(visit.id)
            for carer in sorted(twin.carers if twin else ()):
                if self._promise_one(carer, visit, need, choice) and carer not in chosen:
                    chosen.append(carer)

    def _room(self, carer: str, visits: list[Visit], choice: CarerChoice) -> set[str]:
        """Those of `visits` the carer is eligible for and has estimated room for."""
        return {
            v.id
            for v in visits
            if carer in self.eligible[v.id]
            and self.room_day(carer, v, self._fixed_day(v, choice)) is not None
        }

    def _preference(self, client_id: str, carer: str, room: set[str]) -> tuple:
        """Own team, met by the client in the history (they could serve it then, and a new
        carer costs the windows across the periods' boundary one carer more), room for most
        open visits, liked by the client, least promised so far, seeded rank."""
        client = self.instance.client_by_id[client_id]
        liked = carer in client.preferred_carers or carer == client.contact_carer
        borrowed = self.instance.staff_by_id[carer].team != client.team
        known = carer in self.known.get(client_id, ())
        return (
            borrowed,
            not known,
            -len(room),
            not liked,
            self.promised[carer] / self.paid[carer],
            self.rank[carer],
            carer,
        )

    def _fixed_day(self, visit: Visit, choice: CarerChoice) -> int | None:
        """The day a double-staffed visit is already promised on, so its partner comes that day."""
        designated = choice.designated.get(visit.id)
        return designated[0][1] if designated else None

    def _designate(
        self, carer: str, visits: list[Visit], need: dict[str, int], choice: CarerChoice
    ) -> set[str]:
        """Promise the carer every open visit it has room for; returns the double-staffed visits
        that now have a day (their partner must come that day)."""
        pinned: set[str] = set()
        for visit in visits:
            if self._promise_one(carer, visit, need, choice) and need[visit.id] > 0:
                pinned.add(visit.id)
        return pinned

    def _promise_one(
        self, carer: str, visit: Visit, need: dict[str, int], choice: CarerChoice
    ) -> bool:
        """Promise the carer this visit if it still needs someone, the carer could do it, is
        not promised it already and has room on an allowed day; whether it was promised."""
        if need[visit.id] <= 0 or carer not in self.eligible.get(visit.id, ()):
            return False
        if any(c == carer for c, _ in choice.designated[visit.id]):
            return False
        day = self.room_day(carer, visit, self._fixed_day(visit, choice))
        if day is None:
            return False
        self.promise(carer, visit, day)
        choice.designated[visit.id].append((carer, day))
        need[visit.id] -= 1
        return True
