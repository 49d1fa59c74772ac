"""Texts in the reader's language: the catalogue's Swedish, dates and numbers in Swedish form
(decimal comma, a space before the per cent sign), English as written in the code."""

from __future__ import annotations

from datetime import date

import pytest

from hemplan.models.contract.schedule import Distribution, Metrics
from hemplan.models.report.summary import metric_rows
from hemplan.models.texts import Texts, default_lang

SV, EN = Texts("sv"), Texts("en")


def test_numbers_in_swedish_and_english_form() -> None:
    assert SV.number(2.756) == "2,76" and EN.number(2.756) == "2.76"
    assert SV.number(20.0, fixed=False) == "20" and SV.number(20.893, fixed=False) == "20,89"
    assert SV.number(4.06, 1) == "4,1" and SV.number(None) == "-"
    assert SV.percent(0.1423) == "14,2\u00a0%" and EN.percent(0.1423) == "14.2%"


def test_dates_in_swedish() -> None:
    monday = date(2026, 1, 5)
    assert SV.long_date(monday) == "måndag 5 januari 2026"
    assert SV.weekday(monday) == "mån" and EN.weekday(monday) == "Mon"


def test_the_language_follows_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert default_lang() == "en"
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    assert default_lang() == "sv"
    monkeypatch.setenv("LC_ALL", "C.UTF-8")  # LC_ALL overrides LANG
    assert default_lang() == "en"


def test_the_metrics_read_in_swedish_with_their_values() -> None:
    spread = Distribution(mean=2.7567, median=2.0, p90=5.0, max=9.0)
    metrics = Metrics(
        visits=10,
        assigned=9,
        unassigned_mandatory=1,
        unassigned_deferrable=0,
        violations=0,
        distinct_carers_horizon=spread,
        contact_share=0.6875,
    )
    rows = dict(metric_rows(metrics, SV))
    assert rows["planerade besök"] == "9 av 10"
    assert rows["olika medarbetare per brukare (perioden)"] == (
        "medel 2,76 · median 2 · p90 5 · max 9"
    )
    assert rows["kontaktpersonens andel"] == "68,8\u00a0%"
    english = dict(metric_rows(metrics, EN))
    assert english["distinct carers per client (horizon)"] == "mean 2.76 · median 2 · p90 5 · max 9"
