"""A private stack per fault test: PostgreSQL, Redis, gunicorn (2 workers) and the people and
rows the traffic needs. Everything is stopped and removed afterwards, even on failure.

Fault tests take a minute and start servers, so a plain `pytest` skips them; `make faults`
(pytest -m faults) runs them.
"""
from __future__ import annotations

import shutil
import tempfile
from contextlib import ExitStack
from typing import Any

import pytest

from api import create_app
from migrations.runner import upgrade
from tests.faults.stack import Stack, arrange
from tests.faults_support import Gunicorn, PrivatePostgres, PrivateRedis, missing_servers


def pytest_collection_modifyitems(config, items):
    expression = config.getoption("markexpr") or ""
    if "faults" in expression and "not faults" not in expression:
        return
    skip = pytest.mark.skip(reason="fault tests start their own servers: run them with `make faults` (pytest -m faults)")
    for item in items:
        if "faults" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def stack(monkeypatch, request) -> Any:
    reason = missing_servers()
    if reason:
        pytest.skip(f"fault tests need their own servers: {reason}")
    signature_requests = getattr(request, "param", 0)
    with ExitStack() as cleanup:
        postgres = PrivatePostgres()
        cleanup.callback(postgres.destroy)
        postgres.init()
        redis_server = PrivateRedis()
        cleanup.callback(redis_server.destroy)
        redis_server.start()
        instance = tempfile.mkdtemp(prefix="ihanoi-faults-instance-")
        cleanup.callback(shutil.rmtree, instance, True)
        env = {"DATABASE_URL": postgres.url, "REDIS_URL": redis_server.url, "INSTANCE_PATH": instance,
               "APP_ENV": "development", "PASSWORD_HASH_PROFILE": "fast", "LOG_LEVEL": "WARNING",
               "EID_DEV_PROVIDER_PORT": "0",  # the development e-ID provider on a free port
               "AUTH_RATE_LIMIT": "100000 per minute", "PUSH_SENDER": "log"}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        upgrade(postgres.url)
        app = create_app({"DATABASE_URL": postgres.url, "REDIS_URL": redis_server.url})
        engine = app.extensions["runtime"].engine
        cleanup.callback(engine.dispose)
        world = arrange(app, signature_requests)
        server = Gunicorn(env, workers=2)
        cleanup.callback(server.destroy)
        try:
            yield Stack(postgres, redis_server, server, engine, world)
        finally:
            log = server.log()
            crash = max(log.find("unexpected error"), log.find("Traceback"))
            print("---- gunicorn log ----\n" + (log[max(0, crash - 500):crash + 30000] if crash >= 0 else log[-3000:]))
