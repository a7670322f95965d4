"""Alembic environment: the URL comes from the caller or DATABASE_URL, never a file."""
from __future__ import annotations

import os

from alembic import context

import models  # noqa: F401  (registers every table)
from models.base import Base
from models.database import make_engine
from models.types import UTCDateTime

config = context.config


def _database_url() -> str:
    url = config.attributes.get("database_url") or os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("set DATABASE_URL to the database to migrate")
    return url


def _render_item(type_, obj, autogen_context):
    """Write our portable column types as plain SQLAlchemy types in migrations."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    engine = make_engine(_database_url())
    with engine.connect() as connection:
        _sqlite_keys_checked_at_end(connection)
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_item=_render_item, render_as_batch=True, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
            _check_sqlite_keys(connection)
    engine.dispose()


def _sqlite_keys_checked_at_end(connection) -> None:
    """SQLite rebuilds a table to change it (batch mode); a rebuilt table that others refer to
    would trip their foreign keys mid-way, so keys are checked once, after the migrations."""
    if connection.dialect.name == "sqlite":
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")


def _check_sqlite_keys(connection) -> None:
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"the migration left rows whose foreign key points nowhere: {broken[:5]}")


run_migrations_online()
