"""`units import`, `registry import`, `agencies import`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.cli.file_imports import run_file_import
from api.cli.group import CommandGroup
from services.reference import agencies as agency_rules
from services.reference import residents, units as unit_rules
from services.reference.file_import import numbered_csv_rows

units = CommandGroup("units", help="Administrative units.")
registry = CommandGroup("registry", help="The population registry stand-in.")
agencies = CommandGroup("agencies", help="Deciding agencies.")


@units.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_units(path: str) -> None:
    """CSV code,name,level,valid_from,valid_to."""
    run_file_import(path, "units", lambda s: numbered_csv_rows(s, unit_rules.UNIT_COLUMNS),
                    lambda _session: unit_rules.parse_unit, unit_rules.load_units)


@registry.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_registry(path: str) -> None:
    """CSV national_id,full_name,date_of_birth,sex,district_code[,guardian_national_id]."""
    run_file_import(path, "residents", lambda s: numbered_csv_rows(s, residents.RESIDENT_COLUMNS),
                    lambda session: residents.resident_parser(unit_rules.unit_codes(session)),
                    residents.load_residents)


@agencies.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_agencies(path: str) -> None:
    """CSV code,name,level,district_code."""
    run_file_import(path, "agencies", lambda s: numbered_csv_rows(s, agency_rules.AGENCY_COLUMNS),
                    lambda session: agency_rules.agency_parser(unit_rules.unit_codes(session)),
                    agency_rules.load_agencies)
