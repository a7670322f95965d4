"""Guessing at record-entry ids: every miss (someone else's id or one that does not exist,
alike) counts against the caller, never in the owner's access log; too many in an hour
answer 429. Counting fails open when the key-value store is away, like the other limits."""
from __future__ import annotations

import logging

import redis

from services.context import Context
from services.errors import RateLimited
from services.messages import lazy_text

log = logging.getLogger(__name__)
WINDOW_SECONDS = 3600


def _key(ctx: Context) -> str:
    return f"entry-probes:{ctx.principal.account_id}"


def check(ctx: Context) -> None:
    """429 while the caller is over the limit of misses in the window."""
    try:
        misses = int(ctx.kv.get(_key(ctx)) or 0)
        if misses >= ctx.settings.health_entry_probe_limit:
            raise RateLimited(lazy_text("health.probes.too_many_unknown_ids"),
                              retry_after=ctx.kv.ttl(_key(ctx)), code="too_many_probes")
    except redis.RedisError:
        log.warning("entry probe counter unavailable")


def count_miss(ctx: Context, resource: str) -> None:
    log.info("entry probe by account %s: %s", ctx.principal.account_id, resource)
    try:
        with ctx.kv.pipeline() as pipe:
            pipe.incr(_key(ctx))
            pipe.expire(_key(ctx), WINDOW_SECONDS, nx=True)
            pipe.execute()
    except redis.RedisError:
        log.warning("entry probe counter unavailable")
