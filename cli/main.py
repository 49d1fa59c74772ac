"""Entry point of the `hemplan` command: the click group and the error boundary.

Every user mistake surfaces as `models.problems.InputError`; the group turns it into one
line per problem on stderr and exit code 2, so no traceback ever reaches a planner.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from models.problems import InputError

EXIT_INPUT_ERROR = 2


class HemplanGroup(click.Group):
    """A click group that reports InputError as plain lines and exits 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            sys.exit(EXIT_INPUT_ERROR)


@click.group(cls=HemplanGroup)
@click.version_option(package_name="hemplan")
def main() -> None:
    """hemplan: continuity-first planning of home-care visits for small teams."""


def _register() -> None:
    """Attach the subcommands; each lives in its own module."""
    from cli.cmd_check import schema, validate
    from cli.cmd_evaluate import evaluate
    from cli.cmd_generate import generate
    from cli.cmd_import import import_command
    from cli.cmd_solve import solve

    for command in (generate, validate, import_command, solve, evaluate, schema):
        main.add_command(command)
    from cli.cmd_replan import replan

    main.add_command(replan)
    from cli.cmd_export import export

    main.add_command(export)
    from cli.cmd_report import report

    main.add_command(report)
    from cli.cmd_compare import compare

    main.add_command(compare)
    from cli.cmd_bench import bench
    from cli.cmd_convert import convert

    main.add_command(bench)
    main.add_command(convert)


_register()

if __name__ == "__main__":
    main()
