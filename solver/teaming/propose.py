"""Proposing small teams from a staff pool: clients grouped by place, then carers by need.

1. Clients into k compact groups of about equal demand (`clusters`), each with an office at
   its demand-weighted centre (or, with `keep_base`, the nearest existing office).
2. What each group must hold (`fit`, `needs`): carers who could serve each visit, and paid
   minutes per day and shift type over the demand with slack.
3. Carers into groups (`assign`): every requirement hard, sizes within the range asked.
   With `shared_substitutes` the substitutes (`Staff.employment`) join no team: they stay
   one pool (team `V`) that stands in where a team is short and that every team may borrow
   from (`solve --borrow-left-out`); the sizes then count permanent staff.
   When the cheapest grouping of clients leaves no assignment, the next ones are tried; when
   none works, the soft model names what is short (`explain`) and an InputError says so.
4. Each team-day checked as a whole, travel left out (`days`): where a team's own carers
   cannot serve a day's visits, the assignment is asked again with one more carer at work
   then in that team (`_mended`); a day still short is reported with the proposal.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from hemplan.models.contract.instance import Instance, Team, Visit
from hemplan.models.contract.problems import InputError, InputProblem
from hemplan.solver.locks import lock_problems
from hemplan.solver.problem import Problem
from hemplan.solver.teaming.assign import Assignment, assign_carers
from hemplan.solver.teaming.clusters import Clustering, cluster_clients
from hemplan.solver.teaming.days import Checked, ShortDay, short_days
from hemplan.solver.teaming.explain import cover_problem, load_problem
from hemplan.solver.teaming.fit import VisitFit, visit_fits
from hemplan.solver.teaming.needs import Needs, load_minutes, shift_minutes, team_needs
from hemplan.solver.teaming.pool import (
    SHIFT_TYPES,
    client_demand,
    day_name,
    project_km,
    unproject,
)
from hemplan.solver.teaming.shortages import pool_shortages
from hemplan.solver.travel import great_circle_km

DEFAULT_TEAM_SIZE = 10  # the generator's and the reform's order of size
OLD_NAME_CHARS = 60  # of an old team's name in a new team's (`Team 2 (Bydalen)`)
GROUPINGS_TRIED = 3  # client groupings tried, cheapest first, before explaining
SHARED_ID = "V"  # the shared pool of substitutes (vikariepoolen)
# times the assignment is asked again with a carer more where a team-day is short
MEND_ROUNDS = 3
Cut = tuple[int, frozenset[int]]  # a group and the carers of which one must join it


@dataclass(frozen=True)
class TeamingOptions:
    """How to split the pool. `teams` or `team_size` (carers per team) sets the number of
    teams; sizes default to 80-120 % of the mean. `slack`: capacity over demand on every day
    and shift type (0.2: a fifth more paid minutes than visit minutes, for travel and breaks).
    `balance`: how far a group's demand may stray from the mean. `shared_substitutes`: keep
    the substitutes out of the teams, as one pool (else they are attached like the rest).
    `explain`: when no split is found, solve the soft model for what is short (False: say only
    that there is none, for a caller that then tries another count)."""

    teams: int | None = None
    team_size: int | None = None
    min_size: int | None = None
    max_size: int | None = None
    keep_base: bool = False
    slack: float = 0.2
    balance: float = 0.1
    seed: int = 0
    work_limit: float = 2.0
    time_limit: float = 30.0
    source: str = ""
    shared_substitutes: bool = False
    explain: bool = True


@dataclass
class ProposedTeam:
    """One proposed team and the figures a manager judges it by."""

    team: Team
    clients: list[str]
    carers: list[str]
    radius_km: float  # farthest client from the clients' demand-weighted centre
    demand: dict[str, int]  # visit carer-minutes by shift type over the horizon
    capacity: dict[str, int]  # paid shift minutes by shift type over the horizon
    tightest: tuple[float, str]  # lowest capacity/demand of a day and shift types, and where
    skills: dict[str, int]  # carers holding each skill

    def line(self) -> str:
        loads = ", ".join(
            f"{t} {self.demand.get(t, 0):,}/{self.capacity.get(t, 0):,}"
            for t in SHIFT_TYPES
            if self.demand.get(t) or self.capacity.get(t)
        )
        skills = ", ".join(f"{s} {n}" for s, n in sorted(self.skills.items())) or "none"
        ratio, where = self.tightest
        return (
            f"{self.team.id} {self.team.name}: {len(self.clients)} clients, "
            f"{len(self.carers)} carers, radius {self.radius_km:.1f} km; "
            f"load (visit/paid min) {loads}; tightest {ratio:.2f}x on {where}; "
            f"carers with skills: {skills}"
        )


@dataclass(frozen=True)
class SharedPool:
    """The substitutes kept out of the teams: one team without clients, borrowed from."""

    team: Team
    carers: list[str]

    def line(self) -> str:
        return (
            f"{self.team.id} {self.team.name}: {len(self.carers)} substitutes, no clients of "
            "their own; they stand in where a team's own staff is short (a tightest below "
            "1.00x) and serve the visits a team leaves out (solve --borrow-left-out)"
        )


@dataclass
class Proposal:
    """The proposed teams, the shared pool of substitutes if kept, and visits that no carer
    of the pool could ever serve."""

    teams: list[ProposedTeam]
    team_of_client: dict[str, str]
    team_of_carer: dict[str, str]
    unservable: list[Visit] = field(default_factory=list)
    shared: SharedPool | None = None
    # team-days whose own carers cannot serve their visits even without travel (`teaming.days`)
    short_days: list[ShortDay] = field(default_factory=list)

    @property
    def all_teams(self) -> list[Team]:
        """Every team of the teamed instance: the proposed ones, then the shared pool."""
        return [t.team for t in self.teams] + ([self.shared.team] if self.shared else [])

    def teamed(self, instance: Instance) -> Instance:
        """`instance` with these teams: what loading the teamed document gives."""
        return Instance(
            name=f"{instance.name}-teams{len(self.teams)}",
            horizon=instance.horizon,
            skills=instance.skills,
            teams=self.all_teams,
            staff=[s.model_copy(update={"team": self.team_of_carer[s.id]}) for s in instance.staff],
            clients=[
                c.model_copy(update={"team": self.team_of_client[c.id]}) for c in instance.clients
            ],
            visits=instance.visits,
            travel=instance.travel,
        )


def team_count_and_sizes(carers: int, options: TeamingOptions) -> tuple[int, int, int]:
    """The number of teams and the range of their sizes, from the options."""
    if options.teams is not None:
        k = options.teams
    else:
        size = options.team_size or DEFAULT_TEAM_SIZE
        k = max(1, round(carers / size))
    mean = carers / max(1, k)
    low = options.min_size if options.min_size is not None else max(1, math.floor(0.8 * mean))
    high = options.max_size if options.max_size is not None else max(low, math.ceil(1.2 * mean))
    return k, low, high


def propose_teams(instance: Instance, options: TeamingOptions) -> Proposal:
    """Teams for `instance` taken as one pool; raises InputError naming what makes the asked
    split impossible (team, day, shift type, and the skill, carers or capacity short)."""
    source = options.source or instance.name or "instance"
    shared = frozenset(
        i for i, c in enumerate(instance.staff) if options.shared_substitutes and c.substitute
    )
    k, low, high = team_count_and_sizes(len(instance.staff) - len(shared), options)
    _check_request(instance, source, k, low, high, len(shared))
    demand = client_demand(instance)
    locations = [c.location for c in instance.clients]
    points = project_km(locations)
    weights = np.array([demand[c.id] for c in instance.clients], dtype=float)
    groupings = cluster_clients(points, weights, k, options.balance, options.seed)
    minutes = shift_minutes(instance)
    skills = [set(c.skills) for c in instance.staff]
    staff_index = {c.id: i for i, c in enumerate(instance.staff)}
    tried: list[tuple[list[int], list[Team], list[VisitFit], Needs, list[InputProblem]]] = []
    refused: list[InputProblem] = []  # the first proposal's locks it cannot keep
    for clustering in groupings[:GROUPINGS_TRIED]:
        order = _north_to_south(clustering)
        offices = _offices(instance, clustering, order, locations, options.keep_base)
        group_of_client = {
            c.id: order[int(g)] for c, g in zip(instance.clients, clustering.labels, strict=True)
        }
        fits = visit_fits(instance, offices, group_of_client)
        needs = team_needs(fits, group_of_client, staff_index, options.slack)
        by_visit = {f.visit.id: f for f in fits}
        short = pool_shortages(source, instance, by_visit, needs, minutes, k, shared)
        tried.append((order, offices, fits, needs, short))
        if short:
            continue  # no assignment of carers can help this grouping
        assign = partial(
            assign_carers,
            needs,
            minutes,
            skills,
            k,
            (low, high),
            _preferences(instance, group_of_client, staff_index),
            options.seed,
            options.work_limit,
            options.time_limit,
            shared=shared,
        )
        made = partial(
            _proposal,
            instance,
            offices,
            group_of_client,
            fits=fits,
            needs=needs,
            points=points,
            weights=weights,
        )
        found = assign()
        if found.groups is not None:
            proposal = made(found=found)
            unkept = unkept_locks(instance, proposal, source)
            if not unkept:
                again = partial(_reassigned, assign, made, instance, source)
                return _mended(instance, proposal, offices, shared, again)
            refused = refused or unkept  # another grouping's offices may keep them
    if refused:
        raise InputError(refused)
    order, offices, fits, needs, short = tried[0]
    if short:
        raise InputError(short + [_advice(source, k, low, high)])
    if not options.explain:
        raise InputError([_advice(source, k, low, high)])
    group_of_client = {
        c.id: order[int(g)] for c, g in zip(instance.clients, groupings[0].labels, strict=True)
    }
    soft = assign_carers(
        needs,
        minutes,
        skills,
        k,
        (low, high),
        _preferences(instance, group_of_client, staff_index),
        options.seed,
        options.work_limit,
        options.time_limit,
        soft=True,
        shared=shared,
    )
    if soft.groups is not None and not soft.cover_short and not soft.load_short:
        proposal = _proposal(instance, offices, group_of_client, soft, fits, needs, points, weights)
        unkept = unkept_locks(instance, proposal, source)
        if unkept:
            raise InputError(unkept)
        return proposal
    raise InputError(
        _problems(source, instance, offices, fits, needs, soft, k) + [_advice(source, k, low, high)]
    )


def _mended(
    instance: Instance,
    proposal: Proposal,
    offices: list[Team],
    shared: frozenset[int],
    reassign: Callable[[tuple[Cut, ...]], Proposal | None],
) -> Proposal:
    """`proposal` with its short team-days mended where the assignment can (`teaming.days`):
    for each, one of the carers at work then joins the team, up to MEND_ROUNDS times, while
    `reassign` (the assignment with those cuts, all rounds' together) finds a proposal. A
    round may move a shortage to another team-day (district-pool-28d in four teams: 12
    short team-days, then 12, 7, 7): the proposal with the fewest is kept, the first on a
    tie, and its days still short are kept in `short_days`, for the planner to read."""
    group = {team.id: g for g, team in enumerate(offices)}
    movable = frozenset(range(len(instance.staff))) - shared
    checked: Checked = {}
    short = short_days(proposal.teamed(instance), movable, checked)
    best, best_short = proposal, short
    cuts: tuple[Cut, ...] = ()
    for _ in range(MEND_ROUNDS):
        wanted = tuple((group[s.team], s.helpers) for s in short if s.helpers)
        if not wanted:
            break
        again = reassign(cuts + wanted)
        if again is None:
            break
        cuts, proposal = cuts + wanted, again
        short = short_days(proposal.teamed(instance), movable, checked)
        if len(short) < len(best_short):
            best, best_short = proposal, short
    best.short_days = best_short
    return best


def _reassigned(
    assign: Callable[..., Assignment],
    made: Callable[..., Proposal],
    instance: Instance,
    source: str,
    cuts: tuple[Cut, ...],
) -> Proposal | None:
    """The proposal of the assignment asked again with `cuts` (None: no assignment meets
    them, or its teams cannot keep every lock)."""
    again = assign(cuts=cuts)
    if again.groups is None:
        return None
    proposal = made(found=again)
    return None if unkept_locks(instance, proposal, source) else proposal


def unkept_locks(instance: Instance, proposal: Proposal, source: str) -> list[InputProblem]:
    """The locks of `instance` that no plan of the proposed teams could keep, as `validate`
    would find them in the teamed file (none: every lock can be kept), after a line saying
    why. A team works from an office at its clients' centre (or, with --keep-base, the
    existing one nearest them), so a start locked just after the old office's shift start
    may be out of reach from the new one."""
    if not any(v.locked for v in instance.visits):
        return []
    problems = lock_problems(Problem.build(proposal.teamed(instance)), source)
    if not problems:
        return []
    why = (
        "the proposed teams cannot keep every lock: each team works "
        "from an office at its clients' centre (--keep-base: the existing office nearest "
        "them), and from there"
    )
    return [InputProblem(source, "", why), *problems]


def _advice(source: str, k: int, low: int, high: int) -> InputProblem:
    return InputProblem(
        source,
        "",
        f"no split of the pool into {k} teams of {low}-{high} carers meets every visit's "
        "needs: try fewer teams, other sizes, or a smaller --slack",
    )


def pool_problems(instance: Instance, source: str) -> list[InputProblem]:
    """What makes an instance no pool to split, whatever the number of teams."""
    problems = []
    if instance.travel.matrix_file is not None:
        problems.append(
            InputProblem(
                source,
                "travel.matrix_file",
                "a travel matrix has no rows for the offices of new teams; teams are proposed "
                "for instances with great-circle travel only",
            )
        )
    if not instance.clients or not instance.staff:
        problems.append(InputProblem(source, "", "a pool to split needs clients and carers"))
    return problems


def _check_request(
    instance: Instance, source: str, k: int, low: int, high: int, shared: int
) -> None:
    """Requests that no model needs to answer: too many teams, sizes that cannot add up
    (`shared`: substitutes kept out of the teams)."""
    problems = pool_problems(instance, source)
    if problems:
        raise InputError(problems)
    carers, clients = len(instance.staff) - shared, len(instance.clients)
    if k < 1 or k > clients or k > carers:
        kind = " permanent" if shared else ""
        message = f"cannot make {k} teams of {clients} clients and {carers}{kind} carers"
    elif not 1 <= low <= high:
        message = f"team sizes {low}-{high} are not a range"
    elif k * low > carers or k * high < carers:
        message = (
            f"{carers} carers cannot make {k} teams of {low}-{high} carers each "
            f"(that takes {k * low}-{k * high})"
        )
    else:
        return
    raise InputError([InputProblem(source, "", message)])


def _north_to_south(clustering: Clustering) -> list[int]:
    """order[g]: the team number of group g, teams numbered from north to south, then west."""
    ranked = sorted(
        range(len(clustering.centers)),
        key=lambda g: (-round(float(clustering.centers[g][1]), 3), float(clustering.centers[g][0])),
    )
    order = [0] * len(ranked)
    for number, g in enumerate(ranked):
        order[g] = number
    return order


def _offices(
    instance: Instance,
    clustering: Clustering,
    order: list[int],
    locations: list,
    keep_base: bool,
) -> list[Team]:
    """The new teams, in team order: office at the group's centre or the nearest old office."""
    width = len(str(len(order)))
    teams: list[Team | None] = [None] * len(order)
    for g, number in enumerate(order):
        centre = unproject(clustering.centers[g], locations)
        nearest = min(instance.teams, key=lambda t: (great_circle_km(t.office, centre), t.id))
        # after the nearest old team where there were several (a pool's one name says nothing),
        # its name cut to a label's length (a name may run to the 10,000 characters of a text)
        label = nearest.name or nearest.id
        if len(label) > OLD_NAME_CHARS:
            label = label[: OLD_NAME_CHARS - 1] + "…"
        old = f" ({label})" if len(instance.teams) > 1 else ""
        name = f"Team {number + 1}{old}"
        office = nearest.office if keep_base else centre
        teams[number] = Team(id=f"T{number + 1:0{width}d}", name=name, office=office)
    return [t for t in teams if t is not None]


