"""central-travel: what a central planner with a good routing tool does, day by day.

Each day the whole district is one pool: every carer with a shift that day is a vehicle
(from and back to their team's office, within the shift, with their own travel mode), every
visit on offer a node (start window, duration, the carers allowed by skills, exclusions and
locks; of several start windows the one central-greedy used, else the first its carers can
reach, since a node has one); a double-staffed visit is two nodes that start together on two
carers; a carer's break is a pause node of its break rule (any carer of that rule takes one);
the double-staffed visits left out are put back at any of their windows. Dropping a visit
costs far more than any detour (a locked visit most, then a mandatory visit on its last day,
then deferrable ones, then visits that can still go on a later day), so the router serves what
it can and then travels least. The router is PyVRP's iterated local search (`router`), started
from central-greedy's day plan; its second pass pins each double-staffed visit's two carers to
one start and takes each break where the carer is. `break_slots` then puts each break where
the evaluator reads it and drops what a lawful day cannot hold; a day that would serve fewer
visits than central-greedy's is central-greedy's.

Reproducibility: the search of a day ends at its share of the time limit, so a run depends on
the machine's speed. With `work_limit` it also ends after `work_limit x ITERATIONS_PER_WORK`
iterations; when that comes first, the same seed, work limit and worker count give the same
schedule on any machine. Days are planned `workers` at a time in separate processes (a visit
still pending is offered on one day of such a batch).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from hemplan.models.contract.instance import Instance, Shift, Visit
from hemplan.solver.baselines.break_slots import place_breaks
from hemplan.solver.baselines.by_day import DayOffer, DaysResult, DayVisit, plan_by_day
from hemplan.solver.baselines.central_greedy import greedy_day
from hemplan.solver.baselines.finish import verified_result
from hemplan.solver.baselines.pair_insertion import insert_pairs
from hemplan.solver.baselines.progress import day_progress
from hemplan.solver.baselines.router import solve_routing
from hemplan.solver.baselines.routing_problem import Node, RoutingProblem, Vehicle
from hemplan.solver.executors import make_executor
from hemplan.solver.method import Progress, SolveOptions, SolveResult, admit, search_deadline
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Placement, Solution

METHOD = "central-travel"
ITERATIONS_PER_WORK = 1000  # router iterations per day for each unit of --work-limit
BREAK_PRIZE = 100_000_000  # a break is taken before any visit is served
LOCKED, MANDATORY, DEFERRABLE, LATER = 10_000_000, 1_000_000, 100_000, 10_000


def _penalty(dv: DayVisit) -> int:
    """What leaving the visit out today costs: the router's prize, and the order in which the
    steps after routing drop or put back visits."""
    visit = dv.visit
    if visit.locked:
        return LOCKED
    mandatory = visit.priority == "mandatory"
    if not dv.last_chance:
        return LATER if mandatory else LATER // 10
    return MANDATORY if mandatory else DEFERRABLE


BREAK = ""  # the visit id of a break node in `slots`


def _break_kind(shift: Shift) -> str:
    """Carers whose breaks follow one rule take each other's break nodes alike."""
    rule = shift.break_
    return "" if rule is None else f"break {rule.earliest}-{rule.latest} {rule.minutes} min"


def _routing_problem(
    problem: Problem, offer: DayOffer, start: Solution, break_places: dict[str, int] | None = None
) -> tuple[RoutingProblem, list[tuple[str, int]]]:
    """The day as a routing problem, and for each node its visit and which carer slot it fills.

    A double-staffed visit the greedy `start` serves keeps the start it has there (its two
    nodes pinned to it): two carers free at one minute are the hard part of a double, and the
    router moves one node at a time.

    A working carer's break is a pause node of its rule's kind (first at the carer's office,
    or at its place in `break_places`, then where the carer is: `router`); each carer of that
    rule takes one. `break_slots` then places each break in its routed day where the carer
    is, as the evaluator reads it.
    """
    travel = problem.travel
    vehicle_of = {c.id: v for v, c in enumerate(offer.carers)}
    everyone = tuple(range(len(offer.carers)))
    vehicles = []
    nodes: list[Node] = []
    slots: list[tuple[str, int]] = []
    for v, carer in enumerate(offer.carers):
        shift = carer.shift_by_day[offer.day]
        office = problem.office(carer)
        kind = _break_kind(shift)
        vehicles.append(
            Vehicle(
                travel.mode_index(carer.travel_mode),
                office,
                shift.start,
                shift.end,
                (kind,) if kind else (),
            )
        )
        rule = shift.break_
        if rule is not None:
            place = office if break_places is None else break_places.get(carer.id, office)
            nodes.append(
                Node(
                    place, rule.earliest, rule.latest, rule.minutes, everyone, BREAK_PRIZE, 0, kind
                )
            )
            slots.append((BREAK, v))
    pairs: list[tuple[int, int]] = []
    for dv in offer.visits:
        visit = dv.visit
        penalty = _penalty(dv)
        if visit.roles is not None or visit.staggered:
            nodes += _role_nodes(problem, dv, start, vehicle_of, penalty, slots)
            continue
        allowed = tuple(vehicle_of[c] for c in dv.carers)
        earliest, latest = _routed_window(problem, offer, dv, start)
        if visit.staff_needed == 2 and visit.id in start.assignments:
            earliest = latest = start.assignments[visit.id].start
        for slot in range(visit.staff_needed):
            vehicles_here: tuple[int, ...]
            # a partly locked double: slot 0 is the locked carer
            if slot < len(visit.locked_carers):
                vehicles_here = (vehicle_of[visit.locked_carers[slot]],)
            else:
                vehicles_here = allowed
            nodes.append(
                Node(
                    problem.home(visit),
                    earliest,
                    latest,
                    visit.duration,
                    vehicles_here,
                    penalty,
                )
            )
            slots.append((visit.id, slot))
        if visit.staff_needed == 2:
            pairs.append((len(nodes) - 2, len(nodes) - 1))
    return RoutingProblem(travel.minutes, nodes, vehicles, pairs), slots


