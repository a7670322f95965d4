"""CLI commands, all run as `flask --app wsgi ...`."""
from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from api.cli.click_language import speak_the_operators_language_in_click

    speak_the_operators_language_in_click()
    from api.cli import agency_transfer  # noqa: F401  (adds `agencies transfer` to its group)
    from api.cli import (ca, database, demo, documents, dossiers, health, identity, metrics, payments, push,
                         reference, signatures)

    for group in (database.db, demo.seed, reference.units, reference.registry, reference.agencies,
                  identity.staff, identity.accounts, identity.agency_keys, health.facilities,
                  health.health, signatures.signature, signatures.counters, dossiers.procedures,
                  push.notifications, metrics.metrics, documents.documents,
                  payments.payments, ca.ca):
        app.cli.add_command(group)
