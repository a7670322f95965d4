"""`ca seal issue AGENCY_CODE` and `ca trust import FILE.pem`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.cli.group import CommandGroup
from api.cli.language import operator_text
from api.context import context_of
from api.runtime import runtime
from services.signatures import seals, trust

ca = CommandGroup("ca", help="The city certificate authority: agency seals and trust anchors.")
seal = CommandGroup("seal", help="Agency seal certificates.")
trust_group = CommandGroup("trust", help="Roots trusted besides the city's own.")
ca.add_command(seal)
ca.add_command(trust_group)


@seal.command("issue")
@click.argument("agency_code")
@with_appcontext
def issue_seal(agency_code: str) -> None:
    """An organisation certificate for AGENCY_CODE, its key sealed; prints the serial."""
    rt = runtime()
    with rt.sessions() as session, session.begin():
        issued = seals.issue_seal(context_of(rt, session), rt.authority, rt.vault, agency_code)
        click.echo(operator_text("cli.ca.seal_issued", serial=issued.serial, agency=agency_code,
                                 valid_to=issued.valid_to.isoformat()))


@trust_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_trust(path: str) -> None:
    """Add the CA certificates of a PEM file as trust anchors of the verifier."""
    rt = runtime()
    with open(path, "rb") as handle:
        pem = handle.read()
    with rt.sessions() as session, session.begin():
        for anchor in trust.import_anchors(context_of(rt, session), pem):
            click.echo(operator_text("cli.ca.anchor_trusted", subject=anchor.subject,
                                     fingerprint=anchor.fingerprint))
