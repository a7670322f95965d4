"""`documents purge [--dry-run]`: the retention period of dossier documents, and stray objects."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from api.cli.group import CommandGroup
from api.cli.language import operator_text
from api.context import context_of
from api.runtime import runtime
from services.dossiers import retention

documents = CommandGroup("documents", help=operator_text("cli.help.documents"))


@documents.command("purge", help=operator_text("cli.help.documents.purge"))
@click.option("--dry-run", is_flag=True, help=operator_text("cli.help.documents.purge.dry_run"))
@with_appcontext
def purge(dry_run: bool) -> None:
    rt = runtime()
    with rt.sessions() as session:
        with session.begin():
            ctx = context_of(rt, session)
            plan = retention.plan_purge(ctx, rt.documents)
            click.echo(operator_text("cli.documents.purge_planned", documents=len(plan.document_ids),
                                     objects=len(plan.objects)))
            if dry_run:
                click.echo(operator_text("cli.documents.dry_run"))
                return
            bar = click.progressbar(length=plan.steps, label=operator_text("cli.documents.purging"), file=sys.stderr)
            retention.purge_rows(ctx, plan, lambda: bar.update(1))
        # the rows are committed: no object a row names is ever deleted
        with bar:
            retention.purge_objects(rt.documents, plan, lambda: bar.update(1))
    click.echo(operator_text("cli.documents.purged", documents=len(plan.document_ids),
                             objects=len(plan.objects)))
