"""The request path's database round trips (issue 15): a safe request reads without a
transaction bracket on PostgreSQL, its writes stay all-or-nothing, and a connection the
database dropped is replaced without the client seeing a 503 (no pool pre-ping)."""
from __future__ import annotations

import psycopg
import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import select, text

from models.database import make_engine, make_session_factory, reading_session
from models.reference import AdministrativeUnit as Unit
from tests.conftest import ON_POSTGRES

postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL's transaction bracket and backends")


def _status(session) -> TransactionStatus:
    return session.connection().connection.dbapi_connection.info.transaction_status


@pytest.fixture
def sessions(base_app):
    engine = make_engine(base_app.extensions["runtime"].settings.database_url)
    yield make_session_factory(engine)
    engine.dispose()


@postgres_only
def test_reads_of_a_safe_request_open_no_transaction(sessions):
    with reading_session(sessions) as session:
        assert session.scalar(select(Unit.code).where(Unit.code == "001")) == "001"
        assert _status(session) == TransactionStatus.IDLE  # no BEGIN was sent
        session.scalar(select(Unit.code).where(Unit.code == "001").with_for_update())
        assert _status(session) == TransactionStatus.INTRANS  # a lock needs a transaction
        session.rollback()


def test_writes_of_a_safe_request_are_still_all_or_nothing(sessions):
    with reading_session(sessions) as session:
        session.execute(text("UPDATE administrative_units SET name = 'renamed by a failed GET' WHERE code = '001'"))
        session.execute(text("UPDATE administrative_units SET name = 'renamed by a failed GET' WHERE code = '002'"))
        session.rollback()  # the request answered an error
    with sessions() as session:
        names = session.scalars(select(Unit.name).where(Unit.code.in_(["001", "002"]))).all()
    assert "renamed by a failed GET" not in names


@postgres_only
def test_a_dropped_connection_is_replaced_for_a_safe_request(make_app):
    app = make_app()
    client = app.test_client()
    assert client.get("/api/v1/units?at=2024-06-01").status_code == 200
    engine = app.extensions["runtime"].engine
    pooled = engine.raw_connection()  # the connection the next request will get
    pid = pooled.dbapi_connection.info.backend_pid
    pooled.close()
    with psycopg.connect(engine.url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    answer = client.get("/api/v1/units?at=2024-06-01")

    assert answer.status_code == 200, answer.get_json()
    engine.dispose()
