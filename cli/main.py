"""Entry point of the `hemplan` command: the click group and the error boundary.

Every user mistake surfaces as `hemplan.models.contract.problems.InputError`; the group turns it
into one line per problem on stderr and exit code 2, so no traceback ever reaches a planner. The
lines are `problem_lines`: repeated problems summarised after a cap, control characters from the
input shown escaped, whichever module found the problems.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

import hemplan.cli.early  # noqa: F401  (first: Ctrl-C from here on exits 130, see early.py)
from hemplan.models.contract.problems import InputError, problem_lines

EXIT_INPUT_ERROR = 2


# command name -> (module, function): each command lives in its own module and is imported
# only when it runs, so `hemplan solve` does not pay for matplotlib or dask at start-up (the
# time limit counts from the start)
COMMANDS: dict[str, tuple[str, str]] = {
    "generate": ("hemplan.cli.cmd_generate", "generate"),
    "validate": ("hemplan.cli.cmd_check", "validate"),
    "import": ("hemplan.cli.cmd_import", "import_command"),
    "convert": ("hemplan.cli.cmd_convert", "convert"),
    "solve": ("hemplan.cli.cmd_solve", "solve"),
    "evaluate": ("hemplan.cli.cmd_evaluate", "evaluate"),
    "next": ("hemplan.cli.cmd_next", "next_period"),
    "replan": ("hemplan.cli.cmd_replan", "replan"),
    "compare": ("hemplan.cli.cmd_compare", "compare"),
    "teams": ("hemplan.cli.cmd_teams", "teams"),
    "tradeoff": ("hemplan.cli.cmd_tradeoff", "tradeoff"),
    "bound": ("hemplan.cli.cmd_bound", "bound"),
    "bench": ("hemplan.cli.cmd_bench", "bench"),
    "report": ("hemplan.cli.cmd_report", "report"),
    "export": ("hemplan.cli.cmd_export", "export"),
    "schema": ("hemplan.cli.cmd_check", "schema"),
}


class HemplanGroup(click.Group):
    """A click group that loads its commands lazily and reports InputError as plain lines,
    exit 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            for line in problem_lines(exc.problems):
                click.echo(line, err=True)
            sys.exit(EXIT_INPUT_ERROR)


@click.group(cls=HemplanGroup)
@click.version_option(package_name="hemplan")
def main() -> None:
    """hemplan: continuity-first planning of home-care visits for small teams."""


if __name__ == "__main__":
    main()
