"""The solver's own objective of a whole plan, as DESIGN.md and issue 3 order it.

The evaluator's metrics are the judge of a finished schedule; this is the cheap figure the
search compares plans with at every step. Lexicographic: unserved visits (mandatory, then
deferrable), with a travel budget (`--max-travel-increase`) the minutes of travel over it,
distinct carers summed over clients (a carer the client met in the history's
look-back counting `known_share` per cent of a new one: see `pair_cost`), the worst client's
excess over its lower bound, visits not done by a preferred carer (and with a stable week,
visits not done by the carers of the week before). Then one weighted *cost* trades minutes
against minutes: travel, arrival-time deviation (the same recurring visit at about the same time
every day), workload deviation (each carer's visit minutes against a share of the team's
work in proportion to paid time) and, with soft windows, tardiness (minutes each carer starts
after the window's latest) and, weighted 0 unless asked for, the largest such lateness. A
strict order there would buy one minute of punctuality with any amount of travel, which no
planner wants; the weights say the exchange rate.

Tardiness is a cost, not a level above continuity: the client agreed to the lateness the
visit's `lateness` allows (the limit itself stays hard), so within it a planner trades late
minutes against travel minutes, one for one by default, as the published routing sets with
soft windows do; it never buys a new carer for the client.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hemplan.solver.problem import Problem
from hemplan.solver.solution import Placement, Solution


@dataclass(frozen=True)
class Weights:
    """Objective weights (integers, for CP-SAT). The levels down to `week` make the order
    lexicographic in practice: each outweighs anything a neighbourhood can change below it.
    The rest are exchange rates in tenths: a travel minute costs 10, a minute of arrival
    deviation 5, a minute of workload deviation 1, a late minute 10, and a minute of the
    largest lateness 0 unless asked for."""

    unserved_mandatory: int = 100_000_000
    unserved_deferrable: int = 10_000_000
    # a minute of travel over the budget (`Problem.travel_budget`): above ten new pairs, so a
    # step never trades the budget for continuity; below a deferrable visit left out per ten
    over_budget: int = 1_000_000
    new_pair: int = 100_000
    not_preferred: int = 500
    # per cent of a new carer that a carer met in the history costs: of the 14 windows of 14
    # days that end in a fortnight's period, 13 reach back across its start, and a carer met
    # recently is already in nearly all of them; measured (benchmarks/RESULTS.md): 10
    known_share: int = 10
    week: int = 0  # a visit not done by the carers of the week before (`--stable-week`: 100)
    travel: int = 10
    arrival: int = 5
    workload: int = 1
    tardiness: int = 10  # a minute a carer starts late (soft windows), as a minute of travel
    # a minute of the plan's largest lateness (soft windows), on top of its minutes counted
    # in `tardiness`: the published routing sets with soft windows (Mankowska et al.) price
    # the worst delay once more, so that no one client waits long for the others' sake
    max_tardiness: int = 0

    def cost_weights(self) -> dict[str, int]:
        """The exchange rates a user may set (`hemplan solve --weights`): the levels above them
        are an order, not a trade, and stay as they are."""
        return {
            "travel": self.travel,
            "arrival": self.arrival,
            "workload": self.workload,
            "tardiness": self.tardiness,
            "max_tardiness": self.max_tardiness,
        }

    def as_option(self) -> str:
        """The exchange rates as `--weights` takes them, for the schedule's record of its
        options."""
        return ",".join(
            f"{name}={value}"
            for name, value in self.cost_weights().items()
            if name != "max_tardiness" or value  # off by default: said only when set
        )


@dataclass(frozen=True, order=True)
class Score:
    """Plan quality; smaller is better, compared field by field in this order (the fields
    after `cost` are its parts, for reports)."""

    unassigned_mandatory: int
    unassigned_deferrable: int
    over_budget: int  # travel minutes over the budget; 0 without one
    pair_cost: int
    distinct_carers: int
    worst_excess: int
    not_preferred: int
    not_repeated: int
    cost: int
    travel: int
    arrival_deviation: int
    workload_deviation: int
    tardiness: int = 0  # minutes carers start late (soft windows); 0 with hard windows
    max_tardiness: int = 0  # the largest of those lateness minutes (one carer's start)

    def parts(self) -> dict[str, float]:
        """The fields by name; the lateness fields only when there is some, so a plan with
        hard windows records the objective it always did."""
        return {
            k: float(v)
            for k, v in self.__dict__.items()
            if k not in ("tardiness", "max_tardiness") or v
        }

    @staticmethod
    def combine(scores: list[Score]) -> Score:
        """The score of independent parts (teams) together: sums, and the worst excess."""
        return Score(
            unassigned_mandatory=sum(s.unassigned_mandatory for s in scores),
            unassigned_deferrable=sum(s.unassigned_deferrable for s in scores),
            over_budget=sum(s.over_budget for s in scores),
            pair_cost=sum(s.pair_cost for s in scores),
            distinct_carers=sum(s.distinct_carers for s in scores),
            worst_excess=max((s.worst_excess for s in scores), default=0),
            not_preferred=sum(s.not_preferred for s in scores),
            not_repeated=sum(s.not_repeated for s in scores),
            cost=sum(s.cost for s in scores),
            travel=sum(s.travel for s in scores),
            arrival_deviation=sum(s.arrival_deviation for s in scores),
            workload_deviation=sum(s.workload_deviation for s in scores),
            tardiness=sum(s.tardiness for s in scores),
            max_tardiness=max((s.max_tardiness for s in scores), default=0),
        )


def client_carers(problem: Problem, solution: Solution) -> dict[str, set[str]]:
    """The carers each client meets in the solution."""
    met: dict[str, set[str]] = {c.id: set() for c in problem.instance.clients}
    for visit_id, p in solution.assignments.items():
        met[problem.visit(visit_id).client].update(p.carers)
    return met


def pair_cost(problem: Problem, met: dict[str, set[str]], weights: Weights = Weights()) -> int:
    """Distinct carers in hundredths: 100 for a carer new to the client, `known_share` for
    one it met within the history's look-back. At 50, the carers of a 14-day window inside
    the period plus those of one reaching back across its start; without a history, 100 x
    the distinct carers."""
    known = problem.known
    total = 0
    for client, carers in met.items():
        familiar = len(carers & known.get(client, frozenset()))
        total += 100 * (len(carers) - familiar) + weights.known_share * familiar
    return total


def not_repeated(problem: Problem, solution: Solution) -> int:
    """Served visits not done by the carers of the same visit a week before (that one served;
    in the first week, the history's)."""
    count = 0
    assignments = solution.assignments
    for v_id, p in assignments.items():
        twin = problem.week_before.get(v_id)
        if twin is not None:
            if twin in assignments and set(assignments[twin].carers) != set(p.carers):
                count += 1
        elif v_id in problem.past_carers and problem.past_carers[v_id] != set(p.carers):
            count += 1
    return count


def solution_travel(problem: Problem, solution: Solution) -> int:
    """Travel minutes of every carer-day route: office, visits by start time, office."""
    return sum(
        route_travel(problem, carer_id, visit_ids)
        for (carer_id, _), visit_ids in solution.routes().items()
    )


def route_travel(problem: Problem, carer_id: str, visit_ids: list[str]) -> int:
    """Travel minutes of one carer-day: office, `visit_ids` in this order, office."""
    if not visit_ids:
        return 0
    carer = problem.carer(carer_id)
    office = problem.office(carer)
    places = [office] + [problem.home(problem.visit(v)) for v in visit_ids] + [office]
    return sum(problem.minutes(carer, a, b) for a, b in zip(places, places[1:]))


def over_budget(problem: Problem, travel: int) -> int:
    """Minutes by which `travel` exceeds the problem's travel budget (0 without one)."""
    budget = problem.travel_budget
    return 0 if budget is None else max(0, travel - budget)


def series_medians(problem: Problem, solution: Solution) -> list[tuple[list[str], int]]:
    """For each recurring visit served more than once: its served visits and their median
    start (the upper one of an even count), the reference of the arrival-time objective."""
    medians = []
    for ids in problem.series.values():
        served = [v for v in ids if v in solution.assignments]
        if len(served) > 1:
            starts = sorted(solution.assignments[v].start for v in served)
            medians.append((served, starts[len(starts) // 2]))
    return medians


def arrival_deviation(problem: Problem, solution: Solution) -> int:
    """Minutes by which served visits of each recurring visit start away from its median start."""
    return sum(
        abs(solution.assignments[v].start - median)
        for served, median in series_medians(problem, solution)
        for v in served
    )


def late_starts(problem: Problem, assignments: Mapping[str, Placement]) -> list[int]:
    """The lateness of each carer's start at a visit with soft windows (0 when on time)."""
    found = []
    for visit_id, p in assignments.items():
        visit = problem.visit(visit_id)
        if visit.lateness is not None:
            found += [visit.tardiness(p.start_of(c)) for c in p.carers]
    return found


def carer_loads(problem: Problem, solution: Solution) -> dict[str, int]:
    """Visit minutes per carer in the solution."""
    load = {c.id: 0 for c in problem.instance.staff}
    for visit_id, p in solution.assignments.items():
        for carer in p.carers:
            load[carer] += problem.visit(visit_id).duration
    return load


def workload_deviation(problem: Problem, solution: Solution) -> int:
    """Minutes by which carers' loads differ from their shares, summed."""
    targets = problem.workload_targets
    return sum(abs(load - targets[c]) for c, load in carer_loads(problem, solution).items())


def score(
    problem: Problem,
    solution: Solution,
    weights: Weights = Weights(),
    bounds: dict[str, int] | None = None,
) -> Score:
    """The objective of `solution`, the worst excess measured against the problem's bounds
    (or `bounds`: a baseline's progress, which has none, passes {})."""
    instance = problem.instance
    bounds = problem.bounds if bounds is None else bounds
    met = client_carers(problem, solution)
    unserved = [v for v in instance.visits if v.id not in solution.assignments]
    not_preferred = 0
    for visit_id, p in solution.assignments.items():
        preferred = instance.client_by_id[problem.visit(visit_id).client].preferred_carers
        if preferred and not set(p.carers) & set(preferred):
            not_preferred += 1
    minutes = solution_travel(problem, solution)
    late = arrival_deviation(problem, solution)
    uneven = workload_deviation(problem, solution)
    lates = late_starts(problem, solution.assignments)
    tardy, worst = sum(lates), max(lates, default=0)
    return Score(
        unassigned_mandatory=sum(v.priority == "mandatory" for v in unserved),
        unassigned_deferrable=sum(v.priority == "deferrable" for v in unserved),
        over_budget=over_budget(problem, minutes),
        pair_cost=pair_cost(problem, met, weights),
        distinct_carers=sum(len(c) for c in met.values()),
        worst_excess=max((len(met[c]) - bounds.get(c, 0) for c in met), default=0),
        not_preferred=not_preferred,
        not_repeated=not_repeated(problem, solution) if weights.week else 0,
        cost=weights.travel * minutes
        + weights.arrival * late
        + weights.workload * uneven
        + weights.tardiness * tardy
        + weights.max_tardiness * worst,
        travel=minutes,
        arrival_deviation=late,
        workload_deviation=uneven,
        tardiness=tardy,
        max_tardiness=worst,
    )
