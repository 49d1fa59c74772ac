"""Replanning after a sick call or an updated instance: keep what is unaffected, re-plan the rest.

Clients and carers already know the plan, so every old assignment that is still valid (and
not of an absent carer on an absence day) is kept exactly. Each kept assignment becomes a
lock (its carers, its start, its day) in a derived instance, and `solve` plans that: locks
are hard for the solver and fully locked visits are never freed by the search, so the kept
part cannot move, and the continuity objective pulls every re-planned visit towards carers
its client still meets in the kept part. An absence becomes the carer's shifts removed on
those days.

"Still valid" is judged by the independent evaluator: the old assignments of visits that
still exist are re-assembled against the updated instance (with the old breaks), and any
assignment a violation names is affected, as is every visit of a carer-day whose break or
route no longer works; this repeats until the kept part is violation-free on its own. An old
start or break that cannot even be laid out (a visit running past midnight, a break outside
the shift: a hand-edited file) makes its visit, or its carer-day, affected before that.

The instance's own locks are checked against the derived instance before any solving
(`solver.locks`): a lock whose carer is absent, or whose only days the kept assignments fill,
is an input error naming the instance file, the visit and the field.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from hemplan.models.contract.clock import MINUTES_PER_DAY, format_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputError, InputProblem
from hemplan.models.contract.schedule import Assignment, Schedule
from hemplan.models.evaluator import Evaluation, evaluate, violations_of
from hemplan.solver.assemble import assemble_schedule
from hemplan.solver.change_list import Change, change_list
from hemplan.solver.continuity.solve import solve
from hemplan.solver.locks import lock_problems
from hemplan.solver.method import SolveOptions, SolveResult
from hemplan.solver.problem import Problem

METHOD = "replan"
WRITE_RESERVE = 0.3  # seconds kept for writing the schedule and printing the change list
# of the time limit, kept for the proofs of why visits are left out (`hemplan replan` seeks
# them until its limit; without the reserve a replan of district-14d at 8 s took 10)
DIAGNOSIS_SHARE = 0.1


@dataclass(frozen=True)
class Absence:
    """A carer who does not work on `days` (0-based day indices of the instance)."""

    carer: str
    days: range


@dataclass
class ReplanResult:
    """The new verified schedule, what was kept and why the rest moved, and continuity before/after.

    Both evaluations are against the derived instance (updated, absences applied, kept
    assignments locked): a schedule feasible there is feasible for the instance as given,
    since the derived instance only adds restrictions, and its lower bound is cheap to
    compute because locked visits have no choice of carer.
    """

    schedule: Schedule
    evaluation: Evaluation  # the new schedule
    before: Evaluation  # the old schedule, restricted to visits that still exist
    kept: dict[str, Assignment]
    affected: dict[str, str]  # visit -> why it was re-planned
    changes: list[Change] = field(default_factory=list)
    solve: SolveResult | None = None


def parse_days(
    text: str, horizon_days: int, source: str = "--days", start_date: date | None = None
) -> range:
    """`3-5` (inclusive) or `4` as a range of day indices inside the horizon; with the
    horizon's `start_date`, dates too: `2026-03-05` or `2026-03-05..2026-03-07`."""
    first, last = _day_ends(text.strip(), start_date)
    try:
        days = range(int(first), int(last) + 1)
    except ValueError:
        dates = " or a date such as 2026-03-05 (..2026-03-07)" if start_date else ""
        raise InputError(
            [InputProblem(source, text, f"expected a day such as 4 or a range such as 3-5{dates}")]
        ) from None
    if not days or days[0] < 0 or days[-1] >= horizon_days:
        span = f"days are 0-{horizon_days - 1}"
        if start_date is not None:
            end = start_date + timedelta(days=horizon_days - 1)
            span += f", dates {start_date.isoformat()}..{end.isoformat()}"
        raise InputError([InputProblem(source, text, f"outside the horizon: {span}")])
    return days


def _day_ends(text: str, start_date: date | None) -> tuple[str, str]:
    """The first and last day of `text` as day numbers (still text: the caller converts)."""
    if start_date is not None and re.match(r"\d{4}-\d{2}-\d{2}", text):
        first, _, last = text.partition("..")
        try:
            ends = [date.fromisoformat(part.strip()) for part in (first, last or first)]
        except ValueError:
            return "", ""
        return str((ends[0] - start_date).days), str((ends[1] - start_date).days)
    first, _, last = text.partition("-")
    return first, last or first


def with_absences(
    instance: Instance, absences: list[Absence], source: str = "--absent"
) -> Instance:
    """The instance with each absent carer's shifts removed on the absence days."""
    unknown = [a.carer for a in absences if a.carer not in instance.staff_by_id]
    if unknown:
        raise InputError(
            [InputProblem(source, c, "no such carer in the instance") for c in unknown]
        )
    off = {(a.carer, d) for a in absences for d in a.days}
    if not off:
        return instance
    data = instance.model_dump(by_alias=True)
    for s in data["staff"]:
        s["shifts"] = [sh for sh in s["shifts"] if (s["id"], sh["day"]) not in off]
    return Instance.model_validate(data)


