"""`agencies transfer --at DAY`: hand the open dossiers of agencies that ended to their successors."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.cli.language import operator_text
from api.cli.reference import agencies
from api.context import context_of
from api.runtime import runtime
from services.dossiers.agency_transfer import transfer_open_dossiers


@agencies.command("transfer")
@click.option("--at", "at", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The first day the successors work (e.g. 2025-07-01).")
@with_appcontext
def transfer(at) -> None:
    """Move dossiers still open at an agency that ended before --at to its successor, all or none."""
    rt = runtime()
    with rt.sessions() as session, session.begin():
        moved = transfer_open_dossiers(context_of(rt, session), at.date())
    for (ended, successor), count in sorted(moved.items()):
        click.echo(f"{ended} -> {successor}: {count}")
    click.echo(operator_text("cli.agencies.transfer_moved", dossiers=sum(moved.values()),
                             agencies=len({ended for ended, _ in moved})))
