"""`seed demo` gives the dashboard something to show, and a second run adds nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from models.identity import Account
from models.metrics import UsageDaily, UsageMonthlyActive
from services.demo.people import ANALYST


def _counts(session):
    return [session.scalar(select(func.count()).select_from(model))
            for model in (Account, UsageDaily, UsageMonthlyActive)]


def test_demo_usage_is_idempotent_and_fills_the_2024_indicators(runner, client, db_session):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    first = _counts(db_session)
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert _counts(db_session) == first and first[1] > 0

    token = client.post("/api/v1/auth/token", json={"national_id": ANALYST.national_id,
                                                    "password": ANALYST.password}).json["access_token"]
    items = client.get("/api/v1/metrics/indicators?period=2024&level=district",
                       headers={"Authorization": f"Bearer {token}"}).json["items"]
    published = [i for i in items if not i["suppressed"]]
    assert {i["code"] for i in published} >= {"eid_verified_share", "mau_share"}
    assert len(published) > len(items) // 2
