"""`seed demo`: the demo data of `make run` (safe to run again: nothing is added twice)."""
from __future__ import annotations

from collections.abc import Callable

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from api.cli.group import CommandGroup
from api.cli.language import operator_text
from api.context import context_of
from api.runtime import Runtime, runtime
from services.demo import dossiers as demo_dossiers
from services.demo import health as demo_health
from services.demo import people, usage
from services.demo.population import generate_residents, settle_in_hanoi
from services.demo.reference import DATA, seed_reference_data
from services.metrics import year_counts
from services.metrics.periods import local_today
from services.reference import residents, units
from services.reference.unit_sync import sync_hanoi

DEMO_RESIDENTS = 300

seed = CommandGroup("seed", help=operator_text("cli.help.seed"))


def seed_reference(session: Session, rt: Runtime) -> None:
    """The 2024 districts and agencies, Hanoi's unit timeline and crosswalk, and residents with
    pre-2025 addresses converted to the 126 units of 2025."""
    seed_reference_data(session)
    sync_hanoi(context_of(rt, session))
    codes = units.unit_codes(session)
    residents.load_residents(session, list(settle_in_hanoi(generate_residents(DEMO_RESIDENTS, sorted(codes)))))


def seed_people(session: Session, rt: Runtime) -> None:
    people.seed_people(context_of(rt, session), rt.passwords)


def seed_health(session: Session, rt: Runtime) -> None:
    demo_health.seed_health(context_of(rt, session), rt.passwords)


def seed_signatures(session: Session, rt: Runtime) -> None:
    from services.signatures import demo as signature_demo

    signature_demo.seed(context_of(rt, session), rt.passwords, rt.authority, rt.vault, DATA)


def seed_dossiers(session: Session, rt: Runtime) -> None:
    demo_dossiers.seed_dossiers(context_of(rt, session))


def seed_metrics(session: Session, rt: Runtime) -> None:
    usage.seed_usage(session, rt.id_hasher, sorted(units.unit_codes(session)), rt.authority)
    # the demo writes into years that have ended, whose counts an earlier answer may have kept
    year_counts.bump_after_commit(session, rt.kv, range(DEMO_FIRST_YEAR, local_today().year + 1))


DEMO_FIRST_YEAR = 2020  # before any demo record, visit or dossier

# Each capability adds its step here; steps run in order, in one transaction.
SEED_STEPS: list[Callable[[Session, Runtime], None]] = [
    seed_reference, seed_people, seed_health, seed_signatures, seed_dossiers, seed_metrics]


@seed.command("demo")
@with_appcontext
def seed_demo() -> None:
    rt = runtime()
    if rt.settings.production:  # demo staff have published passwords
        raise click.ClickException(operator_text("cli.seed.refused_in_production"))
    with rt.sessions() as session, session.begin():
        for step in SEED_STEPS:
            step(session, rt)
    click.echo(operator_text("cli.seed.demo_loaded"))
