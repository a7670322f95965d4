"""CLI commands, all run as `flask --app wsgi ...`."""
from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from api.cli import ca, database, demo, dossiers, health, identity, metrics, push, reference, signatures

    for group in (database.db, demo.seed, reference.units, reference.registry, reference.agencies,
                  identity.staff, identity.accounts, identity.agency_keys, health.facilities,
                  health.health, signatures.signature, signatures.counters, dossiers.procedures,
                  push.notifications, metrics.metrics, ca.ca):
        app.cli.add_command(group)
