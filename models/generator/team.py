"""One team: its area, carers and clients, and the sizing that makes its load fit its staff.

The user chooses how many carers and clients a team has; the generator chooses how heavy
the clients are and how much the carers work. Sizing, in order:

1. draw every client's care level and plan (services.py) and every carer's travel mode and
   delegations, as for an unsized team;
2. split the carers into day and evening shifts in proportion to the work before and after
   14:00 (an evening carer has about six useful hours, a day carer eight), and also try one
   carer more and one fewer on evenings: the split that keeps the most client work wins;
3. with every carer full-time, admit the clients one by one in a random order, as a
   caseload grows. A newcomer who breaks a check of capacity.py (a visit nobody can serve,
   an interval over capacity) is first helped by a delegation for a carer who works then
   (insulin to at most 60 % of the team: it needs training per carer), else assessed one
   care level lighter (at the lightest level, the offending service is left out) until it
   fits. Early clients keep their drawn level, so heavy clients stay in the mix while the
   team has room, and once the team is full the rest are light (service only): the usual
   shape of a home-care caseload. A light client about to lose its last service makes way
   for another client instead; on a very short horizon or a tiny team a client may still be
   left with no visit (as when in hospital), and if that happens to more than a quarter of
   the clients the arguments are refused. Work over 75 % of paid time lightens a random
   client;
4. while work is under 55 % of paid time, full-timers (day shifts first) go part-time
   (80 %: four days a week; 75 %: shorter shifts) as long as every check still passes.

Weekends bind (half the carers, almost all the daily care: rosters.py), so weekdays keep
slack; that is how home care looks on a rota with every other weekend off.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from hemplan.models.contract.instance import Location, TravelSettings, Visit, VisitPattern
from hemplan.models.generator.calendar_days import Calendar
from hemplan.models.generator.capacity import (
    TARGET_UTILISATION,
    Occurrence,
    Occurrences,
    TeamLoad,
    hop_estimate,
)
from hemplan.models.generator.geography import (
    MODE_SHARES,
    Area,
    area_for_team,
    distance_km,
    place_clients,
    place_office,
    travel_minutes,
)
from hemplan.models.generator.rosters import Carer, assign_rota
from hemplan.models.generator.rural import place_rural_clients, place_rural_office, rural_area
from hemplan.models.generator.seeding import pick, rng_for
from hemplan.models.generator.services import (
    Traits,
    draw_level,
    draw_traits,
    plan_client,
    plan_escorts,
    t,
)

INSULIN_MAX_SHARE = 0.6
MAX_WITHOUT_VISITS = (
    0.25  # share of a team's clients that may end with no visit (short or thin rota)
)
MAX_ROUNDS = 5000


class GeneratorError(ValueError):
    """The arguments cannot give a sensible instance (e.g. far too few carers for the clients)."""


@dataclass
class ClientDraft:
    index: int
    id: str
    location: Location
    traits: Traits
    level: int
    dropped: frozenset[str] = frozenset()
    patterns: list[VisitPattern] = field(default_factory=list)
    escorts: list[Visit] = field(default_factory=list)
    occurrences: Occurrences | None = None
    excluded: list[int] = field(default_factory=list)  # carer indices
    preferred: list[int] = field(default_factory=list)


@dataclass
class TeamDraft:
    index: int
    id: str
    area: Area
    office: Location
    carers: list[Carer]
    clients: list[ClientDraft]
    load: TeamLoad
    evening_carers: int
    log: list[str]  # what sizing did, in order (for diagnosis)


def team_id(index: int, teams: int) -> str:
    return f"T{index + 1:0{max(2, len(str(teams)))}d}"


def build_team(
    seed: int,
    index: int,
    teams: int,
    n_clients: int,
    n_staff: int,
    cal: Calendar,
    setting: str = "urban",
) -> TeamDraft:
    """Team `index` of `teams`, sized; `setting` "urban" puts it in a neighbourhood of
    Sundsvall (geography.py), "rural" in a village of a sparse municipality (rural.py)."""
    tid = team_id(index, teams)
    geo = rng_for(seed, "geography", index)
    if setting == "rural":
        area = rural_area(index, n_clients)
        office = place_rural_office(area, geo)
        homes = place_rural_clients(area, n_clients, geo)
    else:
        area = area_for_team(index)
        office = place_office(area, geo)
        homes = place_clients(area, n_clients, geo)

    carers = [_draw_carer(seed, index, tid, j, n_staff, area) for j in range(n_staff)]
    width = max(2, len(str(n_clients)))
    clients = []
    for k in range(n_clients):
        traits = draw_traits(rng_for(seed, "traits", index, k))
        level = draw_level(rng_for(seed, "level", index, k))
        client = ClientDraft(k, f"{tid}-C{k + 1:0{width}d}", homes[k], traits, level)
        _replan(seed, index, client, cal)
        clients.append(client)

    settings = TravelSettings()
    km_office = distance_km([office], homes)[0]
    km_homes = distance_km(homes, homes)
    office_minutes = np.array([travel_minutes(km_office, c.mode, settings) for c in carers])
    hop = {
        m: hop_estimate(travel_minutes(km_homes, m, settings))
        for m in sorted({c.mode for c in carers})
    }
    visit_travel = float(np.mean([hop[c.mode] for c in carers]))

    estimate = _evening_estimate(clients, n_staff, visit_travel)
    best: tuple | None = None
    failure: GeneratorError | None = None
    for n_evening in sorted(
        {n for n in (estimate - 1, estimate, estimate + 1) if 0 <= n <= n_staff}
    ):
        try:
            sized = _size(
                seed, index, tid, cal, carers, clients, n_evening, office_minutes, visit_travel
            )
        except GeneratorError as exc:
            failure = failure or exc
            continue
        work = int((sized[1].o_need * sized[1].o_duration).sum())
        key = (-work, abs(n_evening - estimate), n_evening)
        if best is None or key < best[0]:
            best = (key, sized, n_evening)
    if best is None:
        assert failure is not None
        raise failure
    (final_carers, load, final_clients, log), n_evening = best[1], best[2]
    _draw_wishes(seed, index, final_carers, final_clients, load)
    return TeamDraft(index, tid, area, office, final_carers, final_clients, load, n_evening, log)


def _draw_carer(seed: int, team: int, tid: str, j: int, n_staff: int, area: Area) -> Carer:
    """Travel mode by the area's shares; delegations: medication 80 % (most assistant nurses
    hold one), insulin 30 %."""
    rng = rng_for(seed, "carer", team, j)
    shares = MODE_SHARES[area.kind]
    modes = sorted(shares)
    mode = pick(rng, modes, [shares[m] for m in modes])
    skills = set()
    if rng.random() < 0.8:
        skills.add("medication")
    if rng.random() < 0.3:
        skills |= {"insulin", "medication"}
    width = max(2, len(str(n_staff)))
    return Carer(id=f"{tid}-S{j + 1:0{width}d}", mode=mode, skills=skills)


def _replan(seed: int, team: int, c: ClientDraft, cal: Calendar) -> None:
    c.patterns = plan_client(
        c.id, c.level, c.traits, rng_for(seed, "plan", team, c.index, c.level), c.dropped
    )
    escorts = plan_escorts(c.id, c.level, cal, rng_for(seed, "escort", team, c.index))
    c.escorts = [v for v in escorts if v.id.removeprefix(f"{c.id}-") not in c.dropped]
    items = []
    for p in c.patterns:
        for days in cal.pattern_days(p):
            items.append(
                Occurrence(
                    c.index,
                    p.id,
                    days,
                    p.window.earliest,
                    p.window.latest,
                    p.duration,
                    p.staff_needed,
                    tuple(p.skills),
                )
            )
    for v in c.escorts:
        items.append(
            Occurrence(
                c.index,
                v.id,
                tuple(v.days),
                v.window.earliest,
                v.window.latest,
                v.duration,
                v.staff_needed,
                tuple(v.skills),
            )
        )
    c.occurrences = Occurrences(items)


def _evening_estimate(clients: list[ClientDraft], n_staff: int, visit_travel: float) -> int:
    """Evening carers needed in proportion to the work from 14:00 (6 useful hours vs 8)."""
    day = evening = 0.0
    for c in clients:
        for p in c.patterns:
            work = p.staff_needed * (p.duration + visit_travel) * len(p.weekdays) / p.every_weeks
            if p.window.earliest >= t("14:00"):
                evening += work
            else:
                day += work
    if evening + day == 0:
        return 0
    share = (evening / 6) / (evening / 6 + day / 8)
    return int(round(n_staff * share))


def _size(seed, index, tid, cal, carers0, clients0, n_evening, office_minutes, visit_travel):
    """Steps 3 and 4 of the module docstring for one day/evening split."""
    carers = [replace(c, skills=set(c.skills)) for c in carers0]
    clients = [replace(c) for c in clients0]
    order = rng_for(seed, "split", index).permutation(len(carers))
    for rank, j in enumerate(order):
        carers[int(j)].shift_type = "evening" if rank < n_evening else "day"
    assign_rota(carers)
    rng = rng_for(seed, "sizing", index, n_evening)
    admitted: list[int] = []
    log: list[str] = []

    def load() -> TeamLoad:
        return TeamLoad(
            cal, carers, office_minutes, visit_travel, [clients[k].occurrences for k in admitted]
        )

    def lighten(k: int, item: str, why: str) -> None:
        c = clients[k]
        log.append(f"lighten {c.id} (level {c.level}, {item}): {why}")
        if c.level > 0:
            c.level -= 1
        else:
            c.dropped = c.dropped | {item.removeprefix(f"{c.id}-")}
        _replan(seed, index, c, cal)
        if not c.patterns and not c.escorts:
            log.append(f"{c.id} has no visits left")
            unserved = sum(1 for x in clients if not x.patterns and not x.escorts)
            if unserved > MAX_WITHOUT_VISITS * len(clients):
                raise GeneratorError(
                    f"team {tid}: {len(carers)} carer{'s' if len(carers) != 1 else ''} "
                    f"cannot serve {len(clients)} client{'s' if len(clients) != 1 else ''} "
                    "even at the lightest care level; "
                    "use more staff per team or fewer clients per team"
                )

    def may_grant(skill: str) -> bool:
        if skill != "insulin":
            return True
        holders = sum("insulin" in c.skills for c in carers)
        return holders + 1 <= max(1, int(INSULIN_MAX_SHARE * len(carers)))

    def grant(j: int, skills: list[str]) -> None:
        for skill in skills:
            carers[j].skills |= {skill, "medication"} if skill == "insulin" else {skill}
        log.append(f"grant {', '.join(skills)} to {carers[j].id}")

    def settle(newcomer: int | None) -> TeamLoad:
        """Make the admitted clients fit; the newcomer (else a random client involved) gives way.

        While clients are admitted the rota is fixed, so only the newcomer's visits can lack
        a carer; afterwards every visit is checked."""
        for _ in range(MAX_ROUNDS):
            current = load()
            unfit = current.unfit(None if newcomer is None else {newcomer})
            if unfit:
                u = unfit[0]
                if u.able_without_skills:
                    j = u.able_without_skills[0]
                    missing = sorted(set(u.occurrence.skills) - carers[j].skills)
                    if all(may_grant(s) for s in missing):
                        grant(j, missing)
                        continue
                lighten(
                    u.occurrence.client,
                    u.occurrence.item,
                    f"no carer could serve {u.occurrence.item}",
                )
                continue
            worst = current.worst_overload()
            if worst is None:
                return current
            if worst.skill is not None and may_grant(worst.skill):
                candidates = [
                    j
                    for j, c in enumerate(carers)
                    if worst.skill not in c.skills
                    and current.start[j, worst.day] >= 0
                    and current.start[j, worst.day] < worst.end
                    and current.end[j, worst.day] > worst.start
                ]
                if candidates:
                    grant(candidates[0], [worst.skill])
                    continue
            # The newcomer gives way, unless that would leave it with no visit at all and
            # another client involved can give way instead.
            can_give = [x for x in sorted(worst.by_client) if not _last_item(clients[x])]
            if newcomer in worst.by_client and (newcomer in can_give or not can_give):
                k = newcomer
            else:
                k = int(pick(rng, can_give or sorted(worst.by_client)))
            lighten(k, worst.top_item[k], worst.describe())
        raise GeneratorError(f"team {tid}: sizing did not settle after {MAX_ROUNDS} rounds")

    for k in rng.permutation(len(clients)):
        admitted.append(int(k))
        settle(int(k))
    admitted.sort()
    current = settle(None)
    while current.utilisation() > TARGET_UTILISATION[1]:
        busy = [k for k in admitted if clients[k].level > 0] or admitted
        k = int(pick(rng, busy))
        lighten(
            k, _heaviest_item(clients[k], cal), f"work is {current.utilisation():.0%} of paid time"
        )
        current = settle(None)
    for j in [int(x) for x in rng.permutation(len(carers))] * 2:
        if current.utilisation() >= TARGET_UTILISATION[0]:
            break
        trial = _cut_hours(carers, j, load)
        if trial is not None:
            log.append(
                f"{carers[j].id} to {carers[j].rate:.0%} at utilisation {current.utilisation():.0%}"
            )
            current = trial
    return carers, current, clients, log


def _last_item(c: ClientDraft) -> bool:
    """Lightening would leave the client with no visit."""
    return c.level == 0 and len(c.patterns) + len(c.escorts) <= 1


def _heaviest_item(c: ClientDraft, cal: Calendar) -> str:
    best = max(
        c.patterns, key=lambda p: (p.staff_needed * p.duration * len(cal.pattern_days(p)), p.id)
    )
    return best.id


def _cut_hours(carers: list[Carer], j: int, load) -> TeamLoad | None:
    """Carer j from full time to 80 % or 75 % (day shifts first) if the team still copes."""
    c = carers[j]
    if c.rate != 1.0 or (
        c.shift_type == "evening" and any(x.rate == 1.0 and x.shift_type == "day" for x in carers)
    ):
        return None
    for rate in (0.8, 0.75):
        c.rate = rate
        assign_rota(carers)
        trial = load()
        if not trial.unfit() and trial.worst_overload() is None:
            return trial
    c.rate = 1.0
    assign_rota(carers)
    return None


def _draw_wishes(
    seed: int, index: int, carers: list[Carer], clients: list[ClientDraft], load: TeamLoad
) -> None:
    """A few clients refuse a carer (a conflict, a perfume allergy); a few prefer one or two.

    A refusal is kept only if every visit of the client still has enough possible carers.
    A preferred carer works the shift type in which most of the client's care falls.
    """
    for c in clients:
        rng = rng_for(seed, "wishes", index, c.index)
        u_excl, u_pref, u_two = float(rng.random()), float(rng.random()), float(rng.random())
        order = [int(j) for j in rng.permutation(len(carers))]
        if u_excl < 0.06 and len(carers) > 2:
            for j in order:
                if _still_served(load, c, j):
                    c.excluded = [j]
                    break
        if u_pref < 0.12:
            evening_work = sum(p.duration for p in c.patterns if p.window.earliest >= t("14:00"))
            day_work = sum(p.duration for p in c.patterns if p.window.earliest < t("14:00"))
            kind = "evening" if evening_work > day_work else "day"
            fitting = [j for j in order if carers[j].shift_type == kind and j not in c.excluded]
            c.preferred = sorted(fitting[: 2 if u_two < 0.25 else 1])


def _still_served(load: TeamLoad, c: ClientDraft, excluded: int) -> bool:
    """Whether the client's visits still fit the team's capacity without carer `excluded`."""
    assert c.occurrences is not None  # drafted before any exclusion is chosen
    sub = TeamLoad(
        load.cal,
        load.carers,
        load.office_minutes,
        load.visit_travel,
        [c.occurrences],
        {c.index: {excluded}},
    )
    return not sub.unfit()
