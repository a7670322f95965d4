"""Folding the Redis usage counters into usage_daily and usage_monthly_active.

Each run writes absolute values read from Redis (never increments), so running it twice
counts nothing twice. It reads the days still kept in Redis (today and `retention_days`
before) and their months.

Redis restarts: the key `usage:epoch` lives without expiry beside the counters and
vanishes with them. When a run finds a new epoch, a row written under the old one keeps
its value as a base and the new counters are added to it. What Redis counted after the
last run and before the restart is lost: at most one rollup interval. Distinct users
after a restart are base + new distinct users, an overcount of people active on both
sides of the restart.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import redis
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from models.metrics import UsageDaily, UsageMonthlyActive
from services.bulk import upsert
from services.metrics import usage, year_counts
from services.metrics.units import CITY_CODE

MONTHLY_FEATURES = (*usage.FEATURES, usage.ANY_FEATURE)


@dataclass(frozen=True)
class RollupReport:
    epoch: str
    days: int
    daily_rows: int
    monthly_rows: int


def current_epoch(kv: redis.Redis) -> str:
    kv.set(usage.EPOCH_KEY, uuid.uuid4().hex, nx=True)
    return kv.get(usage.EPOCH_KEY)


def roll_up(session: Session, kv: redis.Redis, today: date, retention_days: int) -> RollupReport:
    epoch = current_epoch(kv)
    days = [today - timedelta(days=back) for back in range(retention_days + 1)]
    months = sorted({day.replace(day=1) for day in days})
    daily = [row for day in days for row in _daily_counts(kv, day)]
    monthly = [row for month in months for row in _monthly_counts(kv, month)]
    _store(session, UsageDaily, daily, ("day", "unit_code", "feature"),
           ("requests", "active_users"), epoch)
    changed = _store(session, UsageMonthlyActive, monthly, ("month", "unit_code", "feature"),
                     ("active_users",), epoch)
    # A month that has ended is read from the year's kept counts: changing it starts them anew.
    year_counts.bump_after_commit(session, kv, {month.year for month, *_ in changed if month < today.replace(day=1)})
    return RollupReport(epoch, len(days), len(daily), len(monthly))


def _daily_counts(kv: redis.Redis, day: date) -> list[dict[str, Any]]:
    cells = sorted(member.split("|", 1) for member in kv.smembers(usage.day_index_key(day)))
    pipe = kv.pipeline(transaction=False)
    for unit, feature in cells:
        pipe.get(usage.requests_key(day, unit, feature))
        pipe.pfcount(usage.daily_users_key(day, unit, feature))
    answers = pipe.execute()
    return [{"day": day, "unit_code": unit, "feature": feature,
             "requests": int(answers[2 * i] or 0), "active_users": answers[2 * i + 1]}
            for i, (unit, feature) in enumerate(cells)]


def _monthly_counts(kv: redis.Redis, month: date) -> list[dict[str, Any]]:
    units = sorted(kv.smembers(usage.month_index_key(month)))
    if not units:
        return []
    cells = [(unit, feature) for unit in units for feature in MONTHLY_FEATURES]
    pipe = kv.pipeline(transaction=False)
    for unit, feature in cells:
        pipe.pfcount(usage.monthly_users_key(month, unit, feature))
    for feature in MONTHLY_FEATURES:  # the city: a union of the units' sketches, not a sum
        pipe.pfcount(*[usage.monthly_users_key(month, unit, feature) for unit in units])
    answers = pipe.execute()
    cells += [(CITY_CODE, feature) for feature in MONTHLY_FEATURES]
    return [{"month": month, "unit_code": unit, "feature": feature, "active_users": count}
            for (unit, feature), count in zip(cells, answers) if count]


def _store(session: Session, model: type, rows: list[dict[str, Any]], key: Sequence[str],
           values: Sequence[str], epoch: str) -> set[tuple]:
    """Upsert `base + Redis value`; the base moves to the stored value when the epoch changed.

    Returns the keys whose values are new or changed."""
    if not rows:
        return set()
    key_columns = [getattr(model, name) for name in key]
    wanted = [tuple(row[name] for name in key) for row in rows]
    stored = {tuple(getattr(old, name) for name in key): old for old in session.scalars(
        select(model).where(tuple_(*key_columns).in_(wanted)))}
    for row in rows:
        old = stored.get(tuple(row[name] for name in key))
        for name in values:
            if old is None:
                base = 0
            elif old.redis_epoch == epoch:
                base = getattr(old, f"{name}_base")
            else:
                base = getattr(old, name)
            row[f"{name}_base"] = base
            row[name] += base
        row["redis_epoch"] = epoch
    changed = {tuple(row[name] for name in key) for row in rows
               if (old := stored.get(tuple(row[name] for name in key))) is None
               or any(getattr(old, name) != row[name] for name in values)}
    upsert(session, model.__table__, rows, key=list(key))
    session.expire_all()
    return changed
