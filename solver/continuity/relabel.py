"""Whole routes handed to other carers: the same visits in the same order, fewer carers met.

A plan's day is a set of routes; which carer drives which route is a second choice. A
travel-only plan (teams-travel) makes it without regard to the clients: each day's routes go
to whichever carers, so a client meets many. Every route another carer could drive unchanged
(on shift around it, eligible for each of its visits, its break fitting in, its visits in the
same order at the same starts: a double-staffed visit's the plan's, so its partner still meets
it, the others as early as the route allows) in no more minutes may be given to that carer
instead. Choosing the hand-over with the fewest (client, carer) pairs,
then the fewest visits off their clients' preferred carers, then the least travel, is an
assignment of routes to carers, at most one route per carer and day, coupled across days by
the pairs: first day by day (each day an exact min-cost assignment given the other days,
repeated while a pass gains: `_by_days`), then CP-SAT over all days from that plan within a
work budget (`_over_all_days`), which leaves the day-by-day local optimum where moving
several days at once gains. Among carers of one office and travel mode the travel stays the
plan's, to the minute; it never grows.

Measured (benchmarks/RESULTS.md, "The budget curve on one big group"): group-14d's travel-only
plan (one group of 42 carers) gives clients 10.1 carers in 14 days; handed over, 6.8 at the
same travel.

Routes with a visit whose carers are locked, or with a visit with roles, stay with their
carers (a lock names them; a role's skills belong to one of the two carers).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from hemplan.solver.continuity.carer_days import CarerDays, placement
from hemplan.solver.continuity.model.solve import cp_solver
from hemplan.solver.continuity.routes import RouteStop, time_route
from hemplan.solver.problem import Problem
from hemplan.solver.score import Weights, route_travel
from hemplan.solver.solution import Solution

Key = tuple[str, int]  # (carer, day)
# CP-SAT's deterministic time for the assignment over all days: a team of ten carers over 14
# days reaches its optimum in 0.6-3 units from the day-by-day plan (district-14d's teams)
RELABEL_WORK = 4.0


@dataclass(frozen=True)
class Route:
    """One carer-day of the plan: its carer, day, visits in order and their starts."""

    carer: str
    day: int
    stops: tuple[RouteStop, ...]  # each pinned at its start (`routes_of`)

    @property
    def visits(self) -> list[str]:
        return [s.visit for s in self.stops]


@dataclass(frozen=True)
class Handover:
    """A carer who could drive a route unchanged: travel minutes and break start then."""

    carer: str
    travel: int
    break_start: int | None


def routes_of(days: CarerDays) -> list[Route]:
    """The non-empty carer-day routes of `days` (a plan's), each start pinned where `days`
    times it: a double-staffed visit at the plan's start, the others as early as the route
    allows (`CarerDays.from_solution`). Measured against pinning the plan's own starts
    (benchmarks/RESULTS.md, "Travel against continuity"): the searches after it did better
    from the early starts."""
    found = []
    for (carer, day), stops in sorted(days.stops.items()):
        if stops:
            starts = days.timings[(carer, day)].starts
            pinned_stops = tuple(s.pinned(t) for s, t in zip(stops, starts, strict=True))
            found.append(Route(carer, day, pinned_stops))
    return found


def handovers(problem: Problem, route: Route, days: CarerDays) -> list[Handover]:
    """The carers who could drive `route` as it is in no more minutes (its own carer first):
    eligible for every visit, on shift that day, every pinned start kept, the break fitting in.
    Only its own carer for a route with a visit whose carers are locked or which has roles;
    none when its own carer's timing of it differs (it cannot for a plan the evaluator
    passed)."""
    own = _timed(problem, days, route, route.carer)
    if own is None:
        return []
    visits = [problem.visit(v) for v in route.visits]
    if any(v.locked_carers or v.roles is not None for v in visits):
        return [own]
    others = set.intersection(*(set(problem.eligible.get(v.id, ())) for v in visits))
    found = [own]
    for carer in sorted(others - {route.carer}):
        timed = _timed(problem, days, route, carer)
        if timed is not None and timed.travel <= own.travel:
            found.append(timed)
    return found


def _timed(problem: Problem, days: CarerDays, route: Route, carer: str) -> Handover | None:
    context = days.contexts.get((carer, route.day))
    if context is None:
        return None
    timing = time_route(context, route.stops)
    if timing is None or list(timing.starts) != [s.fixed for s in route.stops]:
        return None
    return Handover(carer, route_travel(problem, carer, route.visits), timing.break_start)


class Assignment:
    """The routes, who may drive each, and the cost of a choice (an index into each route's
    carers): pairs first, then visits off preferred carers, then travel, as one integer."""

    def __init__(
        self, problem: Problem, routes: list[Route], options: list[list[Handover]], weights: Weights
    ) -> None:
        self.routes, self.options = routes, options
        self.clients = [sorted({problem.visit(v).client for v in r.visits}) for r in routes]
        preferred = {c.id: set(c.preferred_carers) for c in problem.instance.clients}
        wanted = [[preferred[problem.visit(v).client] for v in r.visits] for r in routes]
        self.off = [
            [sum(1 for w in want if w and h.carer not in w) for h in choices]
            for want, choices in zip(wanted, options, strict=True)
        ]
        self.travel_scale = max(h.travel for choices in options for h in choices) * len(routes) + 1
        self.off_scale = sum(len(r.visits) for r in routes) + 1
        known, share = problem.known, weights.known_share
        self.pair = {  # a (client, carer) pair's cost in hundredths of a new carer
            (k, h.carer): share if h.carer in known.get(k, frozenset()) else 100
            for r, choices in enumerate(options)
            for h in choices
            for k in self.clients[r]
        }

    def unit(self, r: int, k: int) -> int:
        """Route r's cost with its k-th carer, pairs aside."""
        return self.off[r][k] * self.travel_scale + self.options[r][k].travel

    def pair_weight(self, client: str, carer: str) -> int:
        return self.pair[(client, carer)] * self.off_scale * self.travel_scale

    def cost(self, chosen: list[int]) -> int:
        met = {(k, self.options[r][c].carer) for r, c in enumerate(chosen) for k in self.clients[r]}
        return sum(self.pair_weight(k, c) for k, c in met) + sum(
            self.unit(r, c) for r, c in enumerate(chosen)
        )


