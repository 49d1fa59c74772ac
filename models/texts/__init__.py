"""What people read, in Swedish or English: message catalogues and dates in local form.

Texts are written in English in the code and looked up in a gettext catalogue
(`sv.po`, read with Babel) for Swedish, so a translator edits one file, not the modules;
dates and weekdays come from Babel's CLDR data ("måndag 5 januari 2026"). `default_lang`
follows the locale (LC_ALL, LC_MESSAGES, LANG): Swedish for a Swedish one, else English.
"""

from __future__ import annotations

import os
from datetime import date
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LANGS = ("sv", "en")
_FOLDER = Path(__file__).resolve().parent


def default_lang() -> str:
    """'sv' when the user's locale is Swedish, else 'en'."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "sv" if value.lower().startswith("sv") else "en"
    return "en"


@cache
def _catalogue(lang: str) -> dict[str, str]:
    """msgid -> msgstr of the language's catalogue (English: none, the ids are English)."""
    path = _FOLDER / f"{lang}.po"
    if lang == "en" or not path.exists():
        return {}
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=lang)
    return {str(m.id): str(m.string) for m in catalogue if m.id and m.string and not m.fuzzy}


class Texts:
    """The texts of one language: `t("Shift")` is "Pass" in Swedish."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; one of {', '.join(LANGS)}")
        self.lang = lang
        self._messages = _catalogue(lang)

    def t(self, message: str, **values: object) -> str:
        """The message in this language, with `{name}` fields filled from `values`."""
        text = self._messages.get(message, message)
        return text.format(**values) if values else text

    def word(self, kind: str, name: str) -> str:
        """A name from a closed list (`kind` says which: a CSV column, a row kind): its
        translation, else the name itself."""
        return self._messages.get(f"{kind}:{name}", name)

    def weekday(self, day: date) -> str:
        """'mån' / 'Mon'."""
        return format_date(day, "EEE", locale=self.lang).rstrip(".")

    def long_date(self, day: date) -> str:
        """'måndag 5 januari 2026' / 'Monday 5 January 2026'."""
        return format_date(day, "EEEE d MMMM y", locale=self.lang)

    def number(self, value: float | None, places: int = 2, fixed: bool = True) -> str:
        """'2,76' / '2.76' ("-" for none): `places` decimals, all shown when `fixed`, else
        only as many as the value needs ('20,89', '2')."""
        if value is None:
            return "-"
        pattern = "0." + ("0" if fixed else "#") * places if places else "0"
        return format_decimal(value, format=pattern, locale=self.lang)

    def percent(self, share: float | None, places: int = 1) -> str:
        """'69,1 %' / '69.1%' ("-" for none): Swedish puts a (non-breaking) space before the
        sign, as the language's own number format does."""
        if share is None:
            return "-"
        space = "\u00a0" if self.lang == "sv" else ""
        return format_percent(share, format=f"0.{'0' * places}{space}%", locale=self.lang)

    def short_date(self, day: date) -> str:
        """'mån 5 jan' / 'Mon 5 Jan'."""
        return format_date(day, "EEE d MMM", locale=self.lang)


ENGLISH = Texts("en")  # the default of every function that writes for people
