"""Absences covered by substitutes: the same shifts, other people (models/generator/absences.py)."""

from __future__ import annotations

from collections import Counter

import pytest

from hemplan.models.contract.instance import Instance
from hemplan.models.generator import GeneratorError, generate_instance
from hemplan.models.generator.absences import SUBSTITUTE_MARK, with_absences
from hemplan.models.io.load import load_instance
from tests.paths import INSTANCES


def shift_keys(instance: Instance) -> Counter:
    """Every shift as (team, travel mode, day, start, end, break), whoever works it."""
    return Counter(
        (
            s.team,
            s.travel_mode,
            sh.day,
            sh.start,
            sh.end,
            sh.break_.model_dump_json() if sh.break_ else "",
        )
        for s in instance.staff
        for sh in s.shifts
    )


@pytest.fixture(scope="module")
def district() -> Instance:
    return load_instance(INSTANCES / "district-28d.json")


def test_bundled_instance_with_absences_is_district_28d_with_substitutes(district):
    absent = load_instance(INSTANCES / "district-28d-absences.json")
    assert shift_keys(absent) == shift_keys(district)
    assert [c.model_dump() for c in absent.clients] == [c.model_dump() for c in district.clients]
    assert [v.model_dump() for v in absent.visits] == [v.model_dump() for v in district.visits]
    regular = {s.id: s for s in district.staff}
    subs = [s for s in absent.staff if SUBSTITUTE_MARK in s.id]
    assert subs and all(s.id in regular for s in absent.staff if s not in subs)
    # the employment says who is who, for `hemplan teams --substitutes shared`
    assert {s.id for s in absent.staff if s.substitute} == {s.id for s in subs}
    assert all(s.employment == "permanent" for s in absent.staff if s not in subs)
    for s in absent.staff:
        if s.id in regular:  # a regular carer keeps a subset of its own shifts
            assert {sh.day for sh in s.shifts} <= {sh.day for sh in regular[s.id].shifts}


@pytest.mark.parametrize("rate", [0.05, 0.1, 0.2])
def test_share_of_shifts_taken_over_is_about_the_rate(district, rate):
    shares = []
    for seed in range(3):
        absent = with_absences(district, rate, seed)
        assert shift_keys(absent) == shift_keys(district)
        moved = sum(len(s.shifts) for s in absent.staff if SUBSTITUTE_MARK in s.id)
        shares.append(moved / sum(len(s.shifts) for s in district.staff))
    assert abs(sum(shares) / len(shares) - rate) < 0.3 * rate, shares


def test_a_substitute_holds_the_delegations_of_every_shift_it_takes(district):
    absent = with_absences(district, 0.2, 5)
    before = {(s.id, sh.day): set(s.skills) for s in district.staff for sh in s.shifts}
    worked = {(s.id, sh.day) for s in absent.staff for sh in s.shifts}
    for s in absent.staff:
        if SUBSTITUTE_MARK not in s.id:
            continue
        for sh in s.shifts:
            gone = [
                c
                for (c, d) in before
                if d == sh.day and (c, d) not in worked and c.startswith(s.team)
            ]
            assert any(before[c, sh.day] <= set(s.skills) for c in gone), (s.id, sh.day)


def test_spells_run_over_consecutive_working_days(district):
    absent = with_absences(district, 0.1, 1)
    regular = {s.id: sorted(sh.day for sh in s.shifts) for s in district.staff}
    lengths = []
    for s in absent.staff:
        if s.id not in regular:
            continue
        kept = {sh.day for sh in s.shifts}
        run = 0
        for day in regular[s.id]:
            if day not in kept:
                run += 1
            elif run:
                lengths.append(run)
                run = 0
        if run:
            lengths.append(run)
    assert lengths and max(lengths) > 1  # absence comes in spells, not single scattered days


def test_no_absence_gives_the_same_instance(district):
    assert with_absences(district, 0.0, 1) is district


@pytest.mark.parametrize("rate", [-0.1, 0.6])
def test_rate_out_of_range_is_refused(rate):
    with pytest.raises(GeneratorError, match="absence_rate"):
        generate_instance(1, 5, 3, 2, seed=1, absence_rate=rate)
