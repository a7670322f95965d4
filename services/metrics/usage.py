"""Counting uses of the app in Redis: one request by a citizen = one use of a feature.

Per request (four commands, pipelined with the token's denylist read: one round trip):
  INCR   usage:req:{day}:{unit}:{feature}        requests of the day
  PFADD  usage:dau:{day}:{unit}:{feature} <id>   distinct citizens of the day (HyperLogLog)
  PFADD  usage:mau:{month}:{unit}:{feature} and usage:mau:{month}:{unit}:any <id>
                                                 distinct citizens of the month; a monthly
                                                 figure cannot be summed from daily ones
The first request of a (day, unit, feature) - INCR answered 1 - also indexes the keys for
the rollup and gives them an expiry (`retention_days` after their day / month ends), so
keys never outlive the retention even if no rollup ever runs.
"""
from __future__ import annotations

import logging
import time
import uuid
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Callable

import redis

from services.metrics.periods import LOCAL_TZ, local_day

log = logging.getLogger(__name__)

FEATURES = ("identity", "health", "signature", "dossier", "notification")
ANY_FEATURE = "any"  # the monthly "used anything" figure behind mau_share

# Which feature a request to a blueprint uses: every blueprint a citizen can call is listed
# (tests/e2e/test_metrics_usage_mapping.py calls every route as a citizen and fails on a
# blueprint missing here). The key is the first argument of its Blueprint(...). Only
# citizens are counted, so on a blueprint shared with staff (health's provider routes,
# the officer's signature queue) only the citizens' requests count. Not listed, as no
# citizen can call them: probes, agency_dossiers, metrics, dashboard, docs.
FEATURE_OF_BLUEPRINT: dict[str, str] = {
    "auth": "identity",
    "accounts": "identity",
    "notifications": "notification",
    "health": "health",
    "signatures": "signature",
    "dossiers": "dossier",
    "dossier_documents": "dossier",
    "dossier_payments": "dossier",
    "dossier_application": "dossier",
    "dossier_ratings": "dossier",
}

UNKNOWN_UNIT = "unknown"  # a citizen whose token carries no district


def day_key(day: date) -> str:
    return day.strftime("%Y%m%d")


def month_key(day: date) -> str:
    return day.strftime("%Y%m")


def requests_key(day: date, unit: str, feature: str) -> str:
    return f"usage:req:{day_key(day)}:{unit}:{feature}"


def daily_users_key(day: date, unit: str, feature: str) -> str:
    return f"usage:dau:{day_key(day)}:{unit}:{feature}"


def monthly_users_key(month: date, unit: str, feature: str) -> str:
    return f"usage:mau:{month_key(month)}:{unit}:{feature}"


def day_index_key(day: date) -> str:
    """Set of "unit|feature" counted on `day` (read by the rollup instead of a SCAN)."""
    return f"usage:index:{day_key(day)}"


def month_index_key(month: date) -> str:
    """Set of units counted in the month."""
    return f"usage:index:{month_key(month)}"


EPOCH_KEY = "usage:epoch"  # vanishes with the counters when Redis loses its data


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), LOCAL_TZ)


def _end_of_month(day: date) -> datetime:
    return _end_of_day(day.replace(day=monthrange(day.year, day.month)[1]))


def expiry(day: date, retention_days: int, *, whole_month: bool = False) -> int:
    """Unix time at which a day's (or its month's) keys may go."""
    end = _end_of_month(day) if whole_month else _end_of_day(day)
    return int((end + timedelta(days=retention_days)).timestamp())


@dataclass
class UsageCounter:
    kv: redis.Redis
    retention_days: int = 3
    _last_warning: float = 0.0

    def count(self, account_id: uuid.UUID, unit_code: str | None, feature: str, now: datetime) -> None:
        """Count one use on its own round trip; never raises: metrics must not fail a citizen's request."""
        try:
            pipe = self.kv.pipeline(transaction=False)
            settle = self.queue(pipe, account_id, unit_code, feature, now)
            settle(pipe.execute(raise_on_error=False))
        except redis.RedisError as exc:
            self._warn(exc)

    def queue(self, pipe, account_id: uuid.UUID, unit_code: str | None, feature: str,
              now: datetime) -> Callable[[list[Any]], None]:
        """Queue one use on `pipe` (e.g. the denylist's, api/auth.py); returns what to call
        with the answers of the queued commands. The settling never raises."""
        account, unit, day = str(account_id), unit_code or UNKNOWN_UNIT, local_day(now)
        pipe.incr(requests_key(day, unit, feature))
        pipe.pfadd(daily_users_key(day, unit, feature), account)
        pipe.pfadd(monthly_users_key(day, unit, feature), account)
        pipe.pfadd(monthly_users_key(day, unit, ANY_FEATURE), account)

        def settle(answers: list[Any]) -> None:
            failed = next((a for a in answers if isinstance(a, Exception)), None)
            if failed is not None:
                self._warn(failed)
            elif answers[0] == 1:
                try:
                    self.index(day, unit, feature)
                except redis.RedisError as exc:
                    self._warn(exc)

        return settle

    def index(self, day: date, unit: str, feature: str) -> None:
        """Make the day's keys known to the rollup and bound their lifetime (idempotent)."""
        day_end = expiry(day, self.retention_days)
        month_end = expiry(day, self.retention_days, whole_month=True)
        pipe = self.kv.pipeline(transaction=False)
        pipe.sadd(day_index_key(day), f"{unit}|{feature}")
        pipe.sadd(month_index_key(day), unit)
        for key in (requests_key(day, unit, feature), daily_users_key(day, unit, feature),
                    day_index_key(day)):
            pipe.expireat(key, day_end)
        for key in (monthly_users_key(day, unit, feature), monthly_users_key(day, unit, ANY_FEATURE),
                    month_index_key(day)):
            pipe.expireat(key, month_end)
        pipe.execute()

    def _warn(self, exc: Exception) -> None:
        # At most one line a minute while Redis is down, not one per request.
        if time.monotonic() - self._last_warning > 60:
            self._last_warning = time.monotonic()
            log.warning("usage not counted, Redis does not answer: %s", exc.__class__.__name__)
