"""Team-days a proposed team's own carers cannot serve, travel left out (`short_days`).

The assignment's requirements (`needs`) weigh paid minutes per day and shift type, covers
per visit and the peaks: necessary conditions, each alone. A team can meet them all and
still be short at one hour: on district-pool-28d one of five proposed teams could not
serve its weekend mornings (07:00-10:45) with its own carers. The team bound's relaxation
(`solver.team_bound.serves_every_visit`) asks each team-day as a whole, each carer's visits
and break within its shift and its stretches. A day it proves short is narrowed to the span
of the day where the visits alone cannot be served (`_narrowed`), and the carers who could
help are the others of the pool at work then: one of them must join the team
(`assign_carers`' cuts), since fewer carers or others who are not at work then never serve
those visits.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from hemplan.models.contract.instance import Instance
from hemplan.solver.continuity.decompose import team_instances
from hemplan.solver.problem import Problem
from hemplan.solver.team_bound import serves_every_visit, visit_span


@dataclass(frozen=True)
class ShortDay:
    """A team whose own carers cannot serve its visits between `window` (minutes from
    midnight) on `day`, and the pool's carers (staff indices) at work then outside it."""

    team: str
    day: int
    window: tuple[int, int]
    helpers: frozenset[int]


# a team (its carers and its clients) -> its short days and their windows
Checked = dict[tuple[frozenset[str], frozenset[str]], list[tuple[int, tuple[int, int]]]]


def short_days(
    teamed: Instance, pool: frozenset[int] = frozenset(), checked: Checked | None = None
) -> list[ShortDay]:
    """Every short team-day of `teamed` (a pool with proposed teams); `pool`: the staff
    indices that may join a team (the shared substitutes cannot); `checked`: the answers for
    teams checked before, kept and reused (the assignment asked again changes a few teams)."""
    checked = {} if checked is None else checked
    index = {s.id: i for i, s in enumerate(teamed.staff)}
    short = []
    for part in team_instances(teamed):
        if not part.clients:
            continue  # the shared substitutes: no visits of their own
        members = {index[s.id] for s in part.staff}
        key = (frozenset(s.id for s in part.staff), frozenset(c.id for c in part.clients))
        if key not in checked:
            checked[key] = _short_windows(Problem.build(part))
        for day, window in checked[key]:
            helpers = frozenset(
                i
                for i, carer in enumerate(teamed.staff)
                if i in pool
                and i not in members
                and day in carer.shift_by_day
                and carer.shift_by_day[day].start < window[1]
                and carer.shift_by_day[day].end > window[0]
            )
            short.append(ShortDay(part.teams[0].id, day, window, helpers))
    return short


def _short_windows(problem: Problem) -> list[tuple[int, tuple[int, int]]]:
    """The days (of visits on one day only) the team cannot serve, each with its window."""
    days = sorted({v.day for v in problem.instance.visits if len(v.days) == 1})
    return [(day, _narrowed(problem, day)) for day in days if not serves_every_visit(problem, day)]


def _narrowed(problem: Problem, day: int) -> tuple[int, int]:
    """The narrowest span of `day` found (by bisection on the visits' first starts, then on
    their last ends) whose visits alone the team cannot serve: the proof that a carer at
    work outside it does not help. Fewer visits are never harder, so a later start (an
    earlier end) is short up to a point and not after it; the day as a whole is short."""
    spans = [visit_span(v) for v in problem.instance.visits if list(v.days) == [day]]
    firsts = sorted({first for first, _ in spans})
    lasts = sorted({last for _, last in spans})
    served_from = bisect_left(
        firsts, True, key=lambda t: serves_every_visit(problem, day, (t, lasts[-1]))
    )
    start = firsts[max(0, served_from - 1)]  # (0 only if a guard stopped a proof)
    short_to = bisect_left(
        lasts, True, key=lambda t: not serves_every_visit(problem, day, (start, t))
    )
    return start, lasts[min(short_to, len(lasts) - 1)]
