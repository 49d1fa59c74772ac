"""`--lang sv|en`: the language of what a command prints or writes for people."""

from __future__ import annotations

import click

from hemplan.models.texts import LANGS, Texts, default_lang

lang_option = click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    help="Language of what people read [default: from the locale: sv if Swedish, else en].",
)


def texts_of(lang: str | None) -> Texts:
    """The texts of `--lang`, else of the user's locale."""
    return Texts(lang or default_lang())
