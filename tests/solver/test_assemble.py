"""The schedule assembly: routes always agree with their assignments, whatever the assignments."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hemplan.models.contract.schedule import Assignment
from hemplan.models.evaluator import KINDS, evaluate
from hemplan.solver.assemble import assemble_schedule
from hemplan.solver.problem import Problem
from tests.hand_instance import write_hand_instance


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_assembled_routes_never_disagree_with_assignments(
    tmp_path_factory, data: st.DataObject
) -> None:
    folder: Path = tmp_path_factory.mktemp("hand")
    instance = write_hand_instance(folder)
    staff_with_shift = {
        day: [s.id for s in instance.staff if day in s.shift_by_day] for day in range(2)
    }
    assignments = []
    for visit in instance.visits:
        if not data.draw(st.booleans(), label=f"serve {visit.id}"):
            continue
        carers = data.draw(
            st.lists(
                st.sampled_from(staff_with_shift[visit.day]),
                min_size=visit.staff_needed,
                max_size=visit.staff_needed,
                unique=True,
            ),
            label=f"carers {visit.id}",
        )
        start = data.draw(
            st.integers(visit.window.earliest, visit.window.latest), label=f"start {visit.id}"
        )
        assignments.append(Assignment(visit=visit.id, day=visit.day, start=start, carers=carers))
    schedule = assemble_schedule(Problem.build(instance), assignments, {}, [])
    result = evaluate(instance, schedule)
    kinds = {v.kind for v in result.violations}
    assert kinds <= set(KINDS)
    assert kinds.isdisjoint(
        {"route", "window", "staffing", "duplicate", "unknown_visit", "unknown_carer"}
    )
    assert result.metrics.assigned == len(assignments)
    travel = sum(r.travel_minutes for r in schedule.routes)
    assert result.metrics.travel_minutes == travel
