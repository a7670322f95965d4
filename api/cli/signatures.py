"""`signature providers import` and `counters import`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.cli.file_imports import run_file_import
from api.cli.group import CommandGroup

signature = CommandGroup("signature", help="Free digital signatures.")
providers = CommandGroup("providers", help="Certificate-authority providers of the programme.")
signature.add_command(providers)
counters = CommandGroup("counters", help="One-stop counters that check identity in person.")


@providers.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_providers(path: str) -> None:
    """CSV code,name."""
    run_file_import(path, "providers")


@counters.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_counters(path: str) -> None:
    """CSV code,name,agency_code,district_code."""
    run_file_import(path, "counters")
