"""What every planning method shares: its options, its progress events, its result, its time
budget and its last step, which turns a solution into a schedule the evaluator has verified.

A method is anything with a `name` and `solve(instance, options, on_progress) -> SolveResult`
(`Method`); `solver.methods` lists them by name, so `hemplan solve --method`, `hemplan compare`
and `hemplan bench` treat the continuity solver and the baselines alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Schedule, SolverInfo
from hemplan.models.contract.version import hemplan_version
from hemplan.models.evaluator import Evaluation, evaluate
from hemplan.solver.assemble import to_schedule
from hemplan.solver.budget import Plan, check_budget
from hemplan.solver.locks import LockCheck, check_locks
from hemplan.solver.problem import Problem
from hemplan.solver.score import Score, Weights
from hemplan.solver.solution import Solution

RESERVE_SHARE = 0.08  # share of the time limit kept for merging, verifying and writing


class SolverBug(RuntimeError):
    """A method produced a schedule the evaluator rejects: a bug, never a user mistake."""


@dataclass(frozen=True)
class SolveOptions:
    """What the user chose: budget, parallelism, seed, whether teams may borrow carers and
    how much more travel than the travel-only plan continuity may cost."""

    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    allow_borrowing: bool = False
    # teams plan alone, then a visit left out may go to another team's carer (continuity)
    borrow_left_out: bool = False
    work_limit: float | None = (
        None  # deterministic work per team (or day); None: from the time limit
    )
    weights: Weights = (
        Weights()
    )  # the cost's exchange rates (travel, arrival, workload); see solver.score
    executor: str = "local"  # where teams run: "local" processes or "dask" (see solver.executors)
    scheduler: str | None = None  # address of an existing dask scheduler, e.g. tcp://10.0.0.5:8786
    source: str = ""  # the file the instance came from, named in input problems ("": its name)
    # continuity only: travel within this many per cent of teams-travel's (None: no budget)
    max_travel_increase: float | None = None

    def source_of(self, instance: Instance) -> str:
        """What an input problem of `instance` names: the file, else the instance's name."""
        return self.source or instance.name or "instance"


@dataclass
class Progress:
    """One event for the progress display: a team's (or the district's) best score changed."""

    elapsed: float
    team: str
    score: Score
    bound: int
    first: bool


ProgressCallback = Callable[[Progress], None]


@dataclass
class SolveResult:
    """The verified schedule and how it was found."""

    schedule: Schedule
    evaluation: Evaluation
    first_solution_s: float
    interrupted: bool


class Method(Protocol):
    """A planning method: plans an instance within the options' budget and returns the
    evaluator-verified schedule (`finish`), reporting progress on the way."""

    @property
    def name(self) -> str:
        """The method's name, as `--method` takes it and as the schedule records it."""
        ...

    def solve(
        self,
        instance: Instance,
        options: SolveOptions,
        on_progress: ProgressCallback = lambda event: None,
    ) -> SolveResult: ...


# planned day by day (the central baselines: the district as one pool; teams-travel: teams kept)
DAILY_METHODS = frozenset({"central-travel", "central-greedy", "teams-travel"})
ROUTING_METHODS = frozenset({"central-travel", "teams-travel"})  # days in workers, routed by PyVRP


def memory_plan(
    instance: Instance, options: SolveOptions, allow_borrowing: bool, method: str | None = None
) -> Plan:
    """How `method` plans `instance` as far as memory goes (`solver.budget.Plan`); without
    `method`, with borrowing the heaviest central baseline (central-travel)."""
    if method is None:
        central = lists = allow_borrowing
    else:
        central, lists = method in DAILY_METHODS, method in ROUTING_METHODS
    # the routed methods route only with time left once the verification is set aside
    routing = lists and search_deadline(0.0, instance, options, allow_borrowing) > 0
    # a dask scheduler given by address runs the teams on its own workers, elsewhere
    workers = options.workers if options.scheduler is None else 1
    return Plan(workers, allow_borrowing, central, lists, routing)


def admit(
    instance: Instance, options: SolveOptions, allow_borrowing: bool, method: str | None = None
) -> LockCheck:
    """The checks every method makes before any work: an input the method could not plan
    lawfully, or not within the machine's memory, is the user's to fix (an InputError naming
    `options.source`), never a SolverBug after the search nor a machine out of memory.

    1. the memory budget (`solver.budget`): the estimate from the instance's size alone (one
       pass over the records, nothing built) for `method` (`memory_plan`);
    2. locks that no schedule could keep (`solver.locks`; instances without locks cost
       nothing). What the locks together leave the locked visits is returned, for a method
       that plans `LockCheck.narrowed(instance)`."""
    source = options.source_of(instance)
    check_budget(instance, source, memory_plan(instance, options, allow_borrowing, method))
    return check_locks(instance, source, allow_borrowing)


def verify_seconds(instance: Instance, allow_borrowing: bool) -> float:
    """Seconds to keep for merging, verifying and writing the schedule: they grow with the
    visits and, with borrowing, with the visits times the district's staff (the evaluator
    weighs every carer of the pool for every visit: measured 1.0 s for city-14d's 12,256
    visits and 200 carers, 13.8 s for 61,875 visits and 1,000 carers, 0.22 microseconds a
    pair; kept at twice that for a loaded machine)."""
    pool = len(instance.staff) if allow_borrowing else 0
    return 0.5 + len(instance.visits) * 25 / 100_000 + len(instance.visits) * pool / 2_000_000


def search_deadline(
    started: float, instance: Instance, options: SolveOptions, allow_borrowing: bool
) -> float:
    """When (time.monotonic) a method's search must end so that the whole solve, verification
    and writing included, keeps `options.time_limit` from `started`."""
    return (
        started
        + options.time_limit * (1 - RESERVE_SHARE)
        - verify_seconds(instance, allow_borrowing)
    )


def finish(
    problem: Problem, solution: Solution, info: SolverInfo, started: float
) -> tuple[Schedule, Evaluation]:
    """The schedule of `solution`, verified by the evaluator (under the problem's borrowing
    rule): any violation is a SolverBug.

    Fills in the wall time and the version, and copies the evaluator's metrics into the
    schedule: its figures are the judge's, never the method's own."""
    info.version = hemplan_version()
    schedule = to_schedule(problem, solution, info)
    evaluation = evaluate(problem.instance, schedule, allow_borrowing=problem.allow_borrowing)
    if evaluation.violations:
        listed = "\n".join(str(v) for v in evaluation.violations[:20])
        raise SolverBug(
            f"{info.method} produced {len(evaluation.violations)} violation(s):\n{listed}"
        )
    info.wall_time_s = round(time.monotonic() - started, 3)
    schedule.metrics = evaluation.metrics
    return schedule, evaluation
