"""Access tokens: short-lived EdDSA JWTs, verified strictly, revocable through a denylist."""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import jwt
import redis
from cachetools import TLRUCache

from models.identity import PrincipalKind
from services.errors import Unauthenticated, Unavailable
from services.identity.principal import Principal
from services.identity.signing_keys import SigningKey
from services.messages import lazy_text

ALGORITHM = "EdDSA"
REQUIRED_CLAIMS = ["iss", "aud", "sub", "jti", "exp", "iat"]
# Present while Redis holds every denial; gone with the rest when Redis loses its data
# (a restart without persistence, a flush, a failover to an empty replica).
DENYLIST_COMPLETE = "deny:complete"

# (session id, seconds its access tokens may still live) of every session revoked within
# the given number of seconds: the database's record, from which the denylist is rebuilt.
RevokedSessions = Callable[[int], Iterable[tuple[uuid.UUID, int]]]
# Queues commands for the caller on the denylist's pipeline; returns what to do with their
# answers once the round trip is back (or None).
AlsoInRoundTrip = Callable[[Any, Principal], Callable[[list[Any]], None] | None]


@dataclass(frozen=True)
class IssuedAccessToken:
    token: str
    jti: str
    expires_in: int


def _principal(claims: dict[str, Any]) -> Principal:
    return Principal(
        kind=PrincipalKind.ACCOUNT, account_id=uuid.UUID(claims["sub"]), roles=tuple(claims.get("roles", ())),
        assurance_level=int(claims.get("assurance_level", 0)),
        session_id=uuid.UUID(claims["sid"]) if claims.get("sid") else None,
        token_id=claims["jti"], token_expires_at=int(claims["exp"]),
        agency_code=claims.get("agency_code"), facility_code=claims.get("facility_code"),
        district_code=claims.get("district_code"))


class AccessTokens:
    """Issues and verifies access tokens.

    Verification pins the algorithm, audience, issuer and the key by `kid`; header fields
    such as `jku`, `x5u` or `jwk` are never followed. Verified claims are cached (bounded,
    until `exp`) because a phone reuses its token for minutes; the denylist is still read
    on every call, and fails closed when Redis does not answer. When Redis has lost its
    data, the denials of sessions revoked within one token lifetime are written again from
    `revoked_sessions` (the database) before any token is accepted.
    """

    def __init__(self, key: SigningKey, *, issuer: str, audience: str, ttl_seconds: int,
                 kv: redis.Redis, cache_size: int = 10_000) -> None:
        self._key = key
        self._issuer = issuer
        self._audience = audience
        self.ttl_seconds = ttl_seconds
        self._kv = kv
        self.revoked_sessions: RevokedSessions | None = None
        self._verified: TLRUCache[str, dict[str, Any]] = TLRUCache(
            maxsize=cache_size, ttu=lambda _k, claims, _now: claims["exp"], timer=time.time)

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [self._key.public_jwk()]}

    def issue(self, *, subject: uuid.UUID, session_id: uuid.UUID, roles: list[str],
              assurance_level: int, agency_code: str | None = None,
              facility_code: str | None = None,
              district_code: str | None = None) -> IssuedAccessToken:
        now = int(time.time())
        jti = uuid.uuid4().hex
        claims = {"iss": self._issuer, "aud": self._audience, "sub": str(subject), "jti": jti,
                  "iat": now, "exp": now + self.ttl_seconds, "sid": str(session_id),
                  "roles": roles, "assurance_level": assurance_level}
        if agency_code:
            claims["agency_code"] = agency_code
        if facility_code:
            claims["facility_code"] = facility_code
        if district_code:
            claims["district_code"] = district_code
        token = jwt.encode(claims, self._key.private_key, algorithm=ALGORITHM,
                           headers={"kid": self._key.kid})
        return IssuedAccessToken(token, jti, self.ttl_seconds)

    def _decode(self, token: str) -> dict[str, Any]:
        claims = self._verified.get(token)
        if claims is not None and claims["exp"] > time.time():
            return claims
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != ALGORITHM or header.get("kid") != self._key.kid:
                raise Unauthenticated(lazy_text("identity.tokens.token_was_signed_key"), code="invalid_token")
            claims = jwt.decode(token, self._key.public_key, algorithms=[ALGORITHM],
                                audience=self._audience, issuer=self._issuer,
                                options={"require": REQUIRED_CLAIMS})
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated(lazy_text("identity.tokens.access_token_expired"), code="token_expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthenticated(lazy_text("identity.tokens.access_token_valid"), code="invalid_token") from exc
        self._verified[token] = claims
        return claims

    def roles_of(self, token: str) -> tuple[str, ...]:
        """The roles in a token this process has just issued (signature and expiry checked; a
        token minted a moment ago cannot be on the denylist, so it is not read)."""
        return tuple(self._decode(token).get("roles", ()))

    def verify(self, token: str, *, also: AlsoInRoundTrip | None = None) -> Principal:
        """The token's caller, unless its token or session is denied.

        `also` queues more commands (the usage count) on the same pipeline as the denylist
        read, so the request makes one Redis round trip; they run whatever the denylist says."""
        principal = _principal(self._decode(token))
        keys = [f"deny:jti:{principal.token_id}", f"deny:sid:{principal.session_id}", DENYLIST_COMPLETE]
        try:
            pipe = self._kv.pipeline(transaction=False)
            pipe.mget(keys)
            settle = also(pipe, principal) if also else None
            answers = pipe.execute(raise_on_error=False)
            if isinstance(answers[0], Exception):
                raise answers[0]
            *denied, complete = answers[0]
            if complete is None:
                self.restore_denials()
                *denied, _ = self._kv.mget(keys)
        except redis.RedisError as exc:
            raise Unavailable(lazy_text("identity.tokens.token_revocation_cannot_checked")) from exc
        if settle:
            settle(answers[1:])
        if any(denied):
            raise Unauthenticated(lazy_text("identity.tokens.session_ended_sign_again"), code="token_revoked")
        return principal

    def restore_denials(self) -> int:
        """Deny again every session revoked within one token lifetime; how many."""
        revoked = list(self.revoked_sessions(self.ttl_seconds)) if self.revoked_sessions else []
        if revoked:
            pipe = self._kv.pipeline(transaction=False)
            for session_id, seconds_left in revoked:
                pipe.set(f"deny:sid:{session_id}", "1", ex=max(1, seconds_left + 5))
            pipe.execute()
        self._kv.set(DENYLIST_COMPLETE, "1")  # only once every denial is back
        return len(revoked)

    def deny_token(self, jti: str, expires_at: int) -> None:
        self._deny(f"deny:jti:{jti}", expires_at - int(time.time()))

    def deny_session(self, session_id: uuid.UUID) -> None:
        """Every access token of the session stops working (they live at most the TTL)."""
        self._deny(f"deny:sid:{session_id}", self.ttl_seconds)

    def _deny(self, key: str, seconds: int) -> None:
        try:
            self._kv.set(key, "1", ex=max(1, seconds + 5))
        except redis.RedisError as exc:
            raise Unavailable(lazy_text("identity.tokens.token_revocation_cannot_recorded")) from exc
