"""`procedures import FILE`: the procedure catalogue from a JSON list."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.cli.file_imports import run_file_import
from api.cli.group import CommandGroup
from api.cli.language import operator_text

procedures = CommandGroup("procedures", help=operator_text("cli.help.procedures"))


@procedures.command("import", help=operator_text("cli.help.procedures.import"))
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_procedures(path: str) -> None:
    run_file_import(path, "procedures")
