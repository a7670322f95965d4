"""A national e-ID OpenID provider for development and tests, built on Authlib's server side.

Authorization code flow only, with PKCE S256 required, `nonce` required and the relying party
authenticated by `private_key_jwt` (RFC 7523). In development it consents at once for the
resident named by `login_hint=<12-digit national ID>`; residents come from `lookup`, a callable
`lookup(national_id) -> dict | None` with the keys `full_name`, `date_of_birth` (date or ISO
text), `sex` ("male"/"female") and optionally `phone` (E.164).

The ID token (ES256 by default, RS256 on request, always with `kid`) carries: iss, aud, exp, iat,
auth_time, nonce, acr ("level2", or "level1" when the request says `acr_values=level1`), sub
(stable per resident), `national_id` (the 12-digit ID number, see NATIONAL_ID_CLAIM), name,
birthdate, gender and phone_number. Never started in production.
"""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.util import create_half_hash
from flask import Flask, jsonify, request
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, KeySet, RSAKey

Lookup = Callable[[str], Mapping[str, Any] | None]

NATIONAL_ID_CLAIM = "national_id"
ACR_LEVEL_1, ACR_LEVEL_2 = "level1", "level2"
CLIENT_AUTH_METHOD = "private_key_jwt"
SCOPES = ("openid", "profile", "phone")
CODE_TTL_SECONDS = 60
ID_TOKEN_TTL_SECONDS = 300
# Test knobs: how the next ID token is spoiled (see EidProvider.tamper_next).
TAMPERINGS = ("unknown_key", "forged_signature", "alg_none", "wrong_audience", "expired")


@dataclass(frozen=True)
class RelyingParty(ClientMixin):
    """A registered client: its redirect URIs and the public JWKS its assertions are signed with."""

    client_id: str
    redirect_uris: tuple[str, ...]
    jwks: Mapping[str, Any]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str | None) -> str:
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == CLIENT_AUTH_METHOD

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass(frozen=True)
class Resident:
    national_id: str
    record: Mapping[str, Any]


@dataclass(frozen=True)
class IssuedCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str
    acr: str
    national_id: str
    code_challenge: str
    code_challenge_method: str
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str:
        return self.acr


class EidProvider:
    """The provider, its signing key, its codes and its test knobs; `start()` serves it."""

    def __init__(self, lookup: Lookup, *, alg: str = "ES256", port: int = 0) -> None:
        from devservers.loopback import LoopbackServer

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

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> "EidProvider":
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    @property
    def base_url(self) -> str:
        return self._server.base_url

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
        with self._lock:
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


def subject_of(national_id: str) -> str:
    """A stable, opaque `sub` for a resident (the same on every start of the provider)."""
    return hashlib.sha256(f"ihanoi-dev-eid:{national_id}".encode()).hexdigest()[:32]


def user_info(resident: Resident, scope: str) -> UserInfo:
    record, scopes = resident.record, scope.split()
    info = UserInfo(sub=subject_of(resident.national_id))
    info[NATIONAL_ID_CLAIM] = resident.national_id
    if "profile" in scopes:
        born = record["date_of_birth"]
        info.update(name=record["full_name"], gender=record["sex"],
                    birthdate=born.isoformat() if isinstance(born, date) else str(born))
    if "phone" in scopes and record.get("phone"):
        info["phone_number"] = record["phone"]
    return info


class _Server(AuthorizationServer):
    def __init__(self, provider: EidProvider, app: Flask) -> None:
        self.provider = provider
        super().__init__(app, query_client=provider.client, save_token=lambda token, req: None)


class _S256Only(CodeChallenge):
    """PKCE required of every client (confidential ones too), S256 only."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        from authlib.oauth2.rfc6749 import InvalidRequestError

        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with code_challenge_method=S256 is required.")
        super().validate_code_challenge(grant, redirect_uri)


class _CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = [CLIENT_AUTH_METHOD]

    @property
    def provider(self) -> EidProvider:
        return self.server.provider

    def save_authorization_code(self, code: str, req: Any) -> None:
        data = req.payload.data
        wanted = (data.get("acr_values") or "").split()
        acr = ACR_LEVEL_1 if ACR_LEVEL_1 in wanted and ACR_LEVEL_2 not in wanted else ACR_LEVEL_2
        self.provider.keep_code(IssuedCode(
            code=code, client_id=req.client.get_client_id(), redirect_uri=req.payload.redirect_uri,
            scope=req.scope, nonce=data["nonce"], acr=acr, national_id=req.user.national_id,
            code_challenge=data["code_challenge"], code_challenge_method=data["code_challenge_method"],
            auth_time=int(time.time())))

    def query_authorization_code(self, code: str, client: RelyingParty) -> IssuedCode | None:
        return self.provider.take_code(code, client.get_client_id())

    def delete_authorization_code(self, authorization_code: IssuedCode) -> None:
        """Already gone: take_code removed it."""

    def authenticate_user(self, authorization_code: IssuedCode) -> Resident | None:
        return self.provider.resident(authorization_code.national_id)


class _OpenIDCode(OpenIDCode):
    def __init__(self, provider: EidProvider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce: str, req: Any) -> bool:
        return self.provider.nonce_used(req.payload.client_id, nonce)

    def generate_user_info(self, user: Resident, scope: str) -> UserInfo:
        return user_info(user, scope)

    def get_client_claims(self, client: RelyingParty) -> dict[str, Any]:
        return {"iss": self.provider.issuer, "aud": [client.get_client_id()],
                "exp": int(time.time()) + ID_TOKEN_TTL_SECONDS}

    def encode_id_token(self, token: Mapping[str, Any], req: Any) -> str:
        key, alg, tampering = self.provider.signing_for_next_token()
        claims = self.get_compatible_claims(req)
        claims.update(self.get_authorization_code_claims(req.authorization_code))
        claims.update(self.generate_user_info(req.user, token["scope"]))
        at_hash = create_half_hash(token["access_token"], alg) if key is not None else None
        if at_hash is not None:
            claims["at_hash"] = at_hash.decode()
        if tampering == "wrong_audience":
            claims["aud"] = ["someone-else"]
        if tampering == "expired":
            claims["iat"], claims["exp"] = int(time.time()) - 3600, int(time.time()) - 1800
        header = {"alg": alg, "kid": key.kid} if key is not None else {"alg": "none"}
        with warnings.catch_warnings():  # alg none is the point of the alg_none knob
            warnings.simplefilter("ignore", SecurityWarning)
            return jwt.encode(header, claims, key, algorithms=[alg])


class _ClientAssertion(JWTBearerClientAssertion):
    """private_key_jwt: the assertion is signed by a key in the client's registered JWKS."""

    CLIENT_AUTH_METHOD = CLIENT_AUTH_METHOD

    def __init__(self, provider: EidProvider) -> None:
        super().__init__(validate_jti=True)
        self.provider = provider

    def get_audiences(self) -> list[str]:
        return [self.provider.token_endpoint, self.provider.issuer]

    def validate_jti(self, claims: Mapping[str, Any], jti: str) -> bool:
        return self.provider.first_use_of_jti(claims["sub"], jti)

    def resolve_client_public_key(self, client: RelyingParty) -> KeySet:
        return KeySet.import_key_set(dict(client.jwks))


def _build_app(provider: EidProvider) -> Flask:
    app = Flask("devservers.eid_provider")
    server = _Server(provider, app)
    server.register_grant(_CodeGrant, [_S256Only(required=True), _OpenIDCode(provider)])
    server.register_client_auth_method(CLIENT_AUTH_METHOD, _ClientAssertion(provider))

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
