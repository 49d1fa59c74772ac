"""The `--methods A,B` option of `compare` and `bench`: names from the method registry."""

from __future__ import annotations

import click

from hemplan.solver.methods import METHODS


def chosen_methods(text: str) -> list[str]:
    """The comma-separated method names in `text`, refused before any work if one is unknown."""
    chosen = [m.strip() for m in text.split(",") if m.strip()]
    unknown = [m for m in chosen if m not in METHODS]
    if unknown or not chosen:
        raise click.BadParameter(
            f"unknown method(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(METHODS)}",
            param_hint="'--methods'",
        )
    return chosen
