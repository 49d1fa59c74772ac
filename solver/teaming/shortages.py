"""Shortages of the whole pool that no assignment of carers can fix, found by counting.

Before any model runs: on each day and shift type, for each skill set, the teams together need
at least one carer holding it on that shift (two where a double-staffed visit needs it), and
the pool has so many; and each shift type's paid minutes must cover all the teams' visit
minutes with slack. These are necessary conditions, and when one fails it is the clearest
answer a manager can get ("the 8 teams need 16 carers on Saturday evening, the pool has 10").
"""

from __future__ import annotations

from collections import defaultdict

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputProblem
from hemplan.solver.teaming.fit import VisitFit
from hemplan.solver.teaming.needs import Needs
from hemplan.solver.teaming.pool import SHIFT_TYPES, day_name, shift_type, types_text

# (day, shift type, skills) -> team -> carers it needs holding those skills on that shift
Wanted = dict[tuple[int, str, frozenset[str]], dict[int, int]]


def pool_shortages(
    source: str,
    instance: Instance,
    fits: dict[str, VisitFit],
    needs: Needs,
    minutes: list[dict[tuple[int, str], int]],
    teams: int,
    shared: frozenset[int] = frozenset(),
) -> list[InputProblem]:
    """A line per shift (and skill) where the teams together need more than the pool has
    (`shared`: carers kept out of the teams, who stand in for every team at once)."""
    wanted: Wanted = defaultdict(lambda: defaultdict(int))
    for cover in needs.covers:
        for visit in cover.visits:
            slots = fits[visit.id].slots
            if len(slots) != 1:
                continue  # a visit of several days may move: no single shift must hold it
            ((day, types),) = slots.items()
            if len(types) != 1:
                continue  # it fits two shift types: either may hold it
            (kind,) = types
            for needed in {frozenset(visit.skills), frozenset()}:
                per_team = wanted[day, kind, needed]
                per_team[cover.group] = max(per_team[cover.group], cover.count)
    problems = []
    for (day, kind, needed), by_team in sorted(
        wanted.items(),
        key=lambda item: (item[0][0], SHIFT_TYPES.index(item[0][1]), sorted(item[0][2])),
    ):
        on_shift = [
            c
            for c, carer in enumerate(instance.staff)
            if needed <= set(carer.skills)
            and (s := carer.shift_by_day.get(day)) is not None
            and shift_type(s.start) == kind
        ]
        standing_in = sum(c in shared for c in on_shift)
        need = sum(max(0, count - standing_in) for count in by_team.values())
        have = len(on_shift) - standing_in
        if need > have:
            held = f" holding {' and '.join(sorted(needed))}" if needed else ""
            beyond = f" beyond the {standing_in} shared substitute(s)" if standing_in else ""
            whose = "the permanent staff" if shared else "the pool"
            problems.append(
                InputProblem(
                    source,
                    f"{kind} shift of {day_name(instance.horizon.start_date, day)}",
                    f"{len(by_team)} of the {teams} teams have visits then that need a carer"
                    f"{held} (two for a double-staffed visit): {need} carers in all{beyond}, "
                    f"but {whose} has {have} carer{'s' if have != 1 else ''}{held} on that "
                    "shift",
                )
            )
    demand: dict[tuple[int, frozenset[str], frozenset[str]], int] = defaultdict(int)
    for load in needs.loads:
        demand[load.day, load.types, load.skills] += load.minutes
    owned = [set(c.skills) for c in instance.staff]
    for (day, types, skills), need in sorted(
        demand.items(), key=lambda item: (item[0][0], sorted(item[0][1]), sorted(item[0][2]))
    ):
        have = sum(
            m.get((day, t), 0)
            for m, own in zip(minutes, owned, strict=True)
            if skills <= own
            for t in types
        )
        if need > have:
            holding = f" of carers holding {' and '.join(sorted(skills))}" if skills else ""
            problems.append(
                InputProblem(
                    source,
                    f"{types_text(types)} of {day_name(instance.horizon.start_date, day)}",
                    f"the pool's {have:,} paid minutes{holding} are short of the {need:,} that "
                    "the visits need with the slack (lower --slack)",
                )
            )
    return problems
