"""The key-value store: Redis in production, an in-process Redis-compatible store otherwise."""
from __future__ import annotations

import logging

import fakeredis
import redis

log = logging.getLogger(__name__)
_warned_unset = False  # the in-process store is said once per process, not once per app


def connect(url: str | None) -> redis.Redis:
    """A Redis client for `url`, or fakeredis (single process only) when there is none."""
    if url:
        return redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2,
            health_check_interval=10,
        )
    global _warned_unset
    if not _warned_unset:
        _warned_unset = True
        log.warning("REDIS_URL is unset: using an in-process store (single process only)")
    return fakeredis.FakeRedis(server=fakeredis.FakeServer(), decode_responses=True)
