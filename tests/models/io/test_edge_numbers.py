"""Numbers at the edges of what the solver and the exports use: dates at the end of the
calendar (reproducer 05) and travel speeds that would overflow the solver's int32 minutes
(reproducer 06) are refused at load, one line naming file, record and field, exit 2; a trip
longer than a day counts as unreachable, the same in the solver and the evaluator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from hemplan.cli.main import main
from hemplan.models.contract.instance import UNREACHABLE_MINUTES
from hemplan.models.contract.schedule import Schedule
from hemplan.models.evaluator import evaluate
from hemplan.models.evaluator.travel import TravelMinutes
from hemplan.models.io.load import load_instance
from hemplan.models.io.write import write_model
from hemplan.solver.travel import travel_times
from tests.small_instances import shift, small, visit
from tests.solved import TINY, solved


def _run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _tiny(folder: Path, **changes: Any) -> Path:
    """The bundled tiny instance with top-level sections replaced, written to `folder`."""
    data = json.loads(TINY.read_text(encoding="utf-8"))
    data.update(changes)
    path = folder / "instance.json"
    path.write_text(json.dumps(data))
    return path


def _every_command(folder: Path, instance: Path, schedule: Schedule) -> dict[str, Result]:
    write_model(folder / "schedule.json", schedule)
    sched = str(folder / "schedule.json")
    return {
        "validate": _run("validate", str(instance)),
        "solve": _run(
            "solve", str(instance), "-o", str(folder / "new.json"), "--workers", "1", "--quiet"
        ),
        "export csv": _run(
            "export", sched, "--instance", str(instance), "--format", "csv", "-o", str(folder / "c")
        ),
        "export ics": _run(
            "export", sched, "--instance", str(instance), "--format", "ics", "-o", str(folder / "i")
        ),
        "report": _run("report", str(instance), sched, "-o", str(folder / "r.html")),
    }


def test_a_horizon_past_the_last_date_is_refused_by_every_command(
    solved_tiny, tmp_path: Path
) -> None:  # reproducer 05
    instance = _tiny(tmp_path, horizon={"start_date": "9999-12-31", "days": 2})
    for command, result in _every_command(tmp_path, instance, solved_tiny[1]).items():
        assert result.exit_code == 2, (command, result.output)
        assert (
            f"{instance}: horizon.start_date: a horizon of 2 day(s) from 9999-12-31 runs past "
            "9999-12-30, the last day hemplan can plan"
        ) in result.output, command
    assert not (tmp_path / "new.json").exists() and not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("start", ["9999-12-29", "0001-01-01"])
def test_a_horizon_at_either_end_of_the_calendar_exports_and_reports(
    tmp_path: Path, start: str
) -> None:
    instance = _tiny(tmp_path, horizon={"start_date": start, "days": 2})  # to 9999-12-30 at most
    write_model(tmp_path / "schedule.json", solved(load_instance(instance)))
    sched = str(tmp_path / "schedule.json")
    for fmt in ("csv", "ics"):
        result = _run(
            "export", sched, "--instance", str(instance), "--format", fmt, "-o", str(tmp_path / fmt)
        )
        assert result.exit_code == 0, result.output
    assert _run("report", str(instance), sched, "-o", str(tmp_path / "r.html")).exit_code == 0
    calendar = next((tmp_path / "ics").iterdir()).read_text(encoding="utf-8")
    assert f"DTSTART;TZID=Europe/Stockholm:{start[:4]}" in calendar  # four digits, also year 1
    day_list = next((tmp_path / "csv").iterdir()).read_text(encoding="utf-8-sig")
    assert f"\n{start};" in day_list


@pytest.mark.parametrize(
    ("speed", "message"),
    [
        (1e-8, "speed 1e-08 km/h is outside 0.1-1000 km/h"),  # reproducer 06
        (0, "speed 0 km/h is outside 0.1-1000 km/h"),
        (-4.5, "speed -4.5 km/h is outside 0.1-1000 km/h"),
        (1e12, "speed 1e+12 km/h is outside 0.1-1000 km/h"),
        ("NaN", "speed is not a finite number"),
        ("Infinity", "speed is not a finite number"),
    ],
    ids=["tiny", "zero", "negative", "huge", "nan-text", "infinity-text"],
)
def test_an_absurd_speed_is_refused_before_any_work(
    tmp_path: Path, speed: Any, message: str
) -> None:
    speeds = {"walk": speed, "bike": 13.0, "car": 28.0}
    instance = _tiny(tmp_path, travel={"speed_kmh": speeds, "detour_factor": 1.35})
    for args in (
        ["validate", str(instance)],
        ["solve", str(instance), "-o", str(tmp_path / "s.json"), "--workers", "1", "--quiet"],
    ):
        result = _run(*args)
        assert result.exit_code == 2, result.output
        assert f"{instance}: travel.speed_kmh.walk: {message}" in result.output
    assert not (tmp_path / "s.json").exists()


def test_a_trip_longer_than_a_day_is_unreachable_in_solver_and_evaluator() -> None:
    # the slowest speed allowed, and a client on the other side of the Earth: millions of
    # minutes, capped to one more than a day by both, so the visit is simply unassigned
    instance = small(
        [{"id": "A", "shifts": [shift(0)]}],
        [{"id": "K"}, {"id": "FAR", "location": {"lat": -62.39, "lon": -162.7}}],
        [visit("V1", "K", 0), visit("V2", "FAR", 0)],
        days=1,
        travel={"speed_kmh": {"walk": 0.1, "bike": 0.1, "car": 0.1}},
    )
    solver, judge = travel_times(instance), TravelMinutes(instance)
    office, far = solver.office_index["T"], solver.client_index["FAR"]
    assert solver.between("bike", office, far) == UNREACHABLE_MINUTES
    assert judge.minutes("bike", judge.office("T"), judge.home("FAR")) == UNREACHABLE_MINUTES
    assert int(solver.minutes.max()) == UNREACHABLE_MINUTES
    schedule = solved(instance)
    assert [u.visit for u in schedule.unassigned] == ["V2"]
    assert evaluate(instance, schedule).feasible


def test_a_non_finite_number_in_the_instance_names_its_field(tmp_path: Path) -> None:
    instance = _tiny(tmp_path)
    text = instance.read_text(encoding="utf-8").replace(
        '"detour_factor": 1.35', '"detour_factor": NaN'
    )
    instance.write_text(text)
    result = _run("validate", str(instance))
    assert result.exit_code == 2
    assert f"{instance}: travel.detour_factor: NaN is not a number JSON allows" in result.output
