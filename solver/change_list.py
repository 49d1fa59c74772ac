"""What a replan changed, visit by visit, for the planner who must phone clients and carers.

Only visits whose day, start or carers differ appear (kept assignments never do), plus the
visits that are new, cancelled, newly served or newly left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hemplan.models.contract.clock import format_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Assignment, Schedule


@dataclass(frozen=True)
class Change:
    """One visit's change: `old`/`new` are its assignments (None: not served), `why` the cause.

    `kind` is `re-planned`, `unassigned` (served before, not now), `new`, `now served` (left
    out before) or `cancelled` (no longer in the instance).
    """

    visit: str
    client: str
    kind: str
    old: Assignment | None
    new: Assignment | None
    why: str = ""

    def as_json(self) -> dict[str, Any]:
        def side(a: Assignment | None) -> dict[str, Any] | None:
            return (
                None
                if a is None
                else {"day": a.day, "start": format_clock(a.start), "carers": list(a.carers)}
            )

        return {
            "visit": self.visit,
            "client": self.client,
            "kind": self.kind,
            "old": side(self.old),
            "new": side(self.new),
            "why": self.why,
        }


def change_list(
    instance: Instance, old: Schedule, new: Schedule, affected: dict[str, str]
) -> list[Change]:
    """Every visit whose placement differs between `old` and `new`, new and cancelled visits
    included."""
    before = _first_assignments(old)
    after = _first_assignments(new)
    listed_before = set(before) | {u.visit for u in old.unassigned}
    left_out = {u.visit: u.reason for u in new.unassigned}
    changes = []
    for visit in instance.visits:
        was, now = before.get(visit.id), after.get(visit.id)
        if was is not None and now is not None and _same(was, now):
            continue
        if visit.id not in listed_before:
            kind, why = "new", left_out.get(visit.id, "")
        elif was is None and now is None:
            continue  # unserved before and after
        elif was is None:
            kind, why = "now served", ""
        elif now is None:
            kind, why = (
                "unassigned",
                f"{affected.get(visit.id, '')}; {left_out.get(visit.id, 'not served')}".lstrip(
                    "; "
                ),
            )
        else:
            kind, why = "re-planned", affected.get(visit.id, "")
        changes.append(Change(visit.id, visit.client, kind, was, now, why))
    clients = {s.visit: s.client or "" for r in old.routes for s in r.stops if s.visit}
    for visit_id in sorted(listed_before - set(instance.visit_by_id)):
        changes.append(
            Change(
                visit_id,
                clients.get(visit_id, ""),
                "cancelled",
                before.get(visit_id),
                None,
                "no longer in the instance",
            )
        )
    return sorted(changes, key=_order)


def _first_assignments(schedule: Schedule) -> dict[str, Assignment]:
    found: dict[str, Assignment] = {}
    for a in schedule.assignments:
        found.setdefault(a.visit, a)
    return found


def _same(a: Assignment, b: Assignment) -> bool:
    return (a.day, a.start, sorted(a.carers)) == (b.day, b.start, sorted(b.carers))


def _order(change: Change) -> tuple:
    first = change.old or change.new
    return (first.day, first.start, change.visit) if first is not None else (-1, -1, change.visit)
