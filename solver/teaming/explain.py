"""Why a proposed team cannot work, in a planner's words: which team, day, shift type, and
which skill, carer or capacity is short.

The soft assignment model (`assign_carers(soft=True)`) leaves shortfalls only where no
assignment within the asked team sizes meets a requirement; each shortfall becomes one
`InputProblem` line naming the team, the day, the shift type and what is missing.
"""

from __future__ import annotations

from datetime import date

from hemplan.models.contract.instance import Client, Instance
from hemplan.models.contract.problems import InputProblem
from hemplan.solver.teaming.fit import VisitFit
from hemplan.solver.teaming.needs import Cover, Load
from hemplan.solver.teaming.pool import SHIFT_TYPES, day_name, types_text, window_text

MAX_EXAMPLES = 3  # visits named per line


def cover_problem(
    source: str,
    team: str,
    cover: Cover,
    short: int,
    instance: Instance,
    fits: dict[str, VisitFit],
) -> InputProblem:
    """`team T2: no carer holding insulin works the evening shift on Saturday ...`."""
    visit = cover.visits[0]
    client = instance.client_by_id[visit.client]
    got = cover.count - short
    if len(cover.able) == 1 and visit.locked_carers and cover.count == 1:
        carer = instance.staff[next(iter(cover.able))].id
        if carer in visit.locked_carers and len(visit.locked_carers) < visit.staff_needed:
            return InputProblem(
                source,
                f"team {team}",
                f"carer {carer} is locked to visits of clients in different teams "
                f"({_examples(cover)})",
            )
    who = _who(visit.skills, client)
    if got == 0 and cover.count == 1:
        missing = f"no carer{who}"
    elif got == 0:
        missing = f"none of the {cover.count} carers{who} that a double-staffed visit needs"
    else:
        missing = f"only {got} of the {cover.count} carers{who} that a double-staffed visit needs"
    when = _when(instance.horizon.start_date, [fits[v.id] for v in cover.visits])
    return InputProblem(
        source,
        f"team {team}",
        f"{missing} works {when} ({len(cover.visits)} visit"
        f"{'s' if len(cover.visits) != 1 else ''}: {_examples(cover)}); the whole pool has "
        f"{len(cover.able)} carer{'s' if len(cover.able) != 1 else ''} who could serve "
        f"{'them' if len(cover.visits) != 1 else 'it'}",
    )


def load_problem(source: str, team: str, load: Load, short: int, start_date: date) -> InputProblem:
    """`team T2: the evening shift on Saturday ... has 960 paid minutes for ...`."""
    paid = load.minutes - short
    holding = f" of carers holding {' and '.join(sorted(load.skills))}" if load.skills else ""
    needing = f" needing {' and '.join(sorted(load.skills))}" if load.skills else ""
    return InputProblem(
        source,
        f"team {team}",
        f"capacity short on {types_text(load.types)} of {day_name(start_date, load.day)}: "
        f"{paid:,} paid minutes{holding} for {load.demand:,} minutes of visits{needing} "
        f"({load.minutes:,} with the slack)",
    )


def _who(skills: list[str], client: Client) -> str:
    held = f" holding {' and '.join(sorted(skills))}" if skills else ""
    excluded = f" not excluded by client {client.id}" if client.excluded_carers else ""
    return held + excluded


def _when(start_date: date, fits: list[VisitFit]) -> str:
    """The shift types and days these visits can be done in."""
    types = {t for f in fits for ts in f.slots.values() for t in ts}
    days = sorted({d for f in fits for d in f.slots})
    kind = " or ".join(t for t in SHIFT_TYPES if t in types)
    shifts = f"the {kind} shift{'s' if len(types) > 1 else ''}"
    if len(days) == 1:
        return f"{shifts} on {day_name(start_date, days[0])}"
    return f"{shifts} on days {', '.join(str(d) for d in days[:6])}{'...' if len(days) > 6 else ''}"


def _examples(cover: Cover) -> str:
    shown = [
        f"{v.id} of client {v.client} at "
        + " or ".join(window_text(lo, hi) for lo, hi in v.start_windows)
        for v in cover.visits[:MAX_EXAMPLES]
    ]
    more = len(cover.visits) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")
