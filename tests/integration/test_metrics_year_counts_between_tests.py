"""A test's kept yearly counts go with its rolled-back rows: a later app on the same Redis answers
from the database. (On PostgreSQL the suite shares one real Redis between the apps it builds;
the dashboard browser test's served app once published only 2 cells, both counted over the
rows of the test before it.)"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy.orm import sessionmaker

from tests.conftest import join_outer_transaction
from tests.metrics_support import seed_people, utc
from tests.support import PeopleFactory


@contextmanager
def _served(app) -> Iterator:
    """`app` as the browser test serves it: Redis as the tests before left it, its rows (here
    in a transaction rolled back at the end, then Redis emptied) seen by every request."""
    runtime = app.extensions["runtime"]
    with runtime.engine.connect() as connection:
        outer = connection.begin()
        original = runtime.sessions
        runtime.sessions = sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                                        expire_on_commit=False)
        try:
            yield app
        finally:
            runtime.sessions = original
            outer.rollback()
            runtime.kv.flushdb()


def _eid_2024(app, district_sizes: dict[str, int]) -> dict[str, tuple]:
    """People with e-ID accounts opened in 2024, then the 2024 e-ID cells an analyst is answered."""
    with app.extensions["runtime"].sessions() as session:
        seed_people(session, [{"district_code": code, "born": date(1980, 1, 1), "created_at": utc(2024, 3, 1)}
                              for code, size in district_sizes.items() for _ in range(size)])
        analyst = PeopleFactory(app, session).staff("analyst")
    client = app.test_client()
    items = [item for level in ("city", "district") for item in client.get(
        f"/api/v1/metrics/indicators?period=2024&level={level}", headers=analyst.headers).json["items"]
        if item["code"] == "eid_verified_share"]
    return {item["unit_code"]: (item["numerator"], item["denominator"]) for item in items if not item["suppressed"]}


def test_a_later_app_on_the_same_redis_answers_its_own_rows_not_the_rolled_back_ones(base_app, make_app):
    # (of two districts with people, the smaller is hidden: the city minus the other would give it)
    earlier = join_outer_transaction(base_app)
    assert _eid_2024(next(earlier), {"001": 30, "002": 20}) == {"01": (50, 50), "001": (30, 30)}
    earlier.close()  # the test ends: its rows are rolled back

    with _served(make_app()) as later:
        assert _eid_2024(later, {"003": 40, "005": 60}) == {"01": (100, 100), "005": (60, 60)}
