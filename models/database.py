"""Engine and session factory: the only place that knows how to reach the database."""
from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

# SQLite: how long a writer waits for another writer's transaction to end before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_BEGIN = "sqlite_begin"  # execution option: how a transaction begins (DEFERRED or IMMEDIATE)


def make_engine(url: str, pool_size: int = 5) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                   "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _make_sqlite_transactional(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size)


def _make_sqlite_transactional(engine: Engine) -> None:
    """pysqlite's own transaction handling breaks SAVEPOINT; take it over (SQLAlchemy recipe).

    A session's transaction begins IMMEDIATE (see make_session_factory): it takes the write
    lock up front, so a second writer waits (busy timeout) and then reads the first one's
    result, as a row lock makes it on PostgreSQL. A deferred BEGIN that reads and then writes
    fails at once with "database is locked" when another writer got in between (SQLite cannot
    wait for a stale snapshot). Plain connections (the readiness probe) begin DEFERRED and,
    with WAL, read beside a writer without waiting."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - driver hook
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # pragma: no cover - driver hook
        connection.exec_driver_sql(f"BEGIN {connection.get_execution_options().get(SQLITE_BEGIN, 'DEFERRED')}")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    if engine.dialect.name == "sqlite":  # sessions write: one writer at a time, the next one waits
        engine = engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
    return sessionmaker(bind=engine, expire_on_commit=False)
