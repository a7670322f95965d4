"""One-time codes: 6 digits from `secrets`, 5 minutes, single use, at most 5 tries."""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import redis

from services.clock import clock
from services.identity.code_budget import spend_code, subjects_of
from services.errors import BadRequest, RateLimited, Unavailable
from services.messages import lazy_text

OTP_TTL = timedelta(minutes=5)
MAX_TRIES = 5


@dataclass(frozen=True)
class IssuedChallenge:
    challenge_id: str
    otp: str
    expires_at: datetime


class OtpChallenges:
    """Codes bound to one purpose (sign-up, signing) and one challenge id, kept in Redis."""

    def __init__(self, kv: redis.Redis, purpose: str) -> None:
        self._kv = kv
        self._purpose = purpose

    def _key(self, challenge_id: str) -> str:
        return f"otp:{self._purpose}:{challenge_id}"

    @staticmethod
    def _digest(challenge_id: str, otp: str) -> str:
        return hmac.new(challenge_id.encode(), otp.encode(), hashlib.sha256).hexdigest()

    def issue(self, payload: dict[str, Any]) -> IssuedChallenge:
        """A new code; each phone and account the payload names spends one from its hourly
        budget first (services/identity/code_budget.py; 429 `too_many_codes` when spent)."""
        spend_code(self._kv, self._purpose, subjects_of(payload))
        challenge_id = str(uuid.uuid4())
        otp = f"{secrets.randbelow(10**6):06d}"
        expires_at = clock.now() + OTP_TTL
        record = {"digest": self._digest(challenge_id, otp), "tries": 0,
                  "expires_at": expires_at.isoformat(), "payload": json.dumps(payload)}
        try:
            self._kv.hset(self._key(challenge_id), mapping=record)
            self._kv.expire(self._key(challenge_id), int(OTP_TTL.total_seconds()) + 60)
        except redis.RedisError as exc:
            raise Unavailable(lazy_text("identity.otp.code_store_does_answer")) from exc
        return IssuedChallenge(challenge_id, otp, expires_at)

    def redeem(self, challenge_id: str, otp: str) -> dict[str, Any]:
        """The challenge's payload if `otp` is right; the challenge is spent either way at 5 tries."""
        key = self._key(challenge_id)
        try:
            record = self._kv.hgetall(key)
            if not record or datetime.fromisoformat(record["expires_at"]) <= clock.now():
                raise BadRequest(lazy_text("identity.otp.code_expired_was_already"),
                                 code="otp_expired")
            if int(record["tries"]) >= MAX_TRIES:
                raise RateLimited(lazy_text("identity.otp.too_many_wrong_codes"),
                                  retry_after=self._kv.ttl(key), code="otp_attempts_exhausted")
            if not hmac.compare_digest(record["digest"], self._digest(challenge_id, otp)):
                tries = self._kv.hincrby(key, "tries", 1)
                if tries >= MAX_TRIES:
                    raise RateLimited(lazy_text("identity.otp.too_many_wrong_codes"),
                                      retry_after=self._kv.ttl(key), code="otp_attempts_exhausted")
                raise BadRequest(lazy_text("identity.otp.code_wrong"), code="invalid_otp",
                                 tries_left=MAX_TRIES - tries)
            if self._kv.delete(key) != 1:  # somebody redeemed it a moment ago
                raise BadRequest(lazy_text("identity.otp.code_was_already_used"), code="otp_expired")
        except redis.RedisError as exc:
            raise Unavailable(lazy_text("identity.otp.code_store_does_answer")) from exc
        return json.loads(record["payload"])
