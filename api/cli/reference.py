"""`units import`, `registry import`, `agencies import`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.cli.file_imports import run_file_import
from api.cli.group import CommandGroup
from api.cli.language import operator_text
from api.context import context_of
from api.runtime import runtime
from services.reference.unit_sync import sync_hanoi
from services.reference.units_2025 import units_2025_from_file

units = CommandGroup("units", help=operator_text("cli.help.units"))
registry = CommandGroup("registry", help=operator_text("cli.help.registry"))
agencies = CommandGroup("agencies", help=operator_text("cli.help.agencies"))


@units.command("import", help=operator_text("cli.help.units.import"))
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_units(path: str) -> None:
    run_file_import(path, "units")


@registry.command("import", help=operator_text("cli.help.registry.import"))
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_registry(path: str) -> None:
    run_file_import(path, "residents")


@agencies.command("import", help=operator_text("cli.help.agencies.import"))
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_agencies(path: str) -> None:
    run_file_import(path, "agencies")


@units.command("sync", help=operator_text("cli.help.units.sync"))
@click.option("--effective", type=click.DateTime(formats=["%Y-%m-%d"]),
              help=operator_text("cli.help.units.sync.effective"))
@click.option("--units-file", type=click.Path(dir_okay=False, exists=True),
              help=operator_text("cli.help.units.sync.units_file"))
@with_appcontext
def sync_units(effective, units_file: str | None) -> None:
    rt = runtime()
    units_2025 = units_2025_from_file(units_file) if units_file else None
    with rt.sessions() as session, session.begin():
        report = sync_hanoi(context_of(rt, session), effective=effective.date() if effective else None,
                            units_2025=units_2025)
    for table, changes in (("units", report.units), ("crosswalk", report.crosswalk)):
        click.echo(operator_text("cli.units.synced", table=table, added=changes.added, changed=changes.changed,
                                 unchanged=changes.unchanged))
        if changes.changed_codes:
            click.echo(f"  {' '.join(changes.changed_codes)}")
        for change in changes.kind_changes:
            click.echo(operator_text("cli.units.kind_changed", code=change.code, name=change.name,
                                     before=change.before, after=change.after, day=change.on))


@agencies.command("successors", help=operator_text("cli.help.agencies.successors"))
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_successors(path: str) -> None:
    run_file_import(path, "agency_successors")
