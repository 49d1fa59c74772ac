"""Soft windows in the evaluator: a start up to `lateness.max` minutes after the window's
latest is kept and counted as tardiness (per carer, the largest too); beyond it, a window
violation. Without soft windows the tardiness metrics are absent."""

from __future__ import annotations

from hemplan.models.contract.clock import parse_clock
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Assignment, Schedule
from hemplan.models.evaluator import evaluate
from hemplan.models.report.summary import metric_rows
from hemplan.solver.assemble import assemble_schedule
from hemplan.solver.problem import Problem
from tests.small_instances import late_carer


def at(instance: Instance, start: str, carers: list[str] | None = None) -> Schedule:
    carers = carers or ["A"]
    assignment = Assignment(visit="V", day=0, start=parse_clock(start), carers=carers)
    return assemble_schedule(Problem.build(instance), [assignment], {}, [])


def test_a_late_start_within_the_limit_is_kept_and_counted() -> None:
    instance = late_carer(30)
    result = evaluate(instance, at(instance, "09:20"))
    assert result.violations == []
    assert (result.metrics.tardiness_minutes, result.metrics.max_tardiness) == (20, 20)
    assert ("tardiness minutes", "20 (at most 20 min late)") in metric_rows(result.metrics)


def test_the_last_allowed_minute_is_kept_and_the_next_is_a_violation() -> None:
    instance = late_carer(30)
    assert evaluate(instance, at(instance, "09:30")).violations == []
    result = evaluate(instance, at(instance, "09:31"))
    assert [(v.kind, v.visit) for v in result.violations] == [("window", "V")]
    assert result.violations[0].message == "starts 09:31, window 08:00-09:00 (at most 30 min late)"


def test_both_carers_of_a_double_visit_count_their_late_minutes() -> None:
    instance = late_carer(30, staff_needed=2)
    result = evaluate(instance, at(instance, "09:25", ["A", "B"]))
    assert result.violations == []
    assert (result.metrics.tardiness_minutes, result.metrics.max_tardiness) == (50, 25)


def test_hard_windows_reject_a_late_start_and_report_no_tardiness() -> None:
    instance = late_carer(None)
    result = evaluate(instance, at(instance, "09:20"))
    assert [(v.kind, v.visit) for v in result.violations] == [("window", "V")]
    assert result.metrics.tardiness_minutes is None and result.metrics.max_tardiness is None
    assert "tardiness minutes" not in dict(metric_rows(result.metrics))
