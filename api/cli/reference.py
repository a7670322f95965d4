"""`units import`, `registry import`, `agencies import`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.cli.file_imports import run_file_import
from api.cli.group import CommandGroup

units = CommandGroup("units", help="Administrative units.")
registry = CommandGroup("registry", help="The population registry stand-in.")
agencies = CommandGroup("agencies", help="Deciding agencies.")


@units.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_units(path: str) -> None:
    """CSV code,name,level,valid_from,valid_to."""
    run_file_import(path, "units")


@registry.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_registry(path: str) -> None:
    """CSV national_id,full_name,date_of_birth,sex,district_code[,guardian_national_id][,phone]."""
    run_file_import(path, "residents")


@agencies.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_agencies(path: str) -> None:
    """CSV code,name,level,district_code."""
    run_file_import(path, "agencies")
