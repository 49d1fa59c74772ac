"""The solver's eligibility: who could serve a visit, and why nobody can."""

from __future__ import annotations

from pathlib import Path

import pytest

from hemplan.models.io.load import load_instance
from hemplan.solver.eligibility import carer_rules_out, eligibility, fitting_days
from hemplan.solver.travel import travel_times
from tests.hand_instance import write_hand_instance
from tests.paths import INSTANCES


def test_eligibility_explains_why_nobody_can_serve(tmp_path: Path) -> None:
    inst = write_hand_instance(
        tmp_path,
        {
            "visits.V5": {
                "skills": ["medication"],
                "day": 0,
                "window": {"earliest": "16:30", "latest": "17:00"},
            },
            "visits.V1": {"day": 1, "staff_needed": 2, "skills": []},
        },
    )
    result = eligibility(inst, travel_times(inst))
    assert result.carers["V2"] == ["S1", "S2"]  # S3 excluded by C2, S4 in the other team
    assert "outside the shift" in result.reasons["V5"]
    assert result.reasons["V1"] == "needs 2 carers but only 1 could serve it (S1)"


def test_a_partly_locked_double_visit_still_has_a_second_carer(tmp_path: Path) -> None:
    inst = write_hand_instance(tmp_path, {"visits.V3": {"locked_carers": ["S2"]}})
    result = eligibility(inst, travel_times(inst))
    assert "V3" not in result.reasons
    assert set(result.carers["V3"]) == {"S1", "S2", "S3"}


@pytest.mark.parametrize("allow_borrowing", [False, True])
def test_eligibility_applies_the_per_carer_rules_to_every_pair(allow_borrowing: bool) -> None:
    """The pool-at-once eligibility against the one-carer rules it vectorises."""
    inst = load_instance(INSTANCES / "district-14d.json")
    travel = travel_times(inst)
    result = eligibility(inst, travel, allow_borrowing)
    for visit in inst.visits[::7]:
        team = inst.client_by_id[visit.client].team
        expected = [
            c.id
            for c in inst.staff
            if (allow_borrowing or c.team == team)
            and carer_rules_out(inst, c, visit, allow_borrowing) is None
            and fitting_days(inst, travel, c, visit)
        ]
        assert result.carers[visit.id] == expected, visit.id
