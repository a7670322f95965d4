"""`payments reconcile --date D`: the gateway's statement of a day against what was recorded."""
from __future__ import annotations

from datetime import datetime

import click
from flask.cli import with_appcontext

from api.cli.group import CommandGroup
from api.cli.language import operator_text
from api.context import context_of
from api.runtime import runtime
from services.dossiers import payments as payment_rules

payments = CommandGroup("payments", help=operator_text("cli.help.payments"))


@payments.command("reconcile", help=operator_text("cli.help.payments.reconcile"))
@click.option("--date", "day", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help=operator_text("cli.help.payments.reconcile.date"))
@with_appcontext
def reconcile(day: datetime) -> None:
    rt = runtime()
    with rt.sessions() as session, session.begin():
        differences = payment_rules.reconcile(context_of(rt, session), rt.payments, day.date())
    for gap in differences:
        click.echo(operator_text("cli.payments.difference", gap=gap.gap, reference=gap.gateway_ref,
                                 recorded=gap.recorded_vnd, statement=gap.statement_vnd))
    if differences:
        raise click.exceptions.Exit(1)
    click.echo(operator_text("cli.payments.no_differences", day=day.date().isoformat()))
