"""Readable colours: every text colour of the report, the day sheets and the client letters
meets WCAG AA contrast (4.5 to 1) on its background, and every client colour keeps the name
written on it readable."""

from __future__ import annotations

import re

import pytest

from hemplan.models.exports.client_letters import STYLE as LETTER_STYLE
from hemplan.models.exports.day_sheets import STYLE as SHEET_STYLE
from hemplan.models.report.html import CSS
from hemplan.models.report.palette import (
    LABEL_TEXT,
    MIN_CONTRAST,
    client_colour,
    contrast,
    relative_luminance,
)

WHITE = "#ffffff"
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def text_colours(css: str) -> list[tuple[str, str, str]]:
    """(selector, text colour, background) of every rule that sets a text colour; the page's
    white where the rule sets no background of its own."""
    found = []
    for selector, body in RULE.findall(css.replace("\\\n", "")):
        declarations = dict(
            (name.strip(), value.strip())
            for name, _, value in (d.partition(":") for d in body.split(";") if ":" in d)
        )
        colour = declarations.get("color", "")
        if colour.startswith("#"):
            background = declarations.get("background", WHITE)
            found.append(
                (selector.strip(), colour, background if background.startswith("#") else WHITE)
            )
    return found


@pytest.mark.parametrize(
    "css", [CSS, SHEET_STYLE, LETTER_STYLE], ids=["report", "sheets", "letters"]
)
def test_every_text_colour_is_readable_on_its_background(css: str) -> None:
    pairs = text_colours(css)
    assert pairs  # the parser found the rules
    unreadable = [
        (selector, colour, background, round(contrast(colour, background), 2))
        for selector, colour, background in pairs
        if contrast(colour, background) < MIN_CONTRAST
    ]
    assert unreadable == []


def test_the_parser_finds_a_colour_that_is_too_light() -> None:
    """The check above can fail: a light grey on white and white on a mid blue are caught."""
    pairs = text_colours(".a{color:#999}.b{background:#5a97d1;color:#fff}.c{color:#222}")
    weak = {s for s, c, b in pairs if contrast(c, b) < MIN_CONTRAST}
    assert weak == {".a", ".b"}


def test_client_names_stay_readable_on_every_client_colour() -> None:
    colours = {client_colour(f"client-{k}") for k in range(500)}
    assert len(colours) > 400  # colours differ from client to client
    assert min(contrast(LABEL_TEXT, c) for c in colours) >= MIN_CONTRAST
    # and a colour still shows against the white page
    assert max(relative_luminance(c) for c in colours) < 0.7
    assert client_colour("client-7") == client_colour("client-7")


def test_contrast_matches_the_wcag_examples() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#767676", "#fff") == pytest.approx(4.54, abs=0.01)
