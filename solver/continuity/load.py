"""A cheap estimate of whether one more visit fits a carer's day, for choosing carers early.

Choosing a client's carers happens before any route exists, so it cannot ask the routes.
Counting minutes alone would promise a carer ten morning visits that all want 07:00-09:00;
instead each carer-day keeps its promised visits as jobs (release = window start, latest
start = window end, length = duration + an average travel leg) plus the break, and a
visit fits when the jobs can still be sequenced inside the shift. Sequencing is checked
by two list orders (by latest start, by release); either succeeding counts as a fit. It is
an estimate: insertion into the real routes decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Job:
    """Work promised to a carer-day: start in [release, latest], occupying `length` minutes."""

    release: int
    latest: int
    length: int


def _sequence_fits(jobs: list[Job], start: int, end: int) -> bool:
    t = start
    for job in jobs:
        t = max(t, job.release)
        if t > job.latest:
            return False
        t += job.length
    return t <= end


@dataclass
class DayLoad:
    """Promised jobs of one carer-day inside [start, end] (shift less the office legs)."""

    start: int
    end: int
    jobs: list[Job] = field(default_factory=list)
    minutes: int = 0

    def fits(self, job: Job) -> bool:
        trial = [*self.jobs, job]
        by_latest = sorted(trial, key=lambda j: (j.latest, j.release))
        if _sequence_fits(by_latest, self.start, self.end):
            return True
        by_release = sorted(trial, key=lambda j: (j.release, j.latest))
        return _sequence_fits(by_release, self.start, self.end)

    def add(self, job: Job) -> None:
        self.jobs.append(job)
        self.minutes += job.length
