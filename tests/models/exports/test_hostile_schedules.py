"""Exports and the report under hostile input: file names built from carer ids stay short, safe
and distinct (reproducer 07: a 300-character id gave ENAMETOOLONG), and route figures longer
than a day are refused with a line naming the record and field instead of being drawn
(reproducer 12: a 23-digit travel grew the report to 24 GB)."""

from __future__ import annotations

import contextlib
import json
import resource
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hemplan.cli.main import main
from hemplan.models.contract.schedule import Schedule
from hemplan.models.evaluator import evaluate
from hemplan.models.exports.carer_days import MAX_STEM, file_names
from hemplan.models.io.load import load_instance
from hemplan.models.report.html import report_page
from tests.solved import TINY

LONG = "S" * 300  # the documented text limit is 10,000 characters


def _run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@contextlib.contextmanager
def _memory_capped(extra: int = 2 << 30) -> Iterator[None]:
    """At most `extra` more bytes of address space meanwhile: a regression that sizes the page
    by a route figure (24 GB for a 23-digit travel) fails with MemoryError, not the machine."""
    status = Path("/proc/self/status")
    lines = status.read_text().splitlines() if status.exists() else []
    size = next((int(x.split()[1]) * 1024 for x in lines if x.startswith("VmSize:")), None)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if size is None or (hard != resource.RLIM_INFINITY and hard < size + extra):
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (size + extra, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _renamed(folder: Path, schedule: Schedule, carers: dict[str, str]) -> tuple[Path, Path]:
    """Tiny and its schedule with carers renamed everywhere, written to `folder`."""
    instance_text = TINY.read_text(encoding="utf-8")
    schedule_text = schedule.model_dump_json()
    for old, new in carers.items():
        instance_text = instance_text.replace(f'"{old}"', f'"{new}"')
        schedule_text = schedule_text.replace(f'"{old}"', f'"{new}"')
    (folder / "instance.json").write_text(instance_text, encoding="utf-8")
    (folder / "schedule.json").write_text(schedule_text, encoding="utf-8")
    return folder / "instance.json", folder / "schedule.json"


@pytest.mark.parametrize("fmt", ["csv", "ics"])
def test_a_very_long_carer_id_exports_under_a_short_file_name(
    solved_tiny, tmp_path: Path, fmt: str
) -> None:  # reproducer 07
    twin = "S" * 299 + "T"  # the same first hundred characters: must not share a file
    instance, schedule = _renamed(tmp_path, solved_tiny[1], {"T01-S01": LONG, "T01-S02": twin})
    out = tmp_path / "out"
    result = _run(
        "export", str(schedule), "--instance", str(instance), "--format", fmt, "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    carers = {r.carer for r in solved_tiny[1].routes if r.stops}
    assert len(names) == len(carers)
    assert all(len(n.encode()) <= MAX_STEM + len(f".{fmt}") for n in names)
    texts = [p.read_text(encoding="utf-8-sig") for p in out.iterdir()]
    assert any(LONG in "".join(t.split("\n ")) for t in texts)  # the id inside, unfolded


def test_file_names_stay_short_safe_and_distinct() -> None:
    carers = [LONG, "S" * 299 + "T", "CON", "nul.x", "../../etc/passwd", "Åsa", "Äsa", "a" * 100]
    names = file_names(carers, ".ics")
    assert len(set(n.lower() for n in names.values())) == len(carers)
    for name in names.values():
        assert len(name) <= MAX_STEM + 4 and "/" not in name and not name.startswith(".")
    assert names["CON"] == "CON_.ics" and names["nul.x"] == "nul.x_.ics"
    assert names["a" * 100] == "a" * 100 + ".ics"  # at the limit: kept as it is
    assert file_names([LONG], ".csv")[LONG] == file_names(["x", LONG], ".csv")[LONG]  # stable


@pytest.mark.parametrize(
    ("travel", "shown"),
    [
        (10**22 + 8, "a 23-digit number of"),  # reproducer 12: 24 GB before
        (10**400, "a 401-digit number of"),  # reproducer 12: OverflowError before
        (100_000, "100000"),
    ],
    ids=["23-digits", "401-digits", "100000"],
)
def test_a_route_figure_longer_than_a_day_is_refused_by_export_and_report(
    solved_tiny, tmp_path: Path, travel: int, shown: str
) -> None:
    data = json.loads(solved_tiny[1].model_dump_json())
    route = next(r for r in data["routes"] if r["stops"])
    route["stops"][0]["travel"] = travel
    schedule = tmp_path / "schedule.json"
    schedule.write_text(json.dumps(data))
    line = (
        f"{schedule}: routes[{route['carer']} day {route['day']}].stops[0].travel: {shown} "
        "minutes is more than a day has (1440)"
    )
    for args in (
        ["report", str(TINY), str(schedule), "-o", str(tmp_path / "r.html")],
        [
            "export",
            str(schedule),
            "--instance",
            str(TINY),
            "--format",
            "csv",
            "-o",
            str(tmp_path / "c"),
        ],
        [
            "export",
            str(schedule),
            "--instance",
            str(TINY),
            "--format",
            "ics",
            "-o",
            str(tmp_path / "i"),
        ],
    ):
        with _memory_capped():
            result = _run(*args)
        assert result.exit_code == 2, result.output
        assert line in result.output, result.output
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "c").exists()
    evaluated = _run("evaluate", str(TINY), str(schedule))  # the evaluator still judges it
    assert evaluated.exit_code == 1 and "violation route" in evaluated.output


def test_the_report_page_never_grows_with_a_route_figure(solved_tiny) -> None:
    instance, schedule = solved_tiny
    normal = len(report_page(instance, schedule, evaluate(instance, schedule)))
    data = json.loads(schedule.model_dump_json())
    route = next(r for r in data["routes"] if r["stops"])
    route["stops"][0]["travel"] = 10_000_000  # an 18 MB page before
    route["travel_back"] = 10_000_000
    odd = Schedule.model_validate(data)
    page = report_page(instance, odd, evaluate(instance, odd))
    assert len(page) < 2 * normal


def test_the_long_id_instance_is_still_valid(solved_tiny, tmp_path: Path) -> None:
    instance, _ = _renamed(tmp_path, solved_tiny[1], {"T01-S01": LONG})
    assert LONG in load_instance(instance).staff_by_id
