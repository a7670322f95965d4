"""Failed sign-ins per ID number: after N failures in a window, 429 until it passes."""
from __future__ import annotations

import redis

from services.errors import RateLimited, Unavailable
from services.messages import lazy_text


class SignInThrottle:
    def __init__(self, kv: redis.Redis, max_failures: int, window_seconds: int) -> None:
        self._kv = kv
        self._max = max_failures
        self._window = window_seconds

    @staticmethod
    def _key(subject: str) -> str:
        return f"signin-failures:{subject}"

    def check(self, subject: str) -> None:
        try:
            failures = int(self._kv.get(self._key(subject)) or 0)
            if failures >= self._max:
                raise RateLimited(lazy_text("identity.throttle.too_many_failed_sign"),
                                  retry_after=self._kv.ttl(self._key(subject)), code="too_many_attempts")
        except redis.RedisError as exc:
            raise Unavailable(lazy_text("identity.throttle.sign_unavailable_right_now")) from exc

    def record_failure(self, subject: str) -> None:
        key = self._key(subject)
        with self._kv.pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, self._window, nx=True)
            pipe.execute()

    def reset(self, subject: str) -> None:
        self._kv.delete(self._key(subject))
