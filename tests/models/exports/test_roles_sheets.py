"""A day sheet names the partner of a double-staffed visit and, when the two start apart (a
start gap), when the partner starts."""

from __future__ import annotations

from hemplan.models.contract.clock import parse_clock
from hemplan.models.contract.schedule import Assignment
from hemplan.models.exports.day_sheets import day_sheets
from hemplan.models.texts import ENGLISH
from hemplan.solver.assemble import assemble_schedule
from hemplan.solver.problem import Problem
from tests.small_instances import two_roles


def sheets(starts: list[str]) -> dict[str, str]:
    instance = two_roles(gap=(0, 20))
    own = [parse_clock(s) for s in starts]
    served = Assignment(
        visit="V", day=0, start=own[0], carers=["A", "B"], starts=own if own[0] != own[1] else None
    )
    schedule = assemble_schedule(Problem.build(instance), [served], {}, [])
    return day_sheets(instance, schedule, ENGLISH)


def test_the_sheet_says_when_a_staggered_partner_starts() -> None:
    by_file = sheets(["08:00", "08:15"])
    sheet_a = next(text for name, text in by_file.items() if "A" in name)
    sheet_b = next(text for name, text in by_file.items() if "B" in name)
    assert "Together with B (starts 08:15)" in sheet_a
    assert "Together with A (starts 08:00)" in sheet_b
    assert "08:15-08:45" in sheet_b


def test_partners_who_start_together_are_named_without_a_time() -> None:
    sheet_a = next(text for name, text in sheets(["08:00", "08:00"]).items() if "A" in name)
    assert "Together with B<" in sheet_a
