"""A national e-ID OpenID provider for development and tests, built on Authlib's server side.

Authorization code flow only, with PKCE S256 required, `nonce` required and the relying party
authenticated by `private_key_jwt` (RFC 7523). In development it consents at once for the
resident named by `login_hint=<12-digit national ID>`; residents come from `lookup`, a callable
`lookup(national_id) -> dict | None` with the keys `full_name`, `date_of_birth` (date or ISO
text), `sex` ("male"/"female") and optionally `phone` (E.164).

The ID token (ES256 by default, RS256 on request, always with `kid`) carries: iss, aud, exp, iat,
auth_time, nonce, acr ("level2", or "level1" when the request says `acr_values=level1`), sub
(stable per resident), `national_id` (the 12-digit ID number, see NATIONAL_ID_CLAIM), name,
birthdate, gender and phone_number. Never started in production. The Authlib grant, PKCE and
client-assertion pieces are in devservers/eid_grants.py.
"""
from __future__ import annotations

import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from flask import Flask, jsonify, request
from joserfc.jwk import ECKey, KeySet, RSAKey

from devservers.eid_grants import (
    ACR_LEVEL_1, ACR_LEVEL_2, CLIENT_AUTH_METHOD, NATIONAL_ID_CLAIM, SCOPES, CodeGrant, IssuedCode,
    OpenIDCodeWithKeys, PrivateKeyJWTAssertion, RelyingParty, Resident, S256Only,
)
from devservers.loopback import LoopbackServer, ServedOnLoopback

Lookup = Callable[[str], Mapping[str, Any] | None]

CODE_TTL_SECONDS = 60
# Test knobs: how the next ID token is spoiled (see EidProvider.tamper_next).
TAMPERINGS = ("unknown_key", "forged_signature", "alg_none", "wrong_audience", "expired")


