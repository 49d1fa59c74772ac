"""A big report packs its days: the packed page holds exactly the inline page's days, is
much smaller, and Chromium draws a packed day (client names on the Gantt bars) when shown."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.models.evaluator import evaluate
from hemplan.models.report.html import report_page
from hemplan.models.report.packing import PACK_ABOVE, pack, should_pack, unpack
from tests.browser import rendered_dom
from tests.solved import TINY

PACKED = re.compile(r'<script type="application/octet-stream" class="packed">[^<]*</script>')


def test_pack_and_unpack_are_inverse() -> None:
    html = '<svg class="gantt"><text class="bl">Åsa Öberg &amp; co</text></svg>' * 50
    element = pack(html)
    assert unpack(element) == html
    assert len(element) < len(html) / 5  # repetitive SVG deflates well


def test_packing_is_automatic_above_a_size() -> None:
    assert not should_pack([PACK_ABOVE // 2, PACK_ABOVE // 2], None)
    assert should_pack([PACK_ABOVE // 2, PACK_ABOVE // 2 + 1], None)
    assert should_pack([10], True) and not should_pack([PACK_ABOVE * 2], False)


def test_a_packed_report_holds_the_same_days(solved_tiny) -> None:
    instance, schedule = solved_tiny
    evaluation = evaluate(instance, schedule)
    inline = report_page(instance, schedule, evaluation)
    packed = report_page(instance, schedule, evaluation, packed=True)
    assert "packed" not in inline.split("<script>")[0]  # tiny is small: inline by default
    elements = PACKED.findall(packed)
    assert len(elements) == instance.horizon.days
    restored = packed
    for element in elements:
        restored = restored.replace(element, unpack(element), 1)
    # the same page once unpacked, but for the print-every-day button and its note
    without_button = re.sub(r'<p class="noprint">.*?</p>', "", restored, count=1)
    assert without_button == inline
    assert 'id="print-all"' in packed and 'id="print-all"' not in inline


def test_hemplan_report_packs_on_request_and_says_so(tmp_path: Path, solved_tiny) -> None:
    _, schedule = solved_tiny
    (tmp_path / "s.json").write_text(schedule.model_dump_json(by_alias=True), encoding="utf-8")
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        main, ["report", str(TINY), str(tmp_path / "s.json"), "-o", str(out), "--pack-days"]
    )
    assert result.exit_code == 0, result.output
    assert "days packed" in result.output
    assert PACKED.search(out.read_text(encoding="utf-8"))


def test_chromium_draws_a_packed_day_when_it_is_shown(solved_tiny, tmp_path: Path) -> None:
    binary = shutil.which("chromium")
    if binary is None:
        pytest.skip(
            "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it"
        )
    instance, schedule = solved_tiny
    page = tmp_path / "packed.html"
    page.write_text(
        report_page(instance, schedule, evaluate(instance, schedule), packed=True),
        encoding="utf-8",
    )
    dom = rendered_dom(binary, tmp_path / "profile", page, "--virtual-time-budget=5000")
    day0 = dom[dom.index('<section class="day" data-day="0"') :]
    day0 = day0[: day0.index("</section>")]
    assert '<svg class="gantt"' in day0 and "packed" not in day0  # day 0 drawn
    names = {c.name for c in instance.clients if c.name}
    on_bars = set(re.findall(r'<text class="bl"[^>]*>([^<]*)</text>', day0))
    assert on_bars and all(any(n.startswith(b.rstrip("…")) for n in names) for b in on_bars)
    assert dom.count('class="packed"') == instance.horizon.days - 1  # the others wait
