"""The generator's size: arguments that would make more visits than an instance may hold are
refused before any work with a clear message; the teams are sized with one BLAS thread (the
many small matrix products ran up to six times slower on two busy cores) and the output does not
depend on it; progress is reported team by team."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from hemplan.cli.cmd_generate import generate
from hemplan.models.generator import (
    DEFAULT_START_DATE,
    GeneratorError,
    expected_visits,
    generate_instance,
    summarize,
)
from hemplan.models.generator.blas import _openblas_controls, one_blas_thread
from hemplan.models.generator.calendar_days import Calendar
from hemplan.models.generator.capacity import _shapes
from hemplan.models.generator.team import ClientDraft, build_team
from hemplan.models.io.limits import MAX_VISITS


def test_arguments_making_too_many_visits_are_refused_before_any_work() -> None:
    began = time.monotonic()
    with pytest.raises(GeneratorError) as caught:
        generate_instance(teams=100, clients_per_team=300, staff_per_team=100, days=366, seed=1)
    assert time.monotonic() - began < 1
    message = str(caught.value)
    assert message.startswith("100 teams of 300 clients and 100 staff over 366 days make about")
    assert f"hemplan reads at most {MAX_VISITS:,} visits" in message


def test_the_cli_refuses_them_with_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    args = ["--teams", "60", "--clients-per-team", "100", "--staff-per-team", "40"]
    result = CliRunner().invoke(generate, [*args, "--days", "120", "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "make about" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_the_expected_visits_stay_below_what_the_generator_makes() -> None:
    """The refusal uses typical rates; on what it lets through, the real count is higher, so
    it never refuses a size that would have fitted by much."""
    for teams, clients, staff, days in [
        (2, 25, 10, 14),
        (1, 60, 20, 7),
        (1, 8, 10, 7),
        (2, 30, 5, 7),
    ]:
        made = summarize(generate_instance(teams, clients, staff, days, seed=3)).visits
        assert expected_visits(teams, clients, staff, days) <= made


def test_progress_is_reported_team_by_team() -> None:
    heard: list[tuple[int, int]] = []
    generate_instance(3, 4, 3, 2, seed=1, on_team=lambda done, teams: heard.append((done, teams)))
    assert heard == [(1, 3), (2, 3), (3, 3)]


def test_one_blas_thread_restores_the_thread_count_and_changes_no_sizing() -> None:
    """A team sized on one thread and on two is the same team: the products give the same
    numbers whatever the thread count (OpenBLAS divides the output, never a sum)."""
    cal = Calendar(DEFAULT_START_DATE, 14)
    controls = _openblas_controls()
    before = [get() for get, _ in controls]
    with one_blas_thread():
        assert all(get() == 1 for get, _ in controls)
        alone = build_team(4, 0, 1, 40, 14, cal)
    assert [get() for get, _ in controls] == before
    for _, set_ in controls:
        set_(2)
    try:
        shared = build_team(4, 0, 1, 40, 14, cal)
    finally:
        for (_, set_), count in zip(controls, before):
            set_(count)
    assert alone.log == shared.log
    assert [_drafted(c) for c in alone.clients] == [_drafted(c) for c in shared.clients]
    assert repr(alone.carers) == repr(shared.carers)


def _drafted(client: ClientDraft) -> tuple[object, ...]:
    return (client.id, client.level, client.dropped, client.patterns, client.escorts)


def test_visit_shapes_are_numpys_unique_rows() -> None:
    rng = np.random.default_rng(1)
    rows = rng.integers(0, 1440, size=(500, 3))
    rows[::7] = rows[3]  # repeated shapes
    expected, inverse = np.unique(rows, axis=0, return_inverse=True)
    shapes, shape_of = _shapes(rows[:, 0], rows[:, 1], rows[:, 2])
    assert np.array_equal(shapes, expected)
    assert np.array_equal(shape_of, inverse.reshape(-1))
    # outside the key's range it falls back to numpy itself
    rows[0, 2] = 1 << 22
    expected, inverse = np.unique(rows, axis=0, return_inverse=True)
    shapes, shape_of = _shapes(rows[:, 0], rows[:, 1], rows[:, 2])
    assert np.array_equal(shapes, expected) and np.array_equal(shape_of, inverse.reshape(-1))
