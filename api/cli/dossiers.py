"""`procedures import FILE`: the procedure catalogue from a JSON list."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.cli.file_imports import run_file_import
from api.cli.group import CommandGroup

procedures = CommandGroup("procedures", help="The administrative procedure catalogue.")


@procedures.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_procedures(path: str) -> None:
    """JSON list of {code, name, agency_code, online_level, processing_days, fee, online_fee_vnd?, form_schema}."""
    run_file_import(path, "procedures")
