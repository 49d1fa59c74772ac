"""The evaluator's periods of fourteen days."""

from __future__ import annotations

from hemplan.models.evaluator.metrics import periods


def test_periods_of_fourteen_days() -> None:
    assert periods(7) == [range(7)]
    assert periods(28) == [range(0, 14), range(14, 28)]
    assert periods(20) == [range(0, 14)]