class EidProvider(ServedOnLoopback):
    """The provider, its signing key, its codes and its test knobs; `start()` serves it."""

    def __init__(self, lookup: Lookup, *, alg: str = "ES256", port: int = 0) -> None:
        if alg not in ("ES256", "RS256"):
            raise ValueError("alg must be ES256 or RS256")
        self.alg = alg
        self.hits: Counter[str] = Counter()
        self._lookup = lookup
        self._lock = threading.Lock()
        self._clients: dict[str, RelyingParty] = {}
        self._codes: dict[str, IssuedCode] = {}
        self._nonces: set[tuple[str, str]] = set()
        self._jtis: set[tuple[str, str]] = set()
        self._key = self._new_key()
        self._tampering: str | None = None
        self._outage: int | None = None
        self.app = _build_app(self)
        self._server = LoopbackServer(self.app, port)

    @property
    def issuer(self) -> str:
        return self.base_url

    @property
    def token_endpoint(self) -> str:
        return f"{self.base_url}/token"

    # -- set-up ----------------------------------------------------------------------------
    def register_client(self, client_id: str, redirect_uris: list[str] | tuple[str, ...],
                        jwks: Mapping[str, Any]) -> None:
        """Register a relying party; `jwks` holds the public keys of its client assertions."""
        with self._lock:
            self._clients[client_id] = RelyingParty(client_id, tuple(redirect_uris), dict(jwks))

    def client(self, client_id: str) -> RelyingParty | None:
        return self._clients.get(client_id)

    def resident(self, national_id: str | None) -> Resident | None:
        record = self._lookup(national_id) if national_id else None
        return Resident(national_id, record) if record else None

    # -- keys ------------------------------------------------------------------------------
    def _new_key(self, kid: str | None = None) -> ECKey | RSAKey:
        params = {"kid": kid or secrets.token_urlsafe(8), "alg": self.alg, "use": "sig"}
        if self.alg == "ES256":
            return ECKey.generate_key("P-256", parameters=params)
        return RSAKey.generate_key(2048, parameters=params)

    def jwks(self) -> dict[str, Any]:
        return KeySet([self._key]).as_dict(private=False)

    def rotate_key(self) -> str:
        """Sign with a new key from now on; the old one leaves the JWKS. Returns the new kid."""
        with self._lock:
            self._key = self._new_key()
            return self._key.kid

    # -- test knobs ------------------------------------------------------------------------
    def tamper_next(self, kind: str) -> None:
        """Spoil the next ID token: one of TAMPERINGS."""
        if kind not in TAMPERINGS:
            raise ValueError(f"unknown tampering {kind!r}; one of {TAMPERINGS}")
        with self._lock:
            self._tampering = kind

    def outage(self, status: int | None) -> None:
        """Answer every request with `status` (e.g. 500, 503) until called with None."""
        self._outage = status

    @property
    def failing_with(self) -> int | None:
        return self._outage

    # -- state the grant keeps (thread-safe) -----------------------------------------------
    def keep_code(self, code: IssuedCode) -> None:
        stale = time.time() - CODE_TTL_SECONDS
        with self._lock:
            self._codes = {k: c for k, c in self._codes.items() if c.auth_time >= stale}
            self._codes[code.code] = code
            self._nonces.add((code.client_id, code.nonce))

    def take_code(self, code: str, client_id: str) -> IssuedCode | None:
        """The code once (single use, even when the exchange then fails), if fresh and the client's."""
        with self._lock:
            issued = self._codes.pop(code, None)
        if issued is None or issued.client_id != client_id:
            return None
        if time.time() > issued.auth_time + CODE_TTL_SECONDS:
            return None
        return issued

    def nonce_used(self, client_id: str, nonce: str) -> bool:
        return (client_id, nonce) in self._nonces

    def first_use_of_jti(self, client_id: str, jti: str) -> bool:
        with self._lock:
            if (client_id, jti) in self._jtis:
                return False
            self._jtis.add((client_id, jti))
            return True

    def signing_for_next_token(self) -> tuple[ECKey | RSAKey | None, str, str | None]:
        """(key, alg, tampering) for the next ID token; a tampering is used once."""
        with self._lock:
            tampering, self._tampering = self._tampering, None
            key = self._key
        if tampering == "alg_none":
            return None, "none", tampering
        if tampering == "unknown_key":
            return self._new_key(), self.alg, tampering
        if tampering == "forged_signature":  # another key under the published kid
            return self._new_key(key.kid), self.alg, tampering
        return key, self.alg, tampering

    def discovery(self) -> dict[str, Any]:
        base = self.base_url
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": self.token_endpoint,
            "jwks_uri": f"{base}/jwks",
            "scopes_supported": list(SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [self.alg],
            "token_endpoint_auth_methods_supported": [CLIENT_AUTH_METHOD],
            "token_endpoint_auth_signing_alg_values_supported": ["ES256", "RS256"],
            "code_challenge_methods_supported": ["S256"],
            "acr_values_supported": [ACR_LEVEL_1, ACR_LEVEL_2],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr",
                                 NATIONAL_ID_CLAIM, "name", "birthdate", "gender", "phone_number"],
        }


class _Server(AuthorizationServer):
    def __init__(self, provider: EidProvider, app: Flask) -> None:
        self.provider = provider
        super().__init__(app, query_client=provider.client, save_token=lambda token, req: None)


def _build_app(provider: EidProvider) -> Flask:
    app = Flask("devservers.eid_provider")
    server = _Server(provider, app)
    server.register_grant(CodeGrant, [S256Only(required=True), OpenIDCodeWithKeys(provider)])
    server.register_client_auth_method(CLIENT_AUTH_METHOD, PrivateKeyJWTAssertion(provider))

    @app.before_request
    def count_and_fail():
        provider.hits[request.path] += 1
        if provider.failing_with is not None:
            return jsonify(error="temporarily_unavailable"), provider.failing_with
        return None

    @app.get("/.well-known/openid-configuration")
    def discovery():
        return jsonify(provider.discovery())

    @app.get("/jwks")
    def jwks():
        return jsonify(provider.jwks())

    @app.get("/authorize")
    def authorize():
        resident = provider.resident(request.args.get("login_hint"))
        try:
            grant = server.get_consent_grant(end_user=resident)
        except OAuth2Error as error:
            return server.handle_error_response(None, error)
        return server.create_authorization_response(grant=grant, grant_user=resident)

    @app.post("/token")
    def token():
        return server.create_token_response()

    return app
