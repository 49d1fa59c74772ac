"""The HTML report: self-contained, escaped, faithful to the evaluator, and it renders in
headless Chromium (Debian's `chromium` package) without console errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Schedule
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance
from hemplan.models.io.write import write_model
from hemplan.models.report.html import report_page
from hemplan.models.report.palette import client_colour
from hemplan.models.texts import Texts
from tests.browser import chromium, rendered_dom
from tests.paths import INSTANCES
from tests.small_instances import shift, small, visit
from tests.solved import TINY, solved

NASTY = '<script>alert("x")</script> & Söder'


@pytest.fixture(scope="module")
def nasty() -> tuple[Instance, Schedule]:
    """Names and notes full of markup, and a double-staffed visit."""
    instance = small(
        [{"id": s, "name": f"{NASTY} {s}", "shifts": [shift(0, brk=True)]} for s in ("A", "B")],
        [{"id": "K", "name": NASTY}],
        [
            visit("V1", "K", 0, staff_needed=2, notes=NASTY, service=NASTY),
            visit("V2", "K", 0, "13:00", "14:00"),
        ],
        days=1,
    )
    return instance, solved(instance)


def test_report_is_self_contained_and_shows_every_day_route_and_client(solved_tiny) -> None:
    instance, schedule = solved_tiny
    evaluation = evaluate(instance, schedule)
    page = report_page(instance, schedule, evaluation)
    links = re.findall(r'(?:href|src)="([^"]*)"', page)
    assert links and all(link.startswith(("#", "data:")) for link in links)
    assert "http" not in page.replace("http://www.w3.org", "")
    assert page.count('<section class="day"') == instance.horizon.days
    assert page.count('<svg class="gantt"') == instance.horizon.days
    assert page.count('<figure class="map">') == sum(1 for r in schedule.routes if r.stops)
    assert f"{evaluation.metrics.assigned} of {evaluation.metrics.visits}" in page
    for client in instance.clients:
        assert client_colour(client.id) in page and client.name in page
    assert report_page(instance, schedule, evaluation) == page  # deterministic


def test_the_summary_shows_the_travel_budget_the_schedule_was_planned_within(
    solved_tiny,
) -> None:
    """A schedule planned with `--max-travel-increase` records its budget; the report's
    summary shows it with the share of it the evaluator's travel takes, in the report's
    language; a schedule planned without one shows no such row."""
    instance, schedule = solved_tiny
    evaluation = evaluate(instance, schedule)
    assert schedule.solver is not None and "travel_budget" not in schedule.solver.options
    assert "travel budget" not in report_page(instance, schedule, evaluation)
    travel = evaluation.metrics.travel_minutes
    options = schedule.solver.options | {"max_travel_increase": 10.0, "travel_budget": 2 * travel}
    budgeted = schedule.model_copy(
        update={"solver": schedule.solver.model_copy(update={"options": options})}
    )
    page = report_page(instance, budgeted, evaluation)
    assert (
        f"<th>travel budget</th><td>{2 * travel} min (the travel-only plan&#x27;s travel + 10%),"
        " 50.0% of it used</td>"
    ) in page
    swedish = report_page(instance, budgeted, evaluation, Texts("sv"))
    assert "<th>restidsbudget</th>" in swedish and "50,0\u00a0% av den använd" in swedish


def test_report_escapes_names_and_marks_double_staffed_visits(nasty) -> None:
    instance, schedule = nasty
    page = report_page(instance, schedule, evaluate(instance, schedule))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Söder" in page
    assert page.count('class="v k0 d"') == 2  # V1 on both carers' rows


def test_hemplan_report_warns_about_violations_but_writes_the_report(
    solved_tiny, tmp_path: Path
) -> None:
    instance, schedule = solved_tiny
    first = schedule.assignments[0]
    broken = schedule.model_copy(
        update={
            "assignments": [
                first.model_copy(update={"start": first.start + 1}),
                *schedule.assignments[1:],
            ]
        }
    )
    write_model(tmp_path / "broken.json", broken)
    result = CliRunner().invoke(
        main, ["report", str(TINY), str(tmp_path / "broken.json"), "-o", str(tmp_path / "r.html")]
    )
    assert result.exit_code == 0, result.output
    assert "violation(s), listed in the report" in result.output
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    found = evaluate(instance, broken).violations
    assert found and f"The evaluator found {len(found)} violation(s)" in page


def test_hemplan_report_refuses_a_schedule_of_another_instance(solved_tiny, tmp_path: Path) -> None:
    _, schedule = solved_tiny
    route = schedule.routes[0]
    other = schedule.model_copy(
        update={"routes": [route.model_copy(update={"carer": "Z1"}), *schedule.routes[1:]]}
    )
    write_model(tmp_path / "other.json", other)
    result = CliRunner().invoke(
        main, ["report", str(TINY), str(tmp_path / "other.json"), "-o", str(tmp_path / "r.html")]
    )
    assert result.exit_code == 2
    assert (
        f"{tmp_path / 'other.json'}: routes[Z1 day {route.day}].carer: unknown carer 'Z1'"
        in result.output
    )
    assert not (tmp_path / "r.html").exists()


def test_report_renders_in_headless_chromium(nasty, tmp_path: Path) -> None:
    binary = shutil.which("chromium")
    if binary is None:
        pytest.skip(
            "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it"
        )
    instance, schedule = nasty
    page = tmp_path / "report.html"
    page.write_text(report_page(instance, schedule, evaluate(instance, schedule)), encoding="utf-8")
    dom = rendered_dom(binary, tmp_path / "profile", page)
    assert '<svg class="gantt"' in dom and '<figure class="map">' in dom and 'class="heat"' in dom
    assert re.search(r'<button type="button" data-day="0" class="on">', dom)  # the day selector ran
    shot = tmp_path / "report.png"
    chromium(
        binary,
        tmp_path / "profile",
        "--hide-scrollbars",
        f"--screenshot={shot}",
        "--window-size=1200,1400",
        page.as_uri(),
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_days_with_visits_left_out_are_marked_and_the_week_flags_idle_shifts() -> None:
    """csv-example leaves weekend insulin visits out: those days' buttons say how many, the
    table says why (the evaluator's diagnosis), and the week overview marks idle shifts."""
    instance = load_instance(INSTANCES / "csv-example.json")
    schedule = solved(instance)
    evaluation = evaluate(instance, schedule)
    page = report_page(instance, schedule, evaluation)
    left_out = {d: 0 for d in range(instance.horizon.days)}
    served = {a.visit for a in schedule.assignments}
    for v in instance.visits:
        if v.id not in served:
            left_out[v.day] += 1
    for day, count in left_out.items():
        marked = f'<button type="button" data-day="{day}" class="bad"' in page
        assert marked == (count > 0)
        if count:
            assert re.search(rf'data-day="{day}" class="bad"[^>]*>[^<]*\({count}\)</button>', page)
    assert "no carer could ever do it" in page  # the diagnosis, not the solver's own words
    assert 'id="week"' in page and '<td class="idle"' in page
