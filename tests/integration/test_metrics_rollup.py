"""Counting in Redis and folding into the tables: exact, idempotent, bounded, restart-safe."""
from __future__ import annotations

import uuid
from calendar import monthrange
from datetime import date, datetime, time, timedelta, timezone

import redis
from sqlalchemy import select

from models.metrics import UsageDaily, UsageMonthlyActive
from services.clock import clock
from services.metrics import usage
from services.metrics.periods import LOCAL_TZ, local_day
from services.metrics.rollup import roll_up
from services.metrics.units import CITY_CODE
from services.metrics.usage import UsageCounter

NOON = datetime(2024, 11, 5, 5, tzinfo=timezone.utc)        # 12:00 in Hanoi, 5 November
LATE = datetime(2024, 11, 5, 17, 30, tzinfo=timezone.utc)   # 00:30 in Hanoi, 6 November
TODAY = date(2024, 11, 6)
# Redis expires keys by the real clock: counters of 2024 need a long retention to live.
KEEP = 5000


def _daily(session):
    return {(r.day, r.unit_code, r.feature): (r.requests, r.active_users)
            for r in session.scalars(select(UsageDaily))}


def _monthly(session):
    return {(r.unit_code, r.feature): r.active_users for r in session.scalars(
        select(UsageMonthlyActive).where(UsageMonthlyActive.month == date(2024, 11, 1)))}


def test_counts_fold_into_days_and_months_and_a_second_rollup_changes_nothing(app, db_session):
    kv = app.extensions["runtime"].kv
    counter = UsageCounter(kv, retention_days=KEEP)
    alice, bob, carol = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for _ in range(3):
        counter.count(alice, "001", "identity", NOON)
    counter.count(bob, "001", "identity", NOON)
    counter.count(bob, "001", "dossier", NOON)
    counter.count(alice, "001", "identity", LATE)      # the next day in Hanoi
    counter.count(carol, "002", "notification", LATE)
    counter.count(alice, None, "health", LATE)         # a token without a district

    roll_up(db_session, kv, TODAY, 3)
    first = _daily(db_session)
    assert first == {
        (date(2024, 11, 5), "001", "identity"): (4, 2),
        (date(2024, 11, 5), "001", "dossier"): (1, 1),
        (date(2024, 11, 6), "001", "identity"): (1, 1),
        (date(2024, 11, 6), "002", "notification"): (1, 1),
        (date(2024, 11, 6), usage.UNKNOWN_UNIT, "health"): (1, 1),
    }
    monthly = _monthly(db_session)
    assert monthly[("001", "any")] == 2 and monthly[("001", "identity")] == 2 and monthly[("002", "any")] == 1
    # Alice used the app in 001 and without a district: the city counts people, not cells.
    assert monthly[(CITY_CODE, "any")] == 3 and monthly[(CITY_CODE, "identity")] == 2

    roll_up(db_session, kv, TODAY, 3)
    assert _daily(db_session) == first and _monthly(db_session) == monthly

    counter.count(carol, "002", "notification", LATE)
    roll_up(db_session, kv, TODAY, 3)
    assert _daily(db_session)[(date(2024, 11, 6), "002", "notification")] == (2, 1)


def test_keys_expire_after_the_retention_even_without_a_rollup(app):
    kv = app.extensions["runtime"].kv
    now = clock.now()
    UsageCounter(kv, retention_days=2).count(uuid.uuid4(), "001", "identity", now)
    day = local_day(now)
    next_midnight = datetime.combine(day + timedelta(days=1), time.min, LOCAL_TZ)
    month_days = monthrange(day.year, day.month)[1]
    month_end = datetime.combine(day.replace(day=month_days) + timedelta(days=1), time.min, LOCAL_TZ)
    day_expiry = int((next_midnight + timedelta(days=2)).timestamp())
    assert kv.expiretime(usage.requests_key(day, "001", "identity")) == day_expiry
    assert kv.expiretime(usage.daily_users_key(day, "001", "identity")) == day_expiry
    assert kv.expiretime(usage.day_index_key(day)) == day_expiry
    assert kv.expiretime(usage.monthly_users_key(day, "001", "any")) == int(
        (month_end + timedelta(days=2)).timestamp())


def test_a_redis_restart_loses_only_what_was_not_yet_rolled_up(app, db_session):
    kv = app.extensions["runtime"].kv
    counter = UsageCounter(kv, retention_days=KEEP)
    people = [uuid.uuid4() for _ in range(4)]
    for person in people[:3]:
        counter.count(person, "001", "identity", NOON)
    roll_up(db_session, kv, TODAY, 3)                        # 3 requests, 3 users folded
    counter.count(people[0], "001", "identity", NOON)        # counted, never folded...
    kv.flushdb()                                             # ...Redis restarts without data
    counter.count(people[3], "001", "identity", NOON)
    counter.count(people[3], "001", "identity", NOON)
    roll_up(db_session, kv, TODAY, 3)
    assert _daily(db_session)[(date(2024, 11, 5), "001", "identity")] == (5, 4)
    roll_up(db_session, kv, TODAY, 3)                        # and still idempotent afterwards
    assert _daily(db_session)[(date(2024, 11, 5), "001", "identity")] == (5, 4)
    assert _monthly(db_session)[("001", "any")] == 4


class _DownPipeline:
    def __getattr__(self, _name):
        def fail(*_args, **_kwargs):
            raise redis.ConnectionError("connection refused")
        return fail


def test_counting_never_raises_when_redis_is_down(app, monkeypatch, caplog):
    kv = app.extensions["runtime"].kv
    monkeypatch.setattr(kv, "pipeline", lambda **_kw: _DownPipeline())
    counter = UsageCounter(kv)
    counter.count(uuid.uuid4(), "001", "identity", NOON)
    counter.count(uuid.uuid4(), "001", "identity", NOON)
    assert [r.message for r in caplog.records].count(
        "usage not counted, Redis does not answer: ConnectionError") == 1
