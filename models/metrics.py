"""Adoption metrics: usage folded from the Redis counters. Counts only, no personal data.

`redis_epoch` and the `*_base` columns let a rollup survive a Redis restart: the counters
then start again from zero, so the value written is `base + what Redis holds now`, with
`base` the value the table held when the rollup first saw the new epoch (services/metrics/rollup.py).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class UsageDaily(Base):
    """Requests and distinct active citizens of one feature in one unit on one day (local time)."""

    __tablename__ = "usage_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    feature: Mapped[str] = mapped_column(String(16), primary_key=True)
    requests: Mapped[int] = mapped_column(BigInteger)
    active_users: Mapped[int] = mapped_column(Integer)
    redis_epoch: Mapped[str] = mapped_column(String(32))
    requests_base: Mapped[int] = mapped_column(BigInteger, default=0)
    active_users_base: Mapped[int] = mapped_column(Integer, default=0)


class UsageMonthlyActive(Base):
    """Distinct active citizens of one unit in one month, per feature and for `any` feature.

    `month` is the first day of the month. The city's own row (unit code
    services.metrics.units.CITY_CODE) is the union over units, not their sum.
    """

    __tablename__ = "usage_monthly_active"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    feature: Mapped[str] = mapped_column(String(16), primary_key=True)
    active_users: Mapped[int] = mapped_column(Integer)
    redis_epoch: Mapped[str] = mapped_column(String(32))
    active_users_base: Mapped[int] = mapped_column(Integer, default=0)


class MetricSnapshot(Base):
    """One stock count of one unit as it stood at the end of one day (local time).

    Written once per day by `flask metrics snapshot` (services/metrics/snapshots.py); the
    measures are services.metrics.sources.STOCK_MEASURES. Counts only, no personal data.
    """

    __tablename__ = "metric_snapshots"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    measure: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
