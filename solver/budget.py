"""The memory budget every method checks before any work (`solver.method.admit`).

A solve's memory follows the instance's size in a few ways, each measured on generated
instances (`python -m hemplan.benchmarks.scale --table`: the peak proportional set size of the
whole process tree, sampled four times a second; benchmarks/RESULTS.md, "Size limits"):

- the loaded instance, and later its team parts, solutions, schedule and evaluation: per visit;
- travel times between every two places (offices and homes), 12 bytes a pair as kept (three
  travel modes, int32), about 92 while `solver.travel` builds them (float64 temporaries of the
  whole array at once): the whole district's once in the main process, and each team's again
  in the process planning it. Quadratic: 10,000 homes take 9 GB to build;
- with borrowing (the central baselines), the carers who could serve each visit out of the
  district's whole staff, in the solver and again in the evaluator: per visit and carer;
- central-travel, per worker process: the district's travel array again (the pickled Problem),
  and when the time limit leaves time to route (`routing`), PyVRP's data of a day: a distance
  and a duration matrix per travel mode between the places of the day (at most all places),
  built by the router and copied by PyVRP.

`estimate` takes the larger of two moments: building the district's travel array, and planning
(workers, parts, eligibility, routing, verification). `check_budget` refuses an instance whose
estimate is over the budget with an InputError naming the file, the sizes, the estimate and the
budget, after one pass over the records and before anything big is built. The budget follows the
machine: `BUDGET_SHARE` of its physical memory (or of a lower container or ulimit limit), or the
`HEMPLAN_MEMORY_BUDGET` environment variable (`6G`, `6000M`, a plain number of MiB, `40%` of the
machine's memory, or `off`).
"""

from __future__ import annotations

import os
import re
import resource
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputError, InputProblem

ENV = "HEMPLAN_MEMORY_BUDGET"
BUDGET_SHARE = 0.5  # of the machine's memory, when HEMPLAN_MEMORY_BUDGET is not set
KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB

# Measured (see the module docstring) and rounded up a little: refusing an instance that would
# just have fitted costs less than a machine that starts swapping.
MAIN_BYTES = 90 * MIB  # the main process: Python, pydantic, numpy, OR-Tools
WORKER_BYTES = 100 * MIB  # each worker process: its own heap, a CP-SAT or routing model
LOADED_VISIT_BYTES = 5 * KIB  # the loaded instance, per visit (its clients, staff, shifts)
PLANNED_VISIT_BYTES = 19 * KIB  # teams planned apart: parts, solutions, schedule, evaluation
POOLED_VISIT_BYTES = 5 * KIB  # the district as one pool: the solution, schedule, evaluation
BUILD_PAIR_BYTES = 92  # per pair of places while a travel array is built
KEPT_PAIR_BYTES = 12  # per pair of places of a travel array kept
CHOICE_BYTES = 30  # per visit and carer of the pool (borrowing): eligibility, solver and judge
ROUTE_PAIR_BYTES = 100  # per pair of places, per worker: a day's PyVRP data (central-travel)


@dataclass(frozen=True)
class Size:
    """What the estimate reads off an instance: counts only, found in one pass."""

    teams: int
    clients: int
    staff: int
    visits: int
    places: int  # offices and homes: the side of the travel array
    largest_team: str  # the team with the most places
    team_places: int
    team_visits: int
    team_staff: int
    days: int

    @classmethod
    def of(cls, instance: Instance) -> Size:
        clients = Counter(c.team for c in instance.clients)
        staff = Counter(s.team for s in instance.staff)
        team_of = {c.id: c.team for c in instance.clients}
        visits = Counter(team_of.get(v.client, "") for v in instance.visits)
        largest = max(
            (t.id for t in instance.teams), key=lambda t: (clients[t], visits[t]), default=""
        )
        return cls(
            teams=len(instance.teams),
            clients=len(instance.clients),
            staff=len(instance.staff),
            visits=len(instance.visits),
            places=len(instance.teams) + len(instance.clients),
            largest_team=largest,
            team_places=1 + clients[largest] if largest else 0,
            team_visits=visits[largest],
            team_staff=staff[largest],
            days=instance.horizon.days,
        )

    def describe(self) -> str:
        text = (
            f"{self.teams:,} team{'s' if self.teams != 1 else ''}, {self.clients:,} clients, "
            f"{self.staff:,} staff, {self.visits:,} visits"
        )
        if self.teams > 1:
            text += (
                f" (largest team {self.largest_team}: {self.team_places - 1:,} clients, "
                f"{self.team_staff:,} staff, {self.team_visits:,} visits)"
            )
        return text


