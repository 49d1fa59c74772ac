"""The schedule: who does which visit when, each carer's day route, and what was left out.

`assignments` say for each visit its day, start and carers; `routes` say for each carer and
day the ordered stops with travel, waiting and the break — what the carer actually does.
The evaluator checks both against the instance and against each other; `metrics` and the
`solver` block are informative and are recomputed, never trusted.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, NonNegativeInt

from hemplan.models.contract.clock import ClockTime
from hemplan.models.contract.instance import StrictModel


class Assignment(StrictModel):
    """A served visit: the day it is done, its start, and its carer(s).

    A visit whose two carers start apart (a start gap) also lists `starts`, each carer's own
    start in `carers` order; `start` is then the first role's start. Left out, every carer
    starts at `start`, so a schedule without gaps reads and writes as before, and the
    assignment alone still says when each carer is at the door."""

    visit: str
    day: NonNegativeInt
    start: ClockTime
    carers: list[str] = Field(min_length=1)
    starts: list[ClockTime] | None = None

    def start_of(self, carer: str) -> int:
        """When `carer` starts this visit (`start` unless `starts` says otherwise)."""
        if self.starts is not None and carer in self.carers:
            k = self.carers.index(carer)
            if k < len(self.starts):
                return self.starts[k]
        return self.start


class Stop(StrictModel):
    """One stop of a route: a visit (at the client's home) or the break.

    `travel` is the minutes travelled just before this stop (0 for a break, which is taken
    where the carer is), `wait` the idle minutes between arriving and starting.
    """

    kind: Literal["visit", "break"]
    visit: str | None = None
    client: str | None = None
    start: ClockTime
    end: ClockTime
    travel: NonNegativeInt = 0
    wait: NonNegativeInt = 0


def stop_order(stop: Stop) -> tuple[int, int, bool]:
    """The order of a route's stops: by start, then end; a break before a visit at a tie."""
    return (stop.start, stop.end, stop.kind == "visit")


class Route(StrictModel):
    """A carer's day: leave the office, the stops in time order, travel back to the office."""

    carer: str
    day: NonNegativeInt
    stops: list[Stop] = []
    travel_back: NonNegativeInt = 0
    travel_minutes: NonNegativeInt = 0


class Unassigned(StrictModel):
    """A visit that is not served, and why."""

    visit: str
    reason: str


class Distribution(StrictModel):
    """Summary of a per-client figure."""

    mean: float
    median: float
    p90: float
    max: float


class Metrics(StrictModel):
    """What the evaluator measured (see DESIGN.md, Metrics); recomputed on every evaluation."""

    visits: int
    assigned: int
    unassigned_mandatory: int
    unassigned_deferrable: int
    violations: int
    distinct_carers_horizon: Distribution | None = None
    distinct_carers_14d: Distribution | None = None
    # every 14 consecutive days, windows reaching into the history included (client-windows)
    distinct_carers_sliding_14d: Distribution | None = None
    worst_window_14d: Distribution | None = None  # per client, its worst 14-day window
    sliding_14d_into_history: float | None = None  # mean of the windows reaching into it
    national_indicator_14d: float | None = None
    national_indicator_clients: int = 0
    indicator_14d_all_clients: float | None = None
    contact_share: float | None = None
    arrival_spread: Distribution | None = (
        None  # minutes; per client, see models/evaluator/arrival.py
    )
    # of the visits with a served twin a week before: same carers, start within 15 minutes
    week_repeat_share: float | None = None
    lower_bound_total: int = 0
    distinct_carers_total: int = 0
    gap_to_lower_bound: float | None = None
    travel_minutes: int = 0
    travel_per_visit: float | None = None
    visit_minutes: int = 0
    paid_shift_minutes: int = 0
    client_time_share: float | None = None
    borrowed_visits: int = 0
    # soft windows (visits with `lateness`): minutes each carer starts after the window's
    # latest start, summed and the largest; None when every window is hard
    tardiness_minutes: int | None = None
    max_tardiness: int | None = None


class SolverInfo(StrictModel):
    """How the schedule was made: enough to reproduce and to compare methods."""

    method: str
    status: str
    objective: dict[str, float] = {}
    bound: dict[str, float] = {}
    wall_time_s: float = 0.0
    seed: int | None = None
    workers: int | None = None
    version: str = ""
    options: dict[str, str | int | float | bool] = {}


class Schedule(StrictModel):
    """A plan for one instance. Visits missing from every list count as unassigned."""

    instance: str = ""
    start_date: date | None = None  # the horizon's day 0, so a later period can read it as history
    allow_borrowing: bool = False
    assignments: list[Assignment] = []
    routes: list[Route] = []
    unassigned: list[Unassigned] = []
    metrics: Metrics | None = None
    solver: SolverInfo | None = None