def with_substitutes(
    instance: Instance,
    absences: list[Absence],
    substitutes: list[str],
    skills: list[str],
    source: str = "--substitute",
) -> Instance:
    """The instance with a substitute per absent carer (in order) who works that carer's
    shifts on the absence days, in the same team and with `skills` (those the instance
    knows): how a planner covers a sick call without editing the instance."""
    problems = [
        InputProblem(source, s, "a carer of that id is in the instance already")
        for s in substitutes
        if s in instance.staff_by_id
    ]
    if len(substitutes) > len(absences):
        problems.append(
            InputProblem(
                source, substitutes[len(absences)], "more substitutes than --absent carers"
            )
        )
    if len(set(substitutes)) != len(substitutes):
        problems.append(InputProblem(source, ", ".join(substitutes), "the same id twice"))
    unknown = sorted(set(skills) - set(instance.skills))
    if unknown:
        problems.append(
            InputProblem("--substitute-skills", unknown[0], "no such skill in the instance")
        )
    problems += [
        InputProblem("--absent", a.carer, "no such carer in the instance")
        for a in absences
        if a.carer not in instance.staff_by_id
    ]
    if problems:
        raise InputError(problems)
    if not substitutes:
        return instance
    data = instance.model_dump(by_alias=True)
    for sub, absence in zip(substitutes, absences):
        carer = instance.staff_by_id[absence.carer]
        data["staff"].append(
            {
                "id": sub,
                "name": sub,
                "team": carer.team,
                "skills": list(skills),
                "travel_mode": carer.travel_mode,
                "shifts": [
                    s.model_dump(by_alias=True) for s in carer.shifts if s.day in absence.days
                ],
            }
        )
    return Instance.model_validate(data)


def old_breaks(schedule: Schedule) -> dict[tuple[str, int], int]:
    """Break start per carer-day, as the old routes have them."""
    return {
        (r.carer, r.day): s.start for r in schedule.routes for s in r.stops if s.kind == "break"
    }


def _misplaced_breaks(
    instance: Instance, breaks: dict[tuple[str, int], int]
) -> dict[tuple[str, int], str]:
    """The old breaks that do not lie within the carer's shift that day (a hand-edited
    schedule: the break cannot even be laid out), and why."""
    found = {}
    for (carer_id, day), start in breaks.items():
        carer = instance.staff_by_id.get(carer_id)
        shift = carer.shift_by_day.get(day) if carer is not None else None
        if shift is None or shift.break_ is None:
            continue  # nothing to lay out: the routes leave such a break out
        if start < shift.start or start + shift.break_.minutes > shift.end:
            found[(carer_id, day)] = (
                f"break on {carer_id}'s day {day}: the schedule's break at "
                f"{format_clock(start)} does not fit the shift "
                f"{format_clock(shift.start)}-{format_clock(shift.end)}"
            )
    return found


def split_kept(
    problem: Problem, old: Schedule, absences: list[Absence]
) -> tuple[dict[str, Assignment], dict[str, str]]:
    """The old assignments still valid in the problem's instance (absences applied), and why
    each other is not."""
    instance = problem.instance
    off = {(a.carer, d) for a in absences for d in a.days}
    kept: dict[str, Assignment] = {}
    affected: dict[str, str] = {}
    for a in old.assignments:
        if a.visit not in instance.visit_by_id or a.visit in kept or a.visit in affected:
            # cancelled visits are dropped; a repeated assignment is the old file's mistake
            continue
        gone = [c for c in a.carers if c not in instance.staff_by_id]
        absent = [c for c in a.carers if (c, a.day) in off]
        duration = instance.visit_by_id[a.visit].duration
        if absent:
            affected[a.visit] = f"{', '.join(absent)} absent on day {a.day}"
        elif gone:
            affected[a.visit] = f"{', '.join(gone)} no longer in the instance"
        elif a.start + duration > MINUTES_PER_DAY:  # a hand-edited start: no route can hold it
            affected[a.visit] = (
                f"shift: starts {format_clock(a.start)} and lasts {duration} min, past 24:00"
            )
        else:
            kept[a.visit] = a
    breaks = old_breaks(old)
    for (carer_id, day), why in _misplaced_breaks(instance, breaks).items():
        del breaks[(carer_id, day)]
        for visit_id, a in list(kept.items()):
            if a.day == day and carer_id in a.carers:
                del kept[visit_id]
                affected[visit_id] = why
    while kept:
        schedule = assemble_schedule(problem, list(kept.values()), breaks, [])
        hit: dict[str, str] = {}
        for v in violations_of(instance, schedule, problem.allow_borrowing):
            if v.visit in kept:
                hit.setdefault(v.visit, f"{v.kind}: {v.message}")
            elif (
                v.carer is not None and v.day is not None
            ):  # the carer-day as a whole no longer works
                for visit_id, a in kept.items():
                    if a.day == v.day and v.carer in a.carers:
                        hit.setdefault(
                            visit_id, f"{v.kind} on {v.carer}'s day {v.day}: {v.message}"
                        )
        if not hit:
            break
        for visit_id, why in hit.items():
            del kept[visit_id]
            affected[visit_id] = why
    return kept, affected