@dataclass(frozen=True)
class Estimate:
    """Peak memory of a solve in bytes, and what the larger moment is made of (name -> bytes)."""

    total: int
    parts: dict[str, int] = field(default_factory=dict)

    def largest(self) -> tuple[str, int]:
        return max(self.parts.items(), key=lambda item: item[1], default=("", 0))


@dataclass(frozen=True)
class Plan:
    """How a method plans, as far as memory goes: up to `workers` worker processes, team by
    team (a process each), or with `allow_borrowing` the district as one pool: by one worker
    process (continuity), or with `central` day by day (the central baselines; `lists`: in
    worker processes, a day each, each with the district's travel array, and with `routing` a
    day's routing data: central-travel)."""

    workers: int
    allow_borrowing: bool
    central: bool = False
    lists: bool = False
    routing: bool = False


def estimate(size: Size, plan: Plan) -> Estimate:
    """Peak memory of planning an instance of `size` as `plan` says: the larger of building
    the district's travel array and planning."""
    whole = f"travel times between all {size.places:,} places"
    build = {
        "the loaded instance": LOADED_VISIT_BYTES * size.visits,
        f"building the {whole}": BUILD_PAIR_BYTES * size.places**2,
    }
    planning: dict[str, int] = {f"the {whole}": KEPT_PAIR_BYTES * size.places**2}
    if plan.central:  # day by day: the district's pool, or each team's (teams-travel)
        pool = size.staff if plan.allow_borrowing else size.team_staff
        planning["the instance, solution and schedule"] = POOLED_VISIT_BYTES * size.visits
        whose = f"of all {size.staff:,} staff" if plan.allow_borrowing else "of the team"
        planning[f"the carers who could serve each visit, {whose}"] = (
            CHOICE_BYTES * size.visits * pool
        )
        if plan.lists:
            processes = max(1, min(plan.workers, size.days))
            planning["worker processes, each with the district's travel times"] = processes * (
                WORKER_BYTES + KEPT_PAIR_BYTES * size.places**2 + POOLED_VISIT_BYTES * size.visits
            )
            if plan.routing:  # a day of the pool's places, or of a team's
                routed = size.places if plan.allow_borrowing else size.team_places
                planning[f"routing {processes} day(s) at once"] = (
                    processes * ROUTE_PAIR_BYTES * routed**2
                )
    elif not plan.allow_borrowing:
        processes = max(1, min(plan.workers, size.teams))
        planning["worker processes"] = WORKER_BYTES * processes
        planning["the instance, its team parts, solutions and schedule"] = (
            PLANNED_VISIT_BYTES * size.visits
        )
        team = "each team" if size.teams > 1 else "the team"
        planning[f"building the travel times of {team} planned ({size.team_places:,} places)"] = (
            processes * BUILD_PAIR_BYTES * size.team_places**2
        )
    else:  # continuity with borrowing: one worker plans the whole district
        planning["the instance, solution and schedule"] = POOLED_VISIT_BYTES * size.visits
        planning[f"the carers who could serve each visit, of all {size.staff:,} staff"] = (
            CHOICE_BYTES * size.visits * size.staff
        )
        planning["a worker process building the district's travel times"] = (
            WORKER_BYTES + BUILD_PAIR_BYTES * size.places**2
        )
    moment = max(build, planning, key=lambda parts: sum(parts.values()))
    return Estimate(MAIN_BYTES + sum(moment.values()), moment)


@dataclass(frozen=True)
class Budget:
    """How many bytes a solve may take (None: unchecked) and where that figure comes from."""

    limit: int | None
    origin: str


