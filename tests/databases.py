"""Scratch PostgreSQL databases beside the test database: one per xdist worker, one for the
generated requests. Each is created empty and dropped (connections closed by force) at the end."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import make_url, text

from models.database import make_engine


@contextmanager
def scratch_database(server_url: str, suffix: str) -> Iterator[str]:
    """An empty database named after `server_url`'s plus `_suffix`, on the same server."""
    server = make_url(server_url)
    name = f"{server.database}_{suffix}"
    admin = make_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    drop()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        drop()
        admin.dispose()


@contextmanager
def migrated_database(test_database_url: str | None, directory: str, name: str) -> Iterator[str]:
    """A migrated database no test transaction wraps (requests take the app's real session
    path): a SQLite file in `directory`, or a scratch database beside `test_database_url`'s."""
    from migrations.runner import upgrade

    if not test_database_url or test_database_url.startswith("sqlite"):
        url = f"sqlite:///{directory}/{name}.sqlite3"
        upgrade(url)
        yield url
        return
    with scratch_database(test_database_url, name) as url:
        upgrade(url)
        yield url
