"""`ca seal issue AGENCY_CODE` and `ca trust import FILE.pem`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.cli.group import CommandGroup
from api.cli.language import operator_text
from api.context import context_of
from api.runtime import runtime
from services.signatures import seals, trust

ca = CommandGroup("ca", help=operator_text("cli.help.ca"))
seal = CommandGroup("seal", help=operator_text("cli.help.ca.seal"))
trust_group = CommandGroup("trust", help=operator_text("cli.help.ca.trust"))
ca.add_command(seal)
ca.add_command(trust_group)


@seal.command("issue", help=operator_text("cli.help.ca.seal.issue"))
@click.argument("agency_code")
@with_appcontext
def issue_seal(agency_code: str) -> None:
    rt = runtime()
    with rt.sessions() as session, session.begin():
        issued = seals.issue_seal(context_of(rt, session), rt.authority, rt.vault, agency_code)
        click.echo(operator_text("cli.ca.seal_issued", serial=issued.serial, agency=agency_code,
                                 valid_to=issued.valid_to.isoformat()))


@trust_group.command("import", help=operator_text("cli.help.ca.trust.import"))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_trust(path: str) -> None:
    rt = runtime()
    with open(path, "rb") as handle:
        pem = handle.read()
    with rt.sessions() as session, session.begin():
        for anchor in trust.import_anchors(context_of(rt, session), pem):
            click.echo(operator_text("cli.ca.anchor_trusted", subject=anchor.subject,
                                     fingerprint=anchor.fingerprint))