def relabelled(
    problem: Problem,
    plan: Solution,
    weights: Weights = Weights(),
    work: float = RELABEL_WORK,
    seconds: float = 60.0,
    seed: int = 0,
) -> Solution:
    """`plan` with its routes handed to other carers (module doc), no more travel; `plan`
    itself when no hand-over lowers the cost. `work` (CP-SAT's deterministic time; 0: the
    day-by-day stage alone) and `seconds` bound the assignment over all days."""
    days = CarerDays.from_solution(problem, plan)
    if days is None:
        return plan
    routes = routes_of(days)
    options = [handovers(problem, route, days) for route in routes]
    if all(len(o) <= 1 for o in options) or not all(options):  # nothing to hand over
        return plan
    assignment = Assignment(problem, routes, options, weights)
    own = [0] * len(routes)  # each route's own carer comes first
    chosen = _by_days(assignment, own)
    if work > 0:
        chosen = _over_all_days(assignment, chosen, work, seconds, seed)
    if assignment.cost(chosen) >= assignment.cost(own):
        return plan
    return _handed_over(
        plan, routes, {id(route): options[r][chosen[r]] for r, route in enumerate(routes)}
    )


def _by_days(assignment: Assignment, chosen: list[int]) -> list[int]:
    """Passes over the days, each day's routes given to carers by an exact min-cost
    assignment with the other days held, while a pass lowers the cost. A carer drives one
    route a day, so a route's cost for a carer is separable: a new pair for each of its
    clients the carer does not meet on the other days."""
    chosen = list(chosen)
    options, clients = assignment.options, assignment.clients
    meets: Counter[tuple[str, str]] = Counter()  # (client, carer) -> routes together
    for r, k in enumerate(chosen):
        meets.update((client, options[r][k].carer) for client in clients[r])
    by_day: dict[int, list[int]] = defaultdict(list)
    for r, route in enumerate(assignment.routes):
        by_day[route.day].append(r)
    improved = True
    while improved:
        improved = False
        for day in sorted(by_day):
            ours = by_day[day]
            for r in ours:  # the day's routes leave; the other days stay
                meets.subtract((client, options[r][chosen[r]].carer) for client in clients[r])
            costs = [
                [
                    assignment.unit(r, k)
                    + sum(
                        assignment.pair_weight(client, h.carer)
                        for client in clients[r]
                        if meets[(client, h.carer)] <= 0
                    )
                    for k, h in enumerate(options[r])
                ]
                for r in ours
            ]
            picks = _cheapest(costs, [[h.carer for h in options[r]] for r in ours])
            now = sum(costs[i][chosen[r]] for i, r in enumerate(ours))
            if sum(row[k] for row, k in zip(costs, picks, strict=True)) < now:
                for r, k in zip(ours, picks, strict=True):
                    chosen[r] = k
                improved = True
            for r in ours:
                meets.update((client, options[r][chosen[r]].carer) for client in clients[r])
    return chosen


