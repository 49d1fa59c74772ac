"""Visits with two roles and a start gap: how they are read, checked and written back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from hemplan.models.contract.instance import Visit
from hemplan.models.contract.problems import InputError
from hemplan.models.contract.roles import gap_grid, missing_roles, role_orders, roles_fit
from hemplan.models.io.load import load_instance
from hemplan.models.io.write import write_model
from tests.small_instances import shift, small, visit

NURSE_AND_ANY = [{"skills": ["nurse"]}, {"skills": []}]


def double(**fields: Any) -> Visit:
    return Visit.model_validate(
        {
            "id": "V",
            "client": "K",
            "day": 0,
            "duration": 30,
            "window": {"earliest": "08:00", "latest": "09:00"},
            "staff_needed": 2,
            **fields,
        }
    )


def test_without_roles_every_slot_needs_the_visit_skills_and_the_carers_start_together() -> None:
    v = double(skills=["lift"])
    assert v.slot_skills == (frozenset({"lift"}), frozenset({"lift"}))
    assert v.start_gap == (0, 0) and not v.staggered


def test_each_role_adds_its_skills_to_the_visit_skills() -> None:
    v = double(skills=["lift"], roles=NURSE_AND_ANY, gap={"min": 10, "max": 20})
    assert v.slot_skills == (frozenset({"lift", "nurse"}), frozenset({"lift"}))
    assert v.start_gap == (10, 20) and v.staggered


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"roles": [{"skills": ["nurse"]}]}, "roles", "1 role(s) for a visit that needs 2"),
        ({"gap": {"min": 20, "max": 10}}, "gap", "max 10 is below min 20"),
        ({"gap": {"min": -5, "max": 10}}, "gap", "greater than or equal to 0"),
        ({"staff_needed": 1, "gap": {"min": 0, "max": 10}}, "gap", "needs two carers"),
        ({"roles": [{"skill": ["nurse"]}, {}]}, "roles", "Extra inputs are not permitted"),
    ],
)
def test_bad_roles_and_gaps_are_refused_naming_the_field(
    fields: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        double(**fields)
    assert field in str(caught.value) and words in str(caught.value)


def test_a_role_skill_must_be_in_the_instance_skills() -> None:
    with pytest.raises(InputError) as caught:
        small(
            [{"id": "A", "shifts": [shift(0)]}],
            [{"id": "K"}],
            [visit("V", "K", 0, staff_needed=2, roles=[{"skills": ["nurse"]}, {}])],
            days=1,
        )
    assert "visits[V].roles[0].skills: unknown skill 'nurse'" in str(caught.value)


def test_a_visit_without_roles_writes_unchanged_and_with_roles_reads_back(tmp_path: Path) -> None:
    plain = small([{"id": "A", "shifts": [shift(0)]}], [{"id": "K"}], [visit("V", "K", 0)], days=1)
    write_model(tmp_path / "plain.json", plain)
    text = (tmp_path / "plain.json").read_text()
    assert '"roles"' not in text and '"gap"' not in text
    roled = small(
        [{"id": "A", "shifts": [shift(0)]}],
        [{"id": "K"}],
        [visit("V", "K", 0, staff_needed=2, roles=NURSE_AND_ANY, gap={"min": 10, "max": 20})],
        days=1,
        skills=["nurse"],
    )
    write_model(tmp_path / "roled.json", roled)
    again = load_instance(tmp_path / "roled.json")
    assert again.visits[0].slot_skills == roled.visits[0].slot_skills
    assert again.visits[0].start_gap == (10, 20)


def test_role_orders_give_each_carer_a_role_it_can_take() -> None:
    slots = (frozenset({"nurse"}), frozenset())
    assert list(role_orders(slots, [set(), {"nurse"}])) == [(1, 0)]
    assert list(role_orders(slots, [{"nurse"}, {"nurse"}])) == [(0, 1), (1, 0)]
    assert not roles_fit(slots, [set(), set()])
    assert missing_roles(slots, [set(), set()]) == [frozenset({"nurse"})]


def test_the_gap_grid_covers_min_and_max() -> None:
    assert gap_grid((10, 20)) == [10, 15, 20]
    assert gap_grid((0, 7)) == [0, 5, 7]
    assert gap_grid((0, 0)) == [0]
