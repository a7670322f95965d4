"""A year's closed counts, computed once and kept in Redis until new snapshots or rollups change them.

Every indicator answer for a period of year Y counts all of Y's periods (suppression is
decided over the whole year: services/metrics/indicators.py), 48 grouped queries. The rows of
the periods that have ended do not change until a snapshot or a usage rollup rewrites what
they read, so they are kept under `metrics:year-counts:{Y}:{version}`, with the version
bumped (after the writing transaction commits) by:
- `snapshots.take` for the year of the day it took;
- `rollup.roll_up` for the years of the months before the current one that it rewrote
  (the first `METRICS_REDIS_RETENTION_DAYS` days of a month still fold the month before).
Rows of periods still running are never kept: they are counted live on every answer. A year
that has ended entirely is also decided once per version in each process (its counts and
hidden cells: services/metrics/indicators.py), so its answers only filter.
What is not seen: a row written into a closed period by other means (a backdated import)
shows after the next snapshot or rollup of that year (at the latest the next night's); so
does a change of the units themselves (`units sync`) in a year that has ended.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable

import redis
from sqlalchemy import event
from sqlalchemy.orm import Session

from services.metrics.sources import Rows

KEPT_SECONDS = 7 * 24 * 3600
Saved = dict[str, Rows]  # "query name|what its answer depends on" -> rows


def _version_key(year: int) -> str:
    return f"metrics:year-counts-version:{year}"


def _rows_key(year: int, version: str) -> str:
    return f"metrics:year-counts:{year}:{version}"


def version(kv: redis.Redis, year: int) -> str:
    """The year's version: a random token, new after each bump (and after Redis loses it, so a
    version never names two different sets of counts)."""
    pipe = kv.pipeline(transaction=False)
    pipe.set(_version_key(year), uuid.uuid4().hex, nx=True)
    pipe.get(_version_key(year))
    return pipe.execute()[1]


def bump(kv: redis.Redis, years: Iterable[int]) -> None:
    pipe = kv.pipeline(transaction=False)
    for year in sorted(set(years)):
        pipe.set(_version_key(year), uuid.uuid4().hex)
    pipe.execute()


def bump_after_commit(session: Session, kv: redis.Redis, years: Iterable[int]) -> None:
    """Bump once the session commits, so that no answer keeps rows read before the change."""
    years = set(years)
    if years:
        event.listen(session, "after_commit", lambda _session: bump(kv, years), once=True)


def load(kv: redis.Redis, year: int, at: str) -> Saved:
    found = kv.get(_rows_key(year, at))
    if not found:
        return {}
    return {name: {unit: tuple(counts) for unit, counts in rows.items()} for name, rows in json.loads(found).items()}


def save(kv: redis.Redis, year: int, at: str, rows: Saved) -> None:
    kv.set(_rows_key(year, at), json.dumps(rows, separators=(",", ":")), ex=KEPT_SECONDS)
