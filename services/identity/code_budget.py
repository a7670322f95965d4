"""How many one-time codes a phone or an account may be sent: a table per purpose, one hour.

Every text costs money and each code is a guess an attacker gets; a budget per phone and per
account (the ID number before an account exists) caps both, whichever address asks.
"""
from __future__ import annotations

import redis

from services.errors import RateLimited, Unavailable
from services.messages import lazy_text

WINDOW_SECONDS = 3600
# purpose -> codes per hour, per phone and per account
CODES_PER_HOUR: dict[str, int] = {"signup": 5, "signing": 10}
# The payload fields of a challenge that name who it is for; each one spends from its own budget.
SUBJECT_FIELDS = ("phone", "national_id", "account_id")


def subjects_of(payload: dict) -> list[str]:
    return [f"{name}:{payload[name]}" for name in SUBJECT_FIELDS if payload.get(name)]


def spend_code(kv: redis.Redis, purpose: str, subjects: list[str]) -> None:
    """Count one code for each subject; 429 `too_many_codes` (Retry-After) once any is spent."""
    limit = CODES_PER_HOUR.get(purpose)
    if limit is None or not subjects:
        return
    keys = [f"otp-budget:{purpose}:{subject}" for subject in subjects]
    try:
        with kv.pipeline() as pipe:
            for key in keys:
                pipe.incr(key)
                pipe.expire(key, WINDOW_SECONDS, nx=True)
            counts = pipe.execute()[0::2]
        over = [key for key, count in zip(keys, counts) if count > limit]
        if over:
            raise RateLimited(lazy_text("identity.code_budget.codes_per_hour", limit=limit),
                              retry_after=max(kv.ttl(key) for key in over), code="too_many_codes")
    except redis.RedisError as exc:
        raise Unavailable(lazy_text("identity.code_budget.code_store_does_answer")) from exc