def machine_memory() -> tuple[int, str] | None:
    """The memory this process may use in bytes, and what limits it: physical memory, or a
    lower cgroup (container) or address-space limit; None where none can be read."""
    found: list[tuple[int, str]] = []
    try:
        found.append((os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"), "memory"))
    except (OSError, ValueError, AttributeError):
        pass
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 1 << 60:
            found.append((int(text), "container memory limit"))
    for limit, name in ((resource.RLIMIT_AS, "address-space"), (resource.RLIMIT_DATA, "data")):
        soft, _ = resource.getrlimit(limit)
        if soft != resource.RLIM_INFINITY and soft > 0:
            found.append((soft, f"{name} limit (ulimit)"))
    return min(found) if found else None


_SIZE = re.compile(r"(\d+(?:\.\d*)?)\s*([kmgt]?)(?:i?b)?", re.IGNORECASE)
_SHARE = re.compile(r"(\d+(?:\.\d*)?)\s*%")
_UNITS = {"": MIB, "k": 1024, "m": MIB, "g": GIB, "t": 1024 * GIB}


def memory_budget(environ: dict[str, str] | None = None) -> Budget:
    """The budget: HEMPLAN_MEMORY_BUDGET when set (`6G`, `6000M`, a plain number of MiB,
    `40%` of the machine's memory, or `off`), else BUDGET_SHARE of the machine's memory.

    Raises InputError naming the variable when its value is not one of these."""
    value = (os.environ if environ is None else environ).get(ENV, "").strip()
    if value.lower() in ("off", "none", "unlimited"):
        return Budget(None, f"{ENV}={value}")
    machine = machine_memory()
    if not value:
        if machine is None:
            return Budget(None, "the machine's memory is unknown")
        total, what = machine
        return Budget(
            int(BUDGET_SHARE * total),
            f"{BUDGET_SHARE:.0%} of {gigabytes(total)}, this machine's {what}; "
            f"set {ENV} to change it",
        )
    if share := _SHARE.fullmatch(value):
        if machine is None:
            return Budget(None, f"{ENV}={value}, but the machine's memory is unknown")
        return Budget(
            int(float(share.group(1)) / 100 * machine[0]),
            f"{ENV}={value} of {gigabytes(machine[0])}",
        )
    if size := _SIZE.fullmatch(value):
        return Budget(int(float(size.group(1)) * _UNITS[size.group(2).lower()]), f"{ENV}={value}")
    raise InputError(
        [
            InputProblem(
                ENV,
                "",
                f"{value!r} is not a memory size; write for example 6G, 6000M, 40% "
                "(of the machine's memory) or off",
            )
        ]
    )


def gigabytes(count: float) -> str:
    """Bytes as people read them: `11.7 GB` (GiB, as `free -g` counts), `640 MB` below 1 GB."""
    return f"{count / GIB:.1f} GB" if count >= GIB else f"{count / MIB:.0f} MB"


def check_budget(
    instance: Instance, source: str, plan: Plan, environ: dict[str, str] | None = None
) -> Estimate:
    """Refuse with an InputError naming `source` when planning `instance` as `plan` says would
    need more memory than the budget (`estimate`, `memory_budget`); costs one pass over the
    records. Returns the estimate."""
    size = Size.of(instance)
    need = estimate(size, plan)
    budget = memory_budget(environ)
    if budget.limit is None or need.total <= budget.limit:
        return need
    part, part_bytes = need.largest()
    advice = "plan part of it (fewer teams or days), or run it on a machine with more memory"
    if plan.workers > 1:
        alone = estimate(size, replace(plan, workers=1)).total
        if alone <= budget.limit:
            advice = f"with --workers 1 it needs about {gigabytes(alone)}; or " + advice
    workers = f"{plan.workers} worker{'s' if plan.workers != 1 else ''}"
    raise InputError(
        [
            InputProblem(
                source,
                "",
                f"too large to plan in memory: {size.describe()} need an estimated "
                f"{gigabytes(need.total)} with {workers} ({part}: {gigabytes(part_bytes)}); "
                f"the budget is {gigabytes(budget.limit)} ({budget.origin}). "
                f"Nothing was planned; {advice}",
            )
        ]
    )
