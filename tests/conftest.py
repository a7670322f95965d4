"""Shared fixtures (flaskr style: app, client, runner) over one migrated database.

The suite runs on the embedded default (SQLite file + fakeredis) or, when
TEST_DATABASE_URL and TEST_REDIS_URL are set, on PostgreSQL and Redis. The schema is
created once by the Alembic migrations; each test runs inside an outer transaction that
is rolled back afterwards (SQLAlchemy's "join a session into an external transaction").
"""
from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from api import create_app
from api.cli.language import LOCALE_VARIABLES
from migrations.runner import upgrade
from services.clock import clock
from models.database import make_engine
from services.demo.reference import seed_reference_data
from tests.databases import scratch_database

# Under `pytest -n N` (pytest-xdist) each worker ("gw0", "gw1", ...) has its own PostgreSQL
# database beside TEST_DATABASE_URL's and its own Redis db below TEST_REDIS_URL's.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
WORKER_INDEX = int(WORKER.removeprefix("gw")) if WORKER else 0
ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


def _worker_redis(url: str | None) -> str | None:
    if not url or not WORKER_INDEX:
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{(base - WORKER_INDEX) % 16}").geturl()


TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = _worker_redis(os.environ.get("TEST_REDIS_URL"))

# Capability fixtures (catalogue, catalogues, facilities, clinic_doctor, ...) live beside their helpers.
pytest_plugins = ["tests.dossiers_support", "tests.eid_support", "tests.health_support", "tests.signatures_support"]


def _emptied(url: str) -> str:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    if not TEST_DATABASE_URL:
        url = f"sqlite:///{tmp_path_factory.mktemp('db')}/test.sqlite3"
        upgrade(url)
        yield url
    elif WORKER:
        with scratch_database(TEST_DATABASE_URL, WORKER) as url:
            upgrade(url)
            yield url
    else:
        url = _emptied(TEST_DATABASE_URL)
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def make_app(database_url, tmp_path_factory):
    """Build an app on the test database; keyword overrides change its config."""
    instance = str(tmp_path_factory.mktemp("instance"))

    def build(**overrides: Any):
        os.environ["INSTANCE_PATH"] = instance
        config = {"APP_ENV": "testing", "TESTING": True, "DATABASE_URL": database_url,
                  "REDIS_URL": TEST_REDIS_URL, "PASSWORD_HASH_PROFILE": "fast",
                  "AUTH_RATE_LIMIT": "100000 per minute", "SIGNATURE_VERIFY_RATE_LIMIT": "100000 per minute",
                  "LOG_LEVEL": "WARNING",
                  # as production: certificates name the CRL and the OCSP responder (the verifier
                  # asks both in process; nothing fetches these addresses)
                  "SIGNATURE_CRL_URL": "http://127.0.0.1:9/api/v1/ca/crl",
                  "SIGNATURE_OCSP_URL": "http://127.0.0.1:9/api/v1/ca/ocsp"}
        config.update(overrides)
        return create_app(config)

    return build


@pytest.fixture(scope="session")
def base_app(make_app):
    app = make_app()
    runtime = app.extensions["runtime"]
    with runtime.sessions() as session, session.begin():
        seed_reference_data(session)
    return app


def join_outer_transaction(app) -> Iterator[Any]:
    """Bind the app's sessions to one connection whose transaction is rolled back at the end.

    Redis is emptied before and after: what the test kept there (the metrics' yearly counts,
    services/metrics/year_counts.py) was counted over rows that the rollback removes, and a
    later app on the same Redis (a served app, `make_app()`) would answer from it. (The
    embedded default gives each app its own in-process store; a real Redis is shared.)"""
    runtime = app.extensions["runtime"]
    connection = runtime.engine.connect()
    outer = connection.begin()
    original = runtime.sessions
    runtime.sessions = sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                                    expire_on_commit=False)
    runtime.kv.flushdb()
    try:
        yield app
    finally:
        runtime.sessions = original
        outer.rollback()
        connection.close()
        runtime.kv.flushdb()


@pytest.fixture(autouse=True)
def wall_clock():
    """Every test starts on the wall clock, whatever the one before froze or moved."""
    clock.thaw()
    yield clock
    clock.thaw()


@pytest.fixture
def app(base_app):
    yield from join_outer_transaction(base_app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def production_with_sms(make_app):
    """(app, gateway): an app configured for production, in the test's transaction, whose texts
    go over HTTP to a local SMS gateway counterpart (devservers/sms_gateway.py)."""
    from devservers.sms_gateway import SmsGateway

    gateway = SmsGateway(username="ihanoi", password="s3cret").start()
    try:
        production = make_app(APP_ENV="production", SMS_SENDER="http", SMS_GATEWAY_URL=gateway.url,
                              SMS_GATEWAY_USERNAME="ihanoi", SMS_GATEWAY_PASSWORD="s3cret")
        for app in join_outer_transaction(production):
            yield app, gateway
    finally:
        gateway.stop()


@pytest.fixture
def runner(app):
    """The CLI as an operator whose terminal sets no locale: it speaks Vietnamese, whatever the
    machine running the tests has (a test passes `env={"LANG": "en_US.UTF-8"}` for English)."""
    return app.test_cli_runner(env={name: None for name in LOCALE_VARIABLES})


@pytest.fixture
def db_session(app) -> Iterator[Session]:
    """A session in the test's transaction, for arranging and checking rows directly."""
    with app.extensions["runtime"].sessions() as session:
        yield session
        session.commit()


@pytest.fixture
def people(app, db_session):
    """Factory of registered people with signed-in tokens: people.citizen(), people.staff('officer')."""
    from tests.support import PeopleFactory

    return PeopleFactory(app, db_session)


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set TEST_DATABASE_URL)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def new_id() -> str:
    return uuid.uuid4().hex
