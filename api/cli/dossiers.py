"""`procedures import FILE`: the procedure catalogue from a JSON list."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from api.cli.file_imports import run_file_import
from api.cli.group import CommandGroup
from models.reference import Agency
from services.dossiers.procedures import load_procedures, procedure_parser
from services.reference.file_import import numbered_json_list

procedures = CommandGroup("procedures", help="The administrative procedure catalogue.")


@procedures.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_procedures(path: str) -> None:
    """JSON list of {code, name, agency_code, online_level, processing_days, fee, form_schema}."""
    run_file_import(path, "procedures", numbered_json_list,
                    lambda session: procedure_parser(set(session.scalars(select(Agency.code)))),
                    load_procedures)
