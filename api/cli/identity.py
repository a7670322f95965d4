"""`staff create`, `accounts lock`, `agency-keys create|list|revoke`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.cli.group import CommandGroup
from api.cli.language import operator_text
from api.context import context_of
from api.runtime import runtime
from services.identity import accounts as account_rules
from services.identity.agency_keys import create_agency_key, list_keys, revoke_key

staff = CommandGroup("staff", help=operator_text("cli.help.staff"))
accounts = CommandGroup("accounts", help=operator_text("cli.help.accounts"))
agency_keys = CommandGroup("agency-keys", help=operator_text("cli.help.agency_keys"))


@staff.command("create")
@click.option("--role", required=True, type=click.Choice(account_rules.STAFF_ROLES))
@click.option("--national-id", required=True)
@click.option("--full-name", required=True)
@click.option("--password", required=True)
@click.option("--agency-code")
@click.option("--facility-code")
@with_appcontext
def create_staff(role, national_id, full_name, password, agency_code, facility_code) -> None:
    rt = runtime()
    with rt.sessions() as session, session.begin():
        account = account_rules.create_staff(
            context_of(rt, session), rt.passwords, role=role, national_id=national_id,
            full_name=full_name, password=password, agency_code=agency_code,
            facility_code=facility_code)
        click.echo(operator_text("cli.staff.created", role=role, account=account.id))


@accounts.command("lock", help=operator_text("cli.help.accounts.lock"))
@click.argument("national_id")
@with_appcontext
def lock(national_id: str) -> None:
    rt = runtime()
    with rt.sessions() as session, session.begin():
        ended = account_rules.lock_account(context_of(rt, session), rt.sign_in, national_id)
    click.echo(operator_text("cli.accounts.locked", sessions=ended))


@agency_keys.command("create", help=operator_text("cli.help.agency_keys.create"))
@click.argument("agency_code")
@with_appcontext
def create_key(agency_code: str) -> None:
    with runtime().sessions() as session, session.begin():
        key = create_agency_key(session, agency_code)
    click.echo(key)


@agency_keys.command("list", help=operator_text("cli.help.agency_keys.list"))
@click.option("--agency-code", help=operator_text("cli.help.agency_keys.list.agency_code"))
@with_appcontext
def list_agency_keys(agency_code: str | None) -> None:
    rt = runtime()
    with rt.sessions() as session:
        for key in list_keys(context_of(rt, session), agency_code):
            click.echo("\t".join((f"ak_{key.prefix}", key.agency_code, key.created_at.isoformat(),
                                   key.expires_at.isoformat(), key.status)))


@agency_keys.command("revoke", help=operator_text("cli.help.agency_keys.revoke"))
@click.argument("prefix")
@with_appcontext
def revoke_agency_key(prefix: str) -> None:
    rt = runtime()
    with rt.sessions() as session, session.begin():
        key = revoke_key(context_of(rt, session), prefix)
    click.echo(operator_text("cli.agency_keys.revoked", prefix=key.prefix, agency=key.agency_code))
