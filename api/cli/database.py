"""`db upgrade`: apply the migrations."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.cli.group import CommandGroup
from api.cli.language import operator_text
from api.runtime import runtime
from migrations.runner import upgrade

db = CommandGroup("db", help=operator_text("cli.help.db"))


@db.command("upgrade", help=operator_text("cli.help.db.upgrade"))
@with_appcontext
def upgrade_command() -> None:
    upgrade(runtime().settings.database_url)
    click.echo(operator_text("cli.db.upgraded"))