def _preferences(
    instance: Instance, group_of_client: dict[str, int], staff_index: dict[str, int]
) -> dict[tuple[int, int], int]:
    """(carer, group) -> clients of the group naming the carer as contact or preferred."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for client in instance.clients:
        named = set(client.preferred_carers) | (
            {client.contact_carer} if client.contact_carer else set()
        )
        for carer in named:
            if carer in staff_index:
                counts[staff_index[carer], group_of_client[client.id]] += 1
    return dict(counts)


def _proposal(
    instance: Instance,
    offices: list[Team],
    group_of_client: dict[str, int],
    found: Assignment,
    fits: list[VisitFit],
    needs: Needs,
    points: np.ndarray,
    weights: np.ndarray,
) -> Proposal:
    assert found.groups is not None
    groups = found.groups
    minutes = shift_minutes(instance)
    skills = [set(c.skills) for c in instance.staff]
    locations = [c.location for c in instance.clients]
    teams = []
    for g, team in enumerate(offices):
        members = [i for i, c in enumerate(instance.clients) if group_of_client[c.id] == g]
        carers = [i for i, h in enumerate(groups) if h == g]
        w = np.maximum(weights[members], 1.0)
        centre = unproject((points[members] * w[:, None]).sum(axis=0) / w.sum(), locations)
        radius = max(great_circle_km(centre, locations[i]) for i in members)
        demand: dict[str, float] = defaultdict(float)
        for fit in fits:
            if group_of_client[fit.visit.client] == g and fit.slots:
                slots = [(d, t) for d, ts in fit.slots.items() for t in ts]
                for _, t in slots:
                    demand[t] += fit.visit.duration * fit.visit.staff_needed / len(slots)
        capacity: dict[str, int] = defaultdict(int)
        for c in carers:
            for (_, t), m in minutes[c].items():
                if t in SHIFT_TYPES:  # not the peaks, which overlap them
                    capacity[t] += m
        tightest = (math.inf, "no day with visits")
        for load in needs.loads:
            if load.group == g and load.demand > 0:
                paid_by = load_minutes(load, minutes, skills)
                ratio = sum(paid_by[c] for c in carers) / load.demand
                if ratio < tightest[0]:
                    kinds = "+".join(
                        [t for t in SHIFT_TYPES if t in load.types]
                        or [t for t in sorted(load.types)]
                    )
                    if load.skills:
                        kinds += f" ({'+'.join(sorted(load.skills))})"
                    tightest = (ratio, f"{day_name(instance.horizon.start_date, load.day)} {kinds}")
        holding: dict[str, int] = defaultdict(int)
        for c in carers:
            for skill in instance.staff[c].skills:
                holding[skill] += 1
        teams.append(
            ProposedTeam(
                team=team,
                clients=[instance.clients[i].id for i in members],
                carers=[instance.staff[c].id for c in carers],
                radius_km=radius,
                demand={t: round(m) for t, m in demand.items()},
                capacity=dict(capacity),
                tightest=tightest,
                skills=dict(holding),
            )
        )
    shared = [instance.staff[c].id for c, g in enumerate(groups) if g == len(offices)]
    pool = SharedPool(_pool_team(instance, locations), shared) if shared else None
    return Proposal(
        teams=teams,
        team_of_client={c: offices[g].id for c, g in group_of_client.items()},
        team_of_carer={
            instance.staff[c].id: offices[g].id if g < len(offices) else SHARED_ID
            for c, g in enumerate(groups)
        },
        unservable=needs.unservable,
        shared=pool,
    )


def _pool_team(instance: Instance, locations: list) -> Team:
    """The shared pool's team, at the existing office nearest the clients' centre (a pool
    instance's base): where a staffing office sends its substitutes from."""
    points = project_km(locations)
    centre = unproject(points.mean(axis=0), locations)
    base = min(instance.teams, key=lambda t: (great_circle_km(t.office, centre), t.id))
    return Team(id=SHARED_ID, name="Substitutes (shared)", office=base.office)


def _problems(
    source: str,
    instance: Instance,
    offices: list[Team],
    fits: list[VisitFit],
    needs: Needs,
    soft: Assignment,
    k: int,
) -> list[InputProblem]:
    """One line per shortfall of the soft model, then what to try."""
    by_visit = {f.visit.id: f for f in fits}
    problems = [
        cover_problem(
            source, offices[needs.covers[i].group].id, needs.covers[i], short, instance, by_visit
        )
        for i, short in sorted(soft.cover_short.items())
    ]
    problems += [
        load_problem(
            source,
            offices[needs.loads[i].group].id,
            needs.loads[i],
            short,
            instance.horizon.start_date,
        )
        for i, short in sorted(soft.load_short.items())
    ]
    if soft.groups is None:
        problems.append(
            InputProblem(
                source,
                "",
                f"no split into {k} teams found within the work limit (CP-SAT: {soft.status}); "
                "a larger --teaming-work-limit may find one",
            )
        )
    return problems