def _role_nodes(
    problem: Problem,
    dv: DayVisit,
    start: Solution,
    vehicle_of: dict[str, int],
    penalty: int,
    slots: list[tuple[str, int]],
) -> list[Node]:
    """A double with roles or a start gap as central-greedy placed it: each slot's node on
    its carer's vehicle at that carer's own start (the router cannot pair roles or keep a
    gap; `route_pool` drops the visit unless both nodes stay). Left out by the greedy, it has
    no nodes: pair insertion tries it on the routed day."""
    visit = dv.visit
    placed = start.assignments.get(visit.id)
    if placed is None:
        return []
    nodes = []
    for slot, carer_id in enumerate(_slot_carers(visit, placed)):
        at = placed.start_of(carer_id)
        nodes.append(
            Node(
                problem.home(visit),
                at,
                at,
                visit.duration,
                (vehicle_of[carer_id],),
                penalty,
            )
        )
        slots.append((visit.id, slot))
    return nodes


def _slot_carers(visit: Visit, placed: Placement) -> list[str]:
    """The carers of a placement in node slot order: the locked ones first."""
    locked = visit.locked_carers
    return list(locked) + [c for c in placed.carers if c not in locked]


def _routed_window(
    problem: Problem, offer: DayOffer, dv: DayVisit, start: Solution
) -> tuple[int, int]:
    """The one start window a node gets (the router takes one per node): of a visit with
    several, the one the greedy `start` serves it in, else the first that one of its carers
    can reach from the office after the shift starts (the last, if none can)."""
    if len(dv.windows) == 1:
        return dv.windows[0]
    placed = start.assignments.get(dv.visit.id)
    if placed is not None:
        return next(w for w in dv.windows if w[0] <= placed.start <= w[1])
    home = problem.home(dv.visit)
    working = {c.id: c for c in offer.carers}
    reach = min(
        (
            carer.shift_by_day[offer.day].start
            + problem.minutes(carer, problem.office(carer), home)
            for c in dv.carers
            if (carer := working.get(c)) is not None
        ),
        default=dv.windows[-1][1],
    )
    return next((w for w in dv.windows if w[1] >= reach), dv.windows[-1])


def _initial_routes(
    offer: DayOffer, start: Solution, slots: list[tuple[str, int]]
) -> list[list[int]]:
    """The greedy solution as node sequences per vehicle (a locked carer in its own slot),
    each break node where the greedy break is, or first for a carer with nothing to do."""
    node_of = {slot: k for k, slot in enumerate(slots)}
    vehicle_of = {c.id: v for v, c in enumerate(offer.carers)}
    visits = {dv.visit.id: dv.visit for dv in offer.visits}
    routes: list[list[tuple[int, int]]] = [[] for _ in offer.carers]
    for visit_id, placement in start.assignments.items():
        carers = _slot_carers(visits[visit_id], placement)
        for slot, carer_id in enumerate(carers):
            routes[vehicle_of[carer_id]].append(
                (placement.start_of(carer_id), node_of[(visit_id, slot)])
            )
    for v, carer in enumerate(offer.carers):
        if (BREAK, v) in node_of:
            routes[v].append((start.breaks.get((carer.id, offer.day), 0), node_of[(BREAK, v)]))
    return [[node for _, node in sorted(route)] for route in routes]


MIN_ROUTING_SECONDS = 0.5  # building the routing model of a district day takes about this long


