"""Engine and session factory: the only place that knows how to reach the database."""
from __future__ import annotations

import re
from functools import lru_cache

from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

# SQLite: how long a writer waits for another writer's transaction to end before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_BEGIN = "sqlite_begin"  # execution option: how a transaction begins (DEFERRED or IMMEDIATE)
BEGIN_AT_FIRST_WRITE = "begin_at_first_write"  # execution option of a safe request's session
# A statement that reads and takes no lock: it runs outside a transaction on a safe request.
# Anything else (INSERT, UPDATE, SAVEPOINT, SELECT ... FOR UPDATE, a CTE) opens one first.
PLAIN_READ = re.compile(r"\s*SELECT\b(?!.*\bFOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE|KEY\s+SHARE)\b)",
                        re.IGNORECASE | re.DOTALL)


def make_engine(url: str, pool_size: int = 5) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                   "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _make_sqlite_transactional(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # No pool_pre_ping (a round trip per request): a connection dropped under a safe request
    # is retried once on a new one (api/database.py); otherwise the request answers 503.
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size)
    _begin_at_first_write(engine)
    return engine


def _begin_at_first_write(engine: Engine) -> None:
    """On a BEGIN_AT_FIRST_WRITE (autocommit) connection, reads run bare and the first other
    statement sends BEGIN: from there on it is an ordinary transaction, which the session's
    commit or rollback ends (psycopg commits whenever the server says a transaction is open)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(connection, cursor, statement, _parameters, _context, _executemany):
        if not connection.get_execution_options().get(BEGIN_AT_FIRST_WRITE):
            return
        dbapi_connection = cursor.connection
        if dbapi_connection.info.transaction_status == TransactionStatus.IDLE and not PLAIN_READ.match(statement):
            dbapi_connection.execute("BEGIN")


@lru_cache(maxsize=8)
def _reading_engine(engine: Engine) -> Engine:
    return engine.execution_options(isolation_level="AUTOCOMMIT", **{BEGIN_AT_FIRST_WRITE: True})


def reading_session(sessions: sessionmaker[Session]) -> Session:
    """A session for a safe request (GET, HEAD): on PostgreSQL its reads go without BEGIN and
    COMMIT (2 round trips saved); a write opens a transaction as usual. Sessions bound to
    anything but a PostgreSQL engine (SQLite, the tests' outer transaction) are unchanged."""
    bind = sessions.kw.get("bind")
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        return sessions(bind=_reading_engine(bind))
    return sessions()


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