def _cheapest(costs: list[list[int]], carers: list[list[str]]) -> list[int]:
    """The cheapest choice for each route (an index into its carers), no carer twice: a
    min-cost flow from the routes through their carers."""
    names = sorted({c for row in carers for c in row})
    node = {c: len(costs) + k for k, c in enumerate(names)}
    sink = len(costs) + len(names)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs: list[list[int]] = []
    for r, (row, who) in enumerate(zip(costs, carers, strict=True)):
        add = flow.add_arc_with_capacity_and_unit_cost
        arcs.append([add(r, node[c], 1, cost) for cost, c in zip(row, who, strict=True)])
        flow.set_node_supply(r, 1)
    for c in names:
        flow.add_arc_with_capacity_and_unit_cost(node[c], sink, 1, 0)
    flow.set_node_supply(sink, -len(costs))
    status = flow.solve()
    if status != flow.OPTIMAL:  # cannot happen: the routes' own carers are a matching
        raise AssertionError(f"route hand-over: min-cost flow ended {status}")
    return [next(k for k, a in enumerate(row) if flow.flow(a)) for row in arcs]


def _over_all_days(
    assignment: Assignment, chosen: list[int], work: float, seconds: float, seed: int
) -> list[int]:
    """The assignment over all days at once by CP-SAT from `chosen` (its hint), within
    `work` and `seconds`; `chosen` when CP-SAT finds nothing better."""
    model = cp_model.CpModel()
    take: list[list[cp_model.IntVar]] = []
    by_carer_day: dict[Key, list[cp_model.IntVar]] = defaultdict(list)
    # (client, carer) -> day -> that day's routes with the client the carer might drive
    meets: dict[tuple[str, str], dict[int, list[cp_model.IntVar]]] = defaultdict(
        lambda: defaultdict(list)
    )
    units = []
    for r, (route, choices) in enumerate(zip(assignment.routes, assignment.options, strict=True)):
        row = [model.new_bool_var(f"r{r}_{h.carer}") for h in choices]
        model.add_exactly_one(row)
        for k, (h, x) in enumerate(zip(choices, row, strict=True)):
            by_carer_day[(h.carer, route.day)].append(x)
            units.append(assignment.unit(r, k) * x)
            model.add_hint(x, k == chosen[r])
            for client in assignment.clients[r]:
                meets[(client, h.carer)][route.day].append(x)
        take.append(row)
    for xs in by_carer_day.values():
        model.add_at_most_one(xs)
    pairs = []
    for (client, carer), by_day in meets.items():
        y = model.new_bool_var(f"m_{client}_{carer}")
        for xs in by_day.values():  # a carer drives one route a day: one sum, not one each
            model.add(sum(xs) <= y)
        pairs.append(assignment.pair_weight(client, carer) * y)
    model.minimize(sum(pairs) + sum(units))
    solver = cp_solver(seconds, seed, 1, work)
    try:
        status = solver.solve(model)
    except KeyboardInterrupt:  # Ctrl-C in this process (a big group's start): the days' plan
        return chosen
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return chosen
    found = [next(k for k, x in enumerate(row) if solver.value(x)) for row in take]
    return found if assignment.cost(found) < assignment.cost(chosen) else chosen


def _handed_over(plan: Solution, routes: list[Route], chosen: dict[int, Handover]) -> Solution:
    """The plan with each route driven by its chosen carer: the same starts, the new carers'
    breaks."""
    starts: dict[str, dict[str, int]] = defaultdict(dict)
    day_of: dict[str, int] = {}
    breaks: dict[Key, int] = {}
    for route in routes:
        h = chosen[id(route)]
        for stop in route.stops:
            assert stop.fixed is not None
            starts[stop.visit][h.carer] = stop.fixed
            day_of[stop.visit] = route.day
        if h.break_start is not None:
            breaks[(h.carer, route.day)] = h.break_start
    assignments = {v: placement(day_of[v], by_carer) for v, by_carer in sorted(starts.items())}
    return Solution(assignments=assignments, breaks=breaks, unassigned=dict(plan.unassigned))
