"""`signature providers import` and `counters import`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.cli.file_imports import run_file_import
from api.cli.group import CommandGroup
from api.cli.language import operator_text

signature = CommandGroup("signature", help=operator_text("cli.help.signature"))
providers = CommandGroup("providers", help=operator_text("cli.help.signature.providers"))
signature.add_command(providers)
counters = CommandGroup("counters", help=operator_text("cli.help.counters"))


@providers.command("import", help=operator_text("cli.help.signature.providers.import"))
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_providers(path: str) -> None:
    run_file_import(path, "providers")


@counters.command("import", help=operator_text("cli.help.counters.import"))
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_counters(path: str) -> None:
    run_file_import(path, "counters")
