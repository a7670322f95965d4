"""With the in-process store (no REDIS_URL) the serving process folds its own usage counters."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from api import create_app
from migrations.runner import upgrade
from models.metrics import UsageDaily
from services.metrics.periods import local_today
from services.demo.reference import seed_reference_data
from tests.support import PeopleFactory


@pytest.fixture
def served_alone(tmp_path, monkeypatch):
    """An app as `make run` builds it (development, in-process store) on its own database."""
    url = f"sqlite:///{tmp_path}/ihanoi.sqlite3"
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    # not "city-ca": a unit test finds the suite's CA by that folder name under the tmp root
    monkeypatch.setenv("SIGNATURE_CA_DIR", str(tmp_path / "served-ca"))
    upgrade(url)
    app = create_app({"APP_ENV": "development", "DATABASE_URL": url, "REDIS_URL": None,
                      "PASSWORD_HASH_PROFILE": "fast", "LOG_LEVEL": "WARNING",
                      "METRICS_ROLLUP_INTERVAL_SECONDS": 1, "EID_DEV_PROVIDER_PORT": 0})
    try:
        yield app
    finally:
        app.extensions["metrics_rollup"].stop()
        app.extensions["runtime"].engine.dispose()


def _folded(app) -> dict[str, int]:
    with app.extensions["runtime"].sessions() as session:
        rows = session.scalars(select(UsageDaily).where(UsageDaily.day == local_today())).all()
        return {row.feature: row.requests for row in rows}


def test_the_serving_process_folds_its_counters_every_interval(served_alone):
    app = served_alone
    with app.extensions["runtime"].sessions() as session:
        seed_reference_data(session)
        session.commit()
        citizen = PeopleFactory(app, session).citizen()
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/me", headers=citizen.headers).status_code == 200
    deadline = time.monotonic() + 10
    while _folded(app).get("identity") != 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _folded(app) == {"identity": 3}  # no `flask metrics rollup` ran


def test_test_suites_and_redis_deployments_do_not_fold_in_the_app(base_app):
    assert "metrics_rollup" not in base_app.extensions


def test_the_rollup_command_says_when_it_cannot_see_the_servers_counters(app, runner):
    result = runner.invoke(args=["metrics", "rollup"])
    assert result.exit_code == 0, result.output
    warned = "không thấy bộ đếm của máy chủ" in result.output
    assert warned == (not app.extensions["runtime"].settings.redis_url)
