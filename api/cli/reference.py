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

units = CommandGroup("units", help="Administrative units.")
registry = CommandGroup("registry", help="The population registry stand-in.")
agencies = CommandGroup("agencies", help="Deciding agencies.")


@units.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_units(path: str) -> None:
    """CSV code,name,level,valid_from,valid_to[,kind,parent_code] (other cities; Hanoi: units sync)."""
    run_file_import(path, "units")


@registry.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_registry(path: str) -> None:
    """CSV national_id,full_name,date_of_birth,sex and unit_code and/or district_code
    [,guardian_national_id,address,phone]; a pre-2025 ward code is converted through the crosswalk."""
    run_file_import(path, "residents")


@agencies.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_agencies(path: str) -> None:
    """CSV code,name,level,district_code."""
    run_file_import(path, "agencies")


@units.command("sync")
@with_appcontext
def sync_units() -> None:
    """Hanoi's units (2024 districts and wards, the 2025 city and its 126 units) and the crosswalk,
    from the pinned packages; safe to run again."""
    rt = runtime()
    with rt.sessions() as session, session.begin():
        report = sync_hanoi(context_of(rt, session))
    for table, changes in (("units", report.units), ("crosswalk", report.crosswalk)):
        click.echo(operator_text("cli.units.synced", table=table, added=changes.added, changed=changes.changed,
                                 unchanged=changes.unchanged))
        if changes.changed_codes:
            click.echo(f"  {' '.join(changes.changed_codes)}")


@agencies.command("successors")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_successors(path: str) -> None:
    """CSV agency_code,successor_code,is_default (true/false)."""
    run_file_import(path, "agency_successors")
