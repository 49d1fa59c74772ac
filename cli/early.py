"""Imported first by the long commands (solve, compare, bench, replan), before their heavy
imports (OR-Tools, the solver: most of a second): when this process is the `hemplan` command,
SIGINT and SIGTERM end it at once with 130 or 143 from here on, until the command catches them
itself (`hemplan.cli.signals`).

The command's entry, `hemplan.cli.main`, is the best place to import it: earlier still (before
pydantic is imported) and for every command; importing it twice does nothing more. Imported in
any other process (a test runner, a notebook, `CliRunner`), it changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hemplan.cli.signals import exit_on_signals


def is_the_command() -> bool:
    """Whether this process runs the `hemplan` command: `python -m hemplan.cli.main`, or the
    console script `hemplan` that pip installs."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None:
        return bool(spec.name == "hemplan.cli.main")
    return Path(str(getattr(main, "__file__", "") or "")).stem == "hemplan"


if is_the_command():
    exit_on_signals()
