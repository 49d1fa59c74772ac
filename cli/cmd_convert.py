"""`hemplan convert`: turn a file of a public benchmark set into an instance and its matrix."""

from __future__ import annotations

from pathlib import Path

import click

from hemplan.models.contract.problems import InputError, InputProblem
from hemplan.models.io.convert import SETS
from hemplan.models.io.convert.common import write_converted
from hemplan.solver.locks import check_locks


@click.command()
@click.argument("set_name", metavar="SET", type=click.Choice(list(SETS)))
@click.argument("source", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Instance file to write; the matrix goes next to it as <name>.matrix.json.",
)
def convert(set_name: str, source: str, output: str) -> None:
    """Convert SOURCE, a file of the public set SET, into a hemplan instance (see
    instances/README.md)."""
    path = Path(source)
    if not path.is_file():
        raise InputError([InputProblem(source, "", "file not found")])
    try:
        converted = SETS[set_name](path)
    # a file of another shape than the set's: a field missing or of another type, a number
    # out of range (a count, a capacity of 0), a list too short
    except (
        KeyError,
        IndexError,
        ValueError,
        TypeError,
        AttributeError,
        OverflowError,
        ZeroDivisionError,
    ) as exc:
        raise InputError(
            [InputProblem(source, "", f"not a {set_name} file: {type(exc).__name__} {exc}")]
        ) from None
    out = Path(output)
    if not (out.parent if str(out.parent) else Path(".")).is_dir():
        raise click.BadParameter(
            f"folder {out.parent} does not exist", param_hint="'-o' / '--output'"
        )
    instance = write_converted(converted, out, source, check_locks)
    click.echo(
        f"{output}: {len(instance.staff)} carers, {len(instance.clients)} clients, "
        f"{len(instance.visits)} visits, {instance.horizon.days} day(s); "
        f"{converted.scale:g} minutes per source time unit"
    )
    for note in converted.notes:
        click.echo(f"not representable: {note}")
