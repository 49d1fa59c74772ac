"""A seeded generator of realistic home-care instances (Swedish town, small teams).

`generate_instance(teams, clients_per_team, staff_per_team, days, seed)` returns a validated
`models.contract.instance.Instance`: teams in neighbourhoods of Sundsvall with clustered clients
(or, with setting "rural", in the villages of a sparse municipality, clients kilometres apart),
carers on day and evening rotas with every other weekend off, clients from light (cleaning,
shopping) to heavy (5-6 visits a day, double-staffed transfers), written as recurring
patterns. The load is sized to the staff (team.py, capacity.py) so that a good plan exists
but takes work to find. The same arguments always give the same instance, byte for byte.

Modules, one job each: geography (areas, offices, homes), rural (the sparse municipality's
areas, from cited figures), services (catalogue, care levels,
client plans), rosters (shifts), capacity (load checks), team (sizing one team), names,
seeding (random generators), calendar_days (weekdays and weeks), absences (substitutes for
absent carers), organisation (the pre-reform pool from one base), verify and stats; blas
keeps the many small matrix products on one thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from hemplan.models.contract.instance import Client, Horizon, Instance, Staff, Team, TravelSettings
from hemplan.models.generator.absences import with_absences
from hemplan.models.generator.blas import one_blas_thread
from hemplan.models.generator.calendar_days import Calendar
from hemplan.models.generator.names import CLIENT_FIRST, STAFF_FIRST, draw_names
from hemplan.models.generator.organisation import as_pool
from hemplan.models.generator.rosters import shifts_for
from hemplan.models.generator.rural import VILLAGES
from hemplan.models.generator.seeding import rng_for
from hemplan.models.generator.services import SKILLS
from hemplan.models.generator.stats import Summary, summarize
from hemplan.models.generator.team import GeneratorError, TeamDraft, build_team
from hemplan.models.generator.verify import unservable
from hemplan.models.io.limits import MAX_VISITS

__all__ = [
    "DEFAULT_START_DATE",
    "LIMITS",
    "MAX_ABSENCE_RATE",
    "ORGANISATIONS",
    "SETTINGS",
    "GeneratorError",
    "Summary",
    "generate_instance",
    "summarize",
]

DEFAULT_START_DATE = date(2026, 1, 5)  # a Monday
MAX_ABSENCE_RATE = 0.5
ORGANISATIONS = ("teams", "pool")  # small teams, or one district pool from one base
SETTINGS = ("urban", "rural")  # Sundsvall's neighbourhoods, or a sparse municipality's villages
LIMITS = {
    "teams": (1, 100),
    "clients_per_team": (1, 300),
    "staff_per_team": (1, 100),
    "days": (1, 366),
}
# Visits the sizing typically makes at the least: per carer and day where the carers are the
# bound (measured 3.1-6.3, 4.1-5.3 on teams of 20 or more clients) and per client and day where
# the clients are (1.4-3.2 with more carers than the clients need). An instance whose expected
# visits are over what `hemplan` reads (models/io/limits.py, MAX_VISITS) is refused before any
# work; the count is checked exactly once the teams are sized.
VISITS_PER_CARER_DAY = 3.5
VISITS_PER_CLIENT_DAY = 1.4


def generate_instance(
    teams: int,
    clients_per_team: int,
    staff_per_team: int,
    days: int,
    seed: int,
    start_date: date = DEFAULT_START_DATE,
    name: str = "",
    absence_rate: float = 0.0,
    on_team: Callable[[int, int], None] = lambda done, teams: None,
    organisation: str = "teams",
    setting: str = "urban",
) -> Instance:
    """A realistic instance with `teams` teams of `staff_per_team` carers and `clients_per_team`
    clients over `days` days from `start_date`, drawn from `seed`; with `absence_rate` > 0,
    about that share of the regular shifts is worked by substitutes instead (absences.py).

    `on_team(done, teams)` hears each team finished (the CLI shows it). With `organisation`
    "pool" the same district is one pool of carers working from one base, before the reform
    (organisation.py); absences are then covered from one shared pool of substitutes. With
    `setting` "rural" each team works from a village of a sparsely populated municipality,
    its clients spread over kilometres, and every carer drives (rural.py).

    Raises GeneratorError (a ValueError) for arguments out of range, when the staff are too
    few for the clients even at the lightest care level, or when the instance would hold more
    visits than an instance may (`expected_visits`, before any work; then counted exactly).
    """
    args = {
        "teams": teams,
        "clients_per_team": clients_per_team,
        "staff_per_team": staff_per_team,
        "days": days,
    }
    for key, value in args.items():
        low, high = LIMITS[key]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise GeneratorError(f"{key} must be an integer from {low} to {high}, got {value!r}")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise GeneratorError(f"seed must be a non-negative integer, got {seed!r}")
    if organisation not in ORGANISATIONS:
        raise GeneratorError(
            f"organisation must be one of {', '.join(ORGANISATIONS)}, got {organisation!r}"
        )
    if setting not in SETTINGS:
        raise GeneratorError(f"setting must be one of {', '.join(SETTINGS)}, got {setting!r}")
    if setting == "rural" and teams > len(VILLAGES):
        raise GeneratorError(
            f"a rural district has at most {len(VILLAGES)} teams (one per village of "
            f"{', '.join(v.name for v in VILLAGES)}), got {teams}"
        )
    if not 0.0 <= absence_rate <= MAX_ABSENCE_RATE:
        raise GeneratorError(
            f"absence_rate must be from 0 to {MAX_ABSENCE_RATE}, got {absence_rate!r}"
        )

    expected = expected_visits(teams, clients_per_team, staff_per_team, days)
    if expected > MAX_VISITS:
        raise GeneratorError(
            f"{teams} teams of {clients_per_team} clients and {staff_per_team} staff over {days} "
            f"days make about {expected:,} visits or more; hemplan reads at most "
            f"{MAX_VISITS:,} visits in an instance. Use fewer teams, staff or days"
        )
    cal = Calendar(start_date, days)
    drafts = []
    with one_blas_thread():  # many small matrix products: threads only wait (blas.py)
        for i in range(teams):
            drafts.append(
                build_team(seed, i, teams, clients_per_team, staff_per_team, cal, setting)
            )
            on_team(i + 1, teams)
    made = sum(_visit_count(d, cal) for d in drafts)
    if made > MAX_VISITS:  # the rates above are typical, not a promise
        raise GeneratorError(
            f"{teams} teams of {clients_per_team} clients and {staff_per_team} staff over {days} "
            f"days make {made:,} visits; hemplan reads at most {MAX_VISITS:,} visits in an "
            "instance. Use fewer teams, staff or days"
        )
    instance = _assemble(
        drafts,
        cal,
        seed,
        name or _default_name(teams, clients_per_team, staff_per_team, days, seed),
    )
    if organisation == "pool":
        instance = as_pool(instance)
    instance = with_absences(instance, absence_rate, seed)
    problems = unservable(instance)
    if problems:  # the sizing checks should have made this impossible
        first = sorted(problems)[0]
        raise GeneratorError(
            f"generated visit {first} cannot be served: {problems[first]} (a generator bug)"
        )
    return instance


def expected_visits(teams: int, clients_per_team: int, staff_per_team: int, days: int) -> int:
    """The fewest visits these arguments typically make: the sizing fills the carers' time,
    unless the clients are too few to fill it."""
    per_team_day = min(
        VISITS_PER_CARER_DAY * staff_per_team, VISITS_PER_CLIENT_DAY * clients_per_team
    )
    return int(teams * days * per_team_day)


def _visit_count(draft: TeamDraft, cal: Calendar) -> int:
    """The visits of a team once its patterns are expanded."""
    patterns = sum(len(cal.pattern_days(p)) for c in draft.clients for p in c.patterns)
    return patterns + sum(len(c.escorts) for c in draft.clients)


def _default_name(teams: int, clients: int, staff: int, days: int, seed: int) -> str:
    return f"generated {teams}x({staff} staff, {clients} clients) {days}d seed {seed}"


def _assemble(drafts: list[TeamDraft], cal: Calendar, seed: int, name: str) -> Instance:
    names_rng = rng_for(seed, "names")
    taken: set[str] = set()
    teams, staff, clients, visits, patterns = [], [], [], [], []
    for d in drafts:
        teams.append(Team(id=d.id, name=d.area.name, office=d.office))
        staff_names = draw_names(names_rng, len(d.carers), STAFF_FIRST, taken)
        client_names = draw_names(names_rng, len(d.clients), CLIENT_FIRST, taken)
        for carer, person in zip(d.carers, staff_names):
            staff.append(
                Staff(
                    id=carer.id,
                    name=person,
                    team=d.id,
                    skills=sorted(carer.skills),
                    travel_mode=carer.mode,
                    shifts=shifts_for(carer, cal),
                )
            )
        for c, person in zip(d.clients, client_names):
            clients.append(
                Client(
                    id=c.id,
                    name=person,
                    team=d.id,
                    location=c.location,
                    preferred_carers=[d.carers[j].id for j in c.preferred],
                    excluded_carers=[d.carers[j].id for j in c.excluded],
                )
            )
            patterns.extend(c.patterns)
            visits.extend(c.escorts)
    return Instance(
        name=name,
        horizon=Horizon(start_date=cal.start_date, days=cal.days),
        skills=list(SKILLS),
        teams=teams,
        staff=staff,
        clients=clients,
        visits=visits,
        patterns=patterns,
        travel=TravelSettings(),
    )
