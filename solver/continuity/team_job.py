"""What each team's search is given and what it returns.

`TeamJob` is the search phase's budget as the teams share it: the end of the phase, how many
team searches share how many processes, a work limit or the time turned into work
(`WORK_PER_SECOND`), the seed and the weights; its first round's share (`OPENING_SHARE`) and
the second round's allotments by need (`shares`). `TeamStart`, `TeamOutcome` and `TeamPlan`
are a team's first plan, its search's result and its plan once the searches are over.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from hemplan.models.contract.instance import Instance
from hemplan.solver.continuity.recreate import WHOLE_COOLING
from hemplan.solver.continuity.search import Ended
from hemplan.solver.problem import Problem
from hemplan.solver.score import Score, Weights
from hemplan.solver.solution import Solution

WORK_PER_SECOND = (
    0.3  # CP-SAT deterministic time granted per second of budget (calibrated, see RESULTS.md)
)
OPENING_SHARE = 0.4  # share of the search time shared evenly before the rest goes by need


@dataclass(frozen=True)
class TeamJob:
    """What every team is given: the end of the search phase, how many team searches share how
    many processes (`teams` counts a team searched twice twice: `searches_per_team`), an
    optional fixed work budget, the seed, borrowing and the solve's start.

    `end` and `started` are epoch seconds (`time.time()`), not monotonic ones, so that workers
    on other machines of a dask cluster (NTP-synchronised clocks) agree on them."""

    end: float
    teams: int
    processes: int
    work_limit: float | None
    seed: int
    allow_borrowing: bool
    started: float
    weights: Weights = Weights()
    # the part of a walk's cooling (`continuity.recreate`) this round's searches cover: a team
    # at its bound walks once over the whole search rather than hot again every round
    cooling: tuple[float, float] = WHOLE_COOLING

    def budget(self, index: int) -> tuple[float, float]:
        """Wall seconds and work for the `index`-th team, starting now.

        The time left is shared among the teams not yet started, `processes` at a time, so
        that no process idles while another team still has budget: teams that start late get
        what is left rather than a fixed slice.
        """
        left = max(0.0, self.end - time.time())
        seconds = min(left, left * self.processes / max(self.processes, self.teams - index))
        work = self.work_limit if self.work_limit is not None else seconds * WORK_PER_SECOND
        return seconds, work

    def opening(self) -> TeamJob:
        """The first round: OPENING_SHARE of the time left (and of a fixed work budget)."""
        now = time.time()
        return replace(
            self,
            end=now + OPENING_SHARE * max(0.0, self.end - now),
            work_limit=None if self.work_limit is None else OPENING_SHARE * self.work_limit,
            cooling=(0.0, OPENING_SHARE),
        )

    def second(self) -> TeamJob:
        """The second round: the rest of the walks' cooling."""
        return replace(self, cooling=(OPENING_SHARE, 1.0))

    def allotments(self, needs: list[float]) -> list[tuple[float, float]]:
        """Wall seconds and work per team for the second round, in proportion to `needs`.

        No team gets more than one process for the time left; what a capped team cannot use
        goes to the others. With a fixed work budget the round shares the work the first
        round left over (all teams together), capped alike at one process's part.
        """
        left = max(0.0, self.end - time.time())
        if self.work_limit is None:
            seconds = shares(needs, left * self.processes, cap=left)
            return [(s, s * WORK_PER_SECOND) for s in seconds]
        total = (1 - OPENING_SHARE) * self.work_limit * self.teams
        works = shares(needs, total, cap=total / self.processes)
        return [(left, w) for w in works]


@dataclass
class TeamOutcome:
    """What solving one team returned; `at_bound` and `ended` make up the solve's status."""

    team: str
    solution: Solution
    score: Score
    bound: int
    first_solution_s: float
    at_bound: (
        bool  # no solution does better on continuity (`solver.continuity.search.all_at_bound`)
    )
    ended: Ended  # what ended the team's last search
    budget: int | None = None  # the team's travel budget (`Problem.travel_budget`)

    @property
    def interrupted(self) -> bool:
        return self.ended == "interrupted"


@dataclass
class TeamStart:
    """A team's problem (with the facts derived for it, reused to improve it), its first
    solution, when that was ready (seconds since the solve began), and what its search adds
    to the solve's seed (0, or `SEARCH_SEED_STEP` times k for the team's k-th further search)."""

    problem: Problem
    solution: Solution
    first: float
    seed_offset: int = 0


@dataclass
class TeamPlan:
    """A team's plan as the search left it: the team (a big team whole), its solution and
    score, and its travel budget (`Problem.travel_budget`)."""

    team: Instance
    solution: Solution
    score: Score
    budget: int | None = None


def part_problem(part: Instance, allow_borrowing: bool) -> Problem:
    """A part's problem: with borrowing when the solve has it, or when the part holds shifts
    of a shared pool booked to its team (`continuity.bookings`: a second team)."""
    return Problem.build(part, allow_borrowing or len(part.teams) > 1)


def shares(needs: list[float], total: float, cap: float) -> list[float]:
    """`total` split in proportion to `needs`, no share above `cap`: what a capped share cannot
    take goes to the others in proportion (water-filling); shares of zero need are zero."""
    result = [0.0] * len(needs)
    open_ = {i for i, need in enumerate(needs) if need > 0}
    left = total
    while open_:
        weight = sum(needs[i] for i in open_)
        capped = {i for i in open_ if left * needs[i] / weight >= cap}
        if not capped:
            for i in open_:
                result[i] = left * needs[i] / weight
            break
        for i in capped:
            result[i] = cap
        left -= cap * len(capped)
        open_ -= capped
    return result
