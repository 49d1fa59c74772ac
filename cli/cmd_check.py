"""`hemplan validate` and `hemplan schema`: is this file a usable instance, and what may it hold."""

from __future__ import annotations

import json

import click

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Schedule
from hemplan.models.io.load import load_instance
from hemplan.solver.locks import check_locks


@click.command()
@click.argument("instance_file", type=click.Path())
@click.option(
    "--allow-borrowing",
    is_flag=True,
    help="Check the locks as `solve --allow-borrowing` plans: carers may serve other teams.",
)
def validate(instance_file: str, allow_borrowing: bool) -> None:
    """Check INSTANCE_FILE: fields, types, references, days and whether every lock can be kept;
    list every problem (exit 2)."""
    instance = load_instance(instance_file)
    check_locks(instance, instance_file, allow_borrowing)
    shifts = sum(len(s.shifts) for s in instance.staff)
    click.echo(
        f"{instance_file}: ok: {instance.horizon.days} days, {len(instance.teams)} teams, "
        f"{len(instance.staff)} staff, {shifts} shifts, {len(instance.clients)} clients, "
        f"{len(instance.visits)} visits"
    )


@click.command()
@click.argument("document", type=click.Choice(["instance", "schedule"]))
def schema(document: str) -> None:
    """Print the JSON Schema of an instance or a schedule file."""
    model = Instance if document == "instance" else Schedule
    click.echo(json.dumps(model.model_json_schema(by_alias=True), indent=2))