def team_offers(problem: Problem, offer: DayOffer) -> list[DayOffer]:
    """The day's offer cut by team (teams kept: each team's carers and its clients' visits),
    teams in instance order; teams with no visit on offer left out."""
    team_of = {c.id: c.team for c in problem.instance.clients}
    offers = []
    for team in problem.instance.teams:
        visits = tuple(dv for dv in offer.visits if team_of[dv.visit.client] == team.id)
        if visits:
            carers = tuple(c for c in offer.carers if c.team == team.id)
            offers.append(DayOffer(offer.day, carers, visits))
    return offers


def route_day(
    problem: Problem, offer: DayOffer, seconds: float, iterations: int | None, seed: int = 0
) -> Solution:
    """The day's solution from the router: with borrowing the district as one pool, else each
    team on its own, one after another, with a share of `seconds` (and of `iterations`) after
    its visits."""
    if problem.allow_borrowing:
        return route_pool(problem, offer, seconds, iterations, seed)
    began = time.monotonic()
    teams = team_offers(problem, offer)
    plan = Solution()
    for k, part in enumerate(teams):
        waiting = sum(len(p.visits) for p in teams[k:])
        share = len(part.visits) / waiting
        left = seconds - (time.monotonic() - began)
        routed = route_pool(
            problem,
            part,
            share * left,
            None
            if iterations is None
            else max(1, round(iterations * len(part.visits) / len(offer.visits))),
            seed,
        )
        plan.assignments.update(routed.assignments)
        plan.breaks.update(routed.breaks)
    return plan


def route_pool(
    problem: Problem, offer: DayOffer, seconds: float, iterations: int | None, seed: int = 0
) -> Solution:
    """The offer's carers and visits routed as one pool, started from the greedy plan, within
    `seconds` in all (and `iterations` of the router, when given)."""
    began = time.monotonic()
    greedy = greedy_day(problem, offer)
    if not offer.visits or seconds - (time.monotonic() - began) < MIN_ROUTING_SECONDS:
        return greedy  # no time left to build and search a routing model: the time limit wins
    start = greedy_day(problem, offer, break_at_office=True)
    left = seconds - (time.monotonic() - began)
    routed = route_from(problem, offer, start, left, iterations, seed, breaks_in_place=False)
    if routed is None or len(routed.assignments) < len(greedy.assignments):
        return greedy  # never serve fewer than central-greedy
    return routed


def route_from(
    problem: Problem,
    offer: DayOffer,
    start: Solution,
    seconds: float,
    iterations: int | None,
    seed: int = 0,
    breaks_in_place: bool = True,
    patience: int | None = None,
    price: Callable[[str, str], int] | None = None,
) -> Solution | None:
    """The offer routed by the router from the routes of `start` (a lawful plan of the offer's
    day and carers), double-staffed visits it serves kept at their starts; the doubles the
    router leaves out are put back where they fit (`insert_pairs`), each break placed where the
    evaluator reads it (`place_breaks`). None when the router finds no solution. `seconds`
    count from the call: building the routing model takes its part.

    `patience`: each search of the router also ends after that many iterations without a
    better solution (`router.solve_routing`).

    `breaks_in_place`: each break node starts where `start` has the carer at its break, so
    the router's start is as lawful as `start`, and no later pass of the router may serve less
    than the first (else at the office, as central-greedy's `break_at_office` plans it).

    `price(carer, visit)`: minutes of cost, not of time, added when that carer serves that
    visit (`continuity.familiar`: a price on carers the client rarely meets)."""
    began = time.monotonic()
    places = _break_places(problem, offer, start) if breaks_in_place else None
    routing, slots = _routing_problem(problem, offer, start, places)
    if price is not None:
        surcharge = [
            [0 if visit == BREAK else price(carer.id, visit) for visit, _ in slots]
            for carer in offer.carers
        ]
        routing = replace(routing, surcharge=surcharge)
    left = seconds - (time.monotonic() - began)
    initial = _initial_routes(offer, start, slots)
    solution = solve_routing(
        routing, left, iterations, initial, seed, patience, keep_served=breaks_in_place
    )
    if solution is None:
        return None
    carers: dict[str, dict[int, str]] = {}
    own: dict[str, dict[int, int]] = {}  # visit -> slot -> its carer's start
    for v, route in enumerate(solution.routes):
        for node in route:
            visit_id, slot = slots[node]
            if visit_id != BREAK:
                carers.setdefault(visit_id, {})[slot] = offer.carers[v].id
                own.setdefault(visit_id, {})[slot] = solution.starts[node]
    assignments = {
        visit_id: _placement(offer.day, by_slot, own[visit_id])
        for visit_id, by_slot in carers.items()
        if _whole(problem.visit(visit_id), by_slot)
    }
    rank = {dv.visit.id: _penalty(dv) for dv in offer.visits}
    assignments = insert_pairs(problem, offer, assignments, rank)
    kept, breaks, _ = place_breaks(problem, offer.day, assignments, rank)
    return Solution(kept, breaks)


