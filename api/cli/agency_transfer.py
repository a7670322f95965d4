"""`agencies transfer --at DAY`: hand the open dossiers of agencies that ended to their successors."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.cli.language import operator_text
from api.cli.reference import agencies
from api.context import context_of
from api.runtime import runtime
from services.dossiers.agency_transfer import transfer_open_dossiers


@agencies.command("transfer", help=operator_text("cli.help.agencies.transfer"))
@click.option("--at", "at", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help=operator_text("cli.help.agencies.transfer.at"))
@with_appcontext
def transfer(at) -> None:
    rt = runtime()
    with rt.sessions() as session, session.begin():
        moved = transfer_open_dossiers(context_of(rt, session), at.date())
    for (ended, successor), count in sorted(moved.items()):
        click.echo(f"{ended} -> {successor}: {count}")
    click.echo(operator_text("cli.agencies.transfer_moved", dossiers=sum(moved.values()),
                             agencies=len({ended for ended, _ in moved})))