def locked_instance(instance: Instance, kept: dict[str, Assignment]) -> Instance:
    """`instance` with every kept assignment turned into a lock on its day, start and carers."""
    data = instance.model_dump(by_alias=True)
    for v in data["visits"]:
        a = kept.get(v["id"])
        if a is not None:
            v.update(day=a.day, last_day=None, locked_carers=list(a.carers), locked_start=a.start)
    return Instance.model_validate(data)


def replan(
    instance: Instance,
    old: Schedule,
    absences: list[Absence],
    options: SolveOptions,
    source: str = "instance",
    schedule_source: str = "schedule",
    started: float | None = None,
) -> ReplanResult:
    """Keep every unaffected assignment of `old` exactly and re-plan the rest of `instance`.

    `options.time_limit` is the whole replan's budget counted from `started` (default: now);
    the solve (which verifies its schedule itself) gets what is left after the analysis and a
    reserve for writing the result and diagnosing the visits left out.
    Locks of `instance` that cannot be kept (a locked carer absent, or the kept assignments
    in the way) are InputErrors naming `source`, checked before any solving; a schedule of
    another instance is one naming `schedule_source`.
    """
    started = time.monotonic() if started is None else started
    _check_schedule_of(instance, old, schedule_source)
    borrowing = options.allow_borrowing or old.allow_borrowing
    updated = with_absences(instance, absences)
    kept, affected = split_kept(Problem.build(updated, borrowing), old, absences)
    derived = locked_instance(updated, kept)
    off = [(a.carer, d) for a in absences for d in a.days]
    problems = lock_problems(
        Problem.build(derived, borrowing), source, kept, kept_source=schedule_source, absent=off
    )
    if problems:
        raise InputError(problems)
    before = evaluate(derived, _known_only(derived, old), borrowing)

    reserve = WRITE_RESERVE + DIAGNOSIS_SHARE * options.time_limit
    budget = options.time_limit - (time.monotonic() - started) - reserve
    solve_options = replace(options, time_limit=max(0.5, budget), allow_borrowing=borrowing)
    try:
        solved = solve(derived, solve_options)  # verified by the evaluator against `derived`
    except InputError as exc:
        raise InputError([replace(p, source=source) for p in exc.problems]) from None
    schedule = solved.schedule
    if schedule.solver is not None:
        schedule.solver.method = METHOD
        schedule.solver.wall_time_s = round(time.monotonic() - started, 3)
        schedule.solver.options |= {
            "kept": len(kept),
            "replanned": len(affected),
            "absent": ",".join(f"{a.carer}:{a.days[0]}-{a.days[-1]}" for a in absences if a.days),
        }
    changes = change_list(updated, old, schedule, affected)
    return ReplanResult(schedule, solved.evaluation, before, kept, affected, changes, solved)


# a schedule under another instance name is taken when at least this share of its visits is
# in the instance: the same plan re-imported under a new name, not another instance's plan
SAME_PLAN_SHARE = 0.9


def renamed_plan(instance: Instance, old: Schedule) -> bool:
    """`old` names another instance but is this instance's plan re-imported under a new name:
    at least SAME_PLAN_SHARE of its visits are this instance's."""
    if not (old.instance and instance.name and old.instance != instance.name):
        return False
    known = sum(a.visit in instance.visit_by_id for a in old.assignments)
    return bool(old.assignments) and known >= SAME_PLAN_SHARE * len(old.assignments)


def _check_schedule_of(instance: Instance, old: Schedule, source: str) -> None:
    """A schedule made for another instance (other name and few of its visits, or none of
    its visits) is refused."""
    other = bool(old.instance and instance.name and old.instance != instance.name)
    if other and not renamed_plan(instance, old):
        raise InputError(
            [
                InputProblem(
                    source,
                    "instance",
                    f"the schedule is of instance '{old.instance}', not '{instance.name}'",
                )
            ]
        )
    if old.assignments and not any(a.visit in instance.visit_by_id for a in old.assignments):
        raise InputError(
            [
                InputProblem(
                    source, "assignments", f"none of its visits is in instance '{instance.name}'"
                )
            ]
        )


def _known_only(instance: Instance, schedule: Schedule) -> Schedule:
    """The old schedule without the visits the instance no longer has (for its continuity)."""
    known = instance.visit_by_id
    return schedule.model_copy(
        update={
            "assignments": [a for a in schedule.assignments if a.visit in known],
            "unassigned": [u for u in schedule.unassigned if u.visit in known],
        }
    )