def _break_places(problem: Problem, offer: DayOffer, start: Solution) -> dict[str, int]:
    """Where each carer of `start` is at its break: the home of its last visit before the
    break, or of its first visit when the break comes first (the carer drives there and
    takes the break at the door, as `continuity.routes.time_route` times it)."""
    places: dict[str, int] = {}
    for (carer_id, day), at in start.breaks.items():
        if day != offer.day:
            continue
        visits = sorted(
            (p.start_of(carer_id), visit_id)
            for visit_id, p in start.assignments.items()
            if carer_id in p.carers
        )
        before = [visit_id for s, visit_id in visits if s < at]
        beside = before[-1] if before else visits[0][1] if visits else None
        if beside is not None:
            places[carer_id] = problem.home(problem.visit(beside))
    return places


def _whole(visit: Visit, by_slot: dict[int, str]) -> bool:
    """Whether the router kept every node of a double with roles or a start gap (it has no
    pair for them, so it may drop one); other visits are whole by the router's pairs."""
    return (visit.roles is None and not visit.staggered) or len(by_slot) == visit.staff_needed


def _placement(day: int, by_slot: dict[int, str], own: dict[int, int]) -> Placement:
    """The placement of a routed visit, in slot order; each carer's own start listed only when
    they differ (a start gap)."""
    slots = sorted(by_slot)
    carers = tuple(by_slot[s] for s in slots)
    starts = tuple(own[s] for s in slots)
    if len(set(starts)) == 1:
        return Placement(day, starts[0], carers)
    return Placement(day, min(starts), carers, starts)


def _route_task(
    job: tuple[Problem, DayOffer, float, int | None, int],
    report: Callable[[Any], None],
    should_stop: Callable[[], bool],
) -> Solution:
    """Executor task: one day routed. The search cannot poll `should_stop`, so the executor
    abandons it on a stop request (see `central_travel`)."""
    return route_day(*job)


@dataclass
class RoutedPlan:
    """The day-by-day plan before verification: its problem, its days and the router's
    iterations per day (None: the clock ends each day's search)."""

    problem: Problem
    days: DaysResult
    per_day: int | None


def routed_plan(
    instance: Instance,
    options: SolveOptions,
    method: str = METHOD,
    on_progress: Callable[[Progress], None] = lambda event: None,
    started: float | None = None,
) -> RoutedPlan:
    """Plan `instance` day by day, minimising unserved visits then travel, district-wide
    (central-travel) or with the teams kept (teams-travel: each team routed on its own);
    `options.workers` days at a time in separate processes, within `options.time_limit` from
    `started` (time.monotonic; default now)."""
    started = time.monotonic() if started is None else started
    pooled = method == METHOD
    admit(instance, options, allow_borrowing=pooled, method=method)
    problem = Problem.build(instance, allow_borrowing=pooled)
    deadline = search_deadline(started, instance, options, allow_borrowing=pooled)
    per_day = None if options.work_limit is None else int(options.work_limit * ITERATIONS_PER_WORK)
    processes = max(1, min(options.workers, instance.horizon.days))
    report = day_progress(problem, started, on_progress)
    # a Ctrl-C kills the days being routed at once (each may have most of its share of the time
    # limit left) and plan_by_day keeps the days planned before
    with make_executor("local", workers=processes, abandon=True) as executor:

        def route_days(offers: list[DayOffer], share: float) -> list[Solution]:
            plans = executor.map(
                _route_task, [(problem, offer, share, per_day, options.seed) for offer in offers]
            )
            if executor.stopped:
                raise KeyboardInterrupt
            return plans

        days = plan_by_day(problem, route_days, deadline, method, batch=processes, on_batch=report)
    return RoutedPlan(problem, days, per_day)


def central_travel(
    instance: Instance,
    options: SolveOptions,
    on_progress: Callable[[Progress], None] = lambda event: None,
    method: str = METHOD,
) -> SolveResult:
    """The verified schedule of `routed_plan`."""
    started = time.monotonic()
    routed = routed_plan(instance, options, method, on_progress, started)
    settings: dict[str, str | int | float | bool] = (
        {} if routed.per_day is None else {"iterations_per_day": routed.per_day}
    )
    return verified_result(
        routed.problem,
        routed.days.solution,
        method,
        options,
        started,
        settings,
        routed.days.interrupted,
    )


@dataclass(frozen=True)
class CentralTravel:
    """The method: planning with a router, day by day (`central_travel`): the district as one
    pool (`central-travel`), or with `name="teams-travel"` each team on its own (the travel
    yardstick of the same teams continuity plans)."""

    name: str = METHOD

    def solve(
        self,
        instance: Instance,
        options: SolveOptions,
        on_progress: Callable[[Progress], None] = lambda event: None,
    ) -> SolveResult:
        return central_travel(instance, options, on_progress, self.name)
