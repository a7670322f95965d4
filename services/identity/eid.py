"""Sign-in with the national e-ID: the OpenID Connect relying party (Authlib's requests client).

Authorization code flow with PKCE (S256), `state` and `nonce` kept server-side in the key-value
store for ten minutes and used once (GETDEL); the code is exchanged with `private_key_jwt` client
authentication; the ID token is checked for issuer, audience, nonce, expiry, a pinned algorithm
and its signature by the provider's JWKS, refreshed once when a `kid` is unknown (key rotation).
"""
from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

import redis
import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import Key, KeySet, import_key

from services.clock import clock
from services.errors import EidStateInvalid, EidTokenInvalid, EidUnavailable, ValidationFailed
from services.messages import lazy_text

log = logging.getLogger(__name__)

NATIONAL_ID_CLAIM = "national_id"
STATE_KEY = "eid:state:"
_NATIONAL_ID = re.compile(r"^\d{12}$")
_SEXES = ("male", "female")


@dataclass(frozen=True)
class EidSettings:
    """What the relying party needs to know; see the module docstring for each rule."""

    issuer: str                                  # EID_ISSUER, e.g. https://sso.vneid.gov.vn
    client_id: str                               # EID_CLIENT_ID
    client_key: Mapping[str, Any]                # EID_CLIENT_KEY: private JWK (EC P-256 or RSA) with kid
    redirect_uris: tuple[str, ...]               # EID_REDIRECT_URIS: the allow-list
    algorithms: tuple[str, ...] = ("ES256", "RS256")  # EID_ID_TOKEN_ALGORITHMS ("none" is refused)
    acr_levels: Mapping[str, int] = field(        # EID_ACR_LEVELS: acr value -> assurance level
        default_factory=lambda: MappingProxyType({"level1": 1, "level2": 2}))
    scope: str = "openid profile phone"
    timeout_seconds: float = 5.0                 # EID_TIMEOUT_SECONDS
    state_ttl_seconds: int = 600
    metadata_ttl_seconds: int = 3600
    leeway_seconds: int = 60

    def __post_init__(self) -> None:
        if not self.algorithms or "none" in self.algorithms:
            raise ValueError("EID_ID_TOKEN_ALGORITHMS must list signing algorithms, never none")


@dataclass(frozen=True)
class EidAuthorization:
    url: str
    state: str
    expires_at: datetime


@dataclass(frozen=True)
class EidClaims:
    subject: str
    national_id: str
    full_name: str
    date_of_birth: date
    sex: str
    phone: str | None
    level: int
    acr: str


class EidRelyingParty:
    """One per process: caches the provider's metadata and JWKS; keeps sign-in state in `store`."""

    def __init__(self, settings: EidSettings, store: redis.Redis) -> None:
        self.settings = settings
        self._store = store
        self._client_key: Key = import_key(dict(settings.client_key))
        self._metadata: tuple[float, dict[str, Any]] | None = None
        self._keys: KeySet | None = None

    # -- the two steps -------------------------------------------------------------------
    def authorization_url(self, redirect_uri: str, *, login_hint: str | None = None,
                          acr_values: str | None = None) -> EidAuthorization:
        """Where to send the citizen; state, nonce and PKCE verifier stay here for ten minutes."""
        if redirect_uri not in self.settings.redirect_uris:
            raise ValidationFailed.on_field("redirect_uri", lazy_text("identity.eid.redirect_uri_allowed"),
                                            "redirect_uri_not_allowed")
        metadata = self.metadata()
        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
        extra = {k: v for k, v in (("login_hint", login_hint), ("acr_values", acr_values)) if v}
        with self._session(redirect_uri) as session:
            url, _ = session.create_authorization_url(
                metadata["authorization_endpoint"], state=state, code_verifier=verifier,
                nonce=nonce, **extra)
        ttl = self.settings.state_ttl_seconds
        record = {"nonce": nonce, "verifier": verifier, "redirect_uri": redirect_uri}
        self._store.set(STATE_KEY + state, json.dumps(record), ex=ttl)
        return EidAuthorization(url, state, clock.now() + timedelta(seconds=ttl))

    def complete(self, code: str, state: str, redirect_uri: str | None = None) -> EidClaims:
        """Exchange `code` for a checked ID token; `state` is spent whatever happens next."""
        raw = self._store.getdel(STATE_KEY + state)
        if raw is None:
            raise EidStateInvalid(lazy_text("identity.eid.sign_state_unknown_expired"))
        record = json.loads(raw)
        if redirect_uri is not None and redirect_uri != record["redirect_uri"]:
            raise EidStateInvalid(lazy_text("identity.eid.redirect_uri_differs_from"))
        id_token = self._exchange(code, record)
        return _claims_of(self._verify(id_token, record["nonce"]), self.settings.acr_levels)

    # -- the provider ----------------------------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        """The discovery document, cached for `metadata_ttl_seconds`."""
        cached = self._metadata
        if cached and time.monotonic() - cached[0] < self.settings.metadata_ttl_seconds:
            return cached[1]
        url = self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
        document = self._get_json(url)
        if document.get("issuer") != self.settings.issuer:
            raise EidUnavailable(lazy_text("identity.eid.e_id_provider_s"))
        missing = {"authorization_endpoint", "token_endpoint", "jwks_uri"} - document.keys()
        if missing:
            raise EidUnavailable(lazy_text("identity.eid.e_id_provider_s_2"))
        self._metadata = (time.monotonic(), document)
        return document

    def _session(self, redirect_uri: str) -> OAuth2Session:
        session = OAuth2Session(
            self.settings.client_id, self._client_key, token_endpoint_auth_method="private_key_jwt",
            scope=self.settings.scope, redirect_uri=redirect_uri, code_challenge_method="S256",
            default_timeout=self.settings.timeout_seconds)
        alg = "ES256" if self._client_key.key_type == "EC" else "RS256"
        session.register_client_auth_method(PrivateKeyJWT(
            self.metadata()["token_endpoint"], headers={"kid": self._client_key.kid}, alg=alg))
        return session

    def _exchange(self, code: str, record: Mapping[str, str]) -> str:
        token_endpoint = self.metadata()["token_endpoint"]
        try:
            with self._session(record["redirect_uri"]) as session:
                token = session.fetch_token(token_endpoint, grant_type="authorization_code", code=code,
                                            code_verifier=record["verifier"])
        except OAuthError as error:
            if error.error == "invalid_grant":  # the code: used, expired, not for this verifier
                raise EidTokenInvalid(lazy_text("identity.eid.e_id_provider_refused")) from error
            log.error("e-ID provider refused our token request: %s", error.error)  # our set-up
            raise EidUnavailable(lazy_text("identity.eid.national_e_id_service_2")) from error
        except (requests.RequestException, ValueError) as error:
            raise _unavailable(error) from error
        if not isinstance(token.get("id_token"), str):
            raise EidTokenInvalid(lazy_text("identity.eid.e_id_provider_sent"))
        return token["id_token"]

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = requests.get(url, timeout=self.settings.timeout_seconds)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise _unavailable(error) from error
        if not isinstance(document, dict):
            raise EidUnavailable(lazy_text("identity.eid.e_id_provider_answered"))
        return document

    def _signing_key(self, kid: str) -> Key:
        """The provider key `kid`, fetching the JWKS again once when it is not known (rotation)."""
        keys = self._keys
        if keys is None or not any(key.kid == kid for key in keys):
            document = self._get_json(self.metadata()["jwks_uri"])
            try:
                keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
            except (JoseError, ValueError, KeyError, TypeError) as error:
                raise _unavailable(error) from error
            self._keys = keys
        if not any(key.kid == kid for key in keys):
            raise EidTokenInvalid(lazy_text("identity.eid.id_token_signed_key"))
        return keys.get_by_kid(kid)

    def _verify(self, id_token: str, nonce: str) -> dict[str, Any]:
        settings = self.settings
        try:
            header = jws.extract_compact(id_token.encode()).headers()
        except (JoseError, ValueError) as error:
            raise EidTokenInvalid(lazy_text("identity.eid.id_token_malformed")) from error
        if header.get("alg") not in settings.algorithms:
            raise EidTokenInvalid(lazy_text("identity.eid.id_token_signed_algorithm"))
        if not isinstance(header.get("kid"), str):
            raise EidTokenInvalid(lazy_text("identity.eid.id_token_names_no"))
        key = self._signing_key(header["kid"])
        registry = jwt.JWTClaimsRegistry(
            leeway=settings.leeway_seconds, iss={"essential": True, "value": settings.issuer},
            aud={"essential": True, "value": settings.client_id}, sub={"essential": True},
            exp={"essential": True}, iat={"essential": True}, nonce={"essential": True, "value": nonce})
        try:
            claims = jwt.decode(id_token, key, algorithms=list(settings.algorithms)).claims
            registry.validate(claims)
        except (JoseError, ValueError) as error:
            log.info("e-ID token refused: %s", error.__class__.__name__)
            raise EidTokenInvalid(lazy_text("identity.eid.id_token_does_check")) from error
        audience = claims["aud"]
        if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != settings.client_id:
            raise EidTokenInvalid(lazy_text("identity.eid.id_token_meant_several"))
        return claims


def _claims_of(claims: Mapping[str, Any], acr_levels: Mapping[str, int]) -> EidClaims:
    national_id, born = claims.get(NATIONAL_ID_CLAIM), claims.get("birthdate")
    level = acr_levels.get(claims.get("acr"))  # type: ignore[arg-type]
    if not isinstance(national_id, str) or not _NATIONAL_ID.match(national_id):
        raise EidTokenInvalid(lazy_text("identity.eid.id_token_carries_no"))
    if level is None:
        raise EidTokenInvalid(lazy_text("identity.eid.id_token_s_assurance"))
    if not isinstance(claims.get("name"), str) or claims.get("gender") not in _SEXES:
        raise EidTokenInvalid(lazy_text("identity.eid.id_token_lacks_name"))
    try:
        date_of_birth = date.fromisoformat(str(born))
    except ValueError as error:
        raise EidTokenInvalid(lazy_text("identity.eid.id_token_s_birth")) from error
    phone = claims.get("phone_number")
    return EidClaims(subject=claims["sub"], national_id=national_id, full_name=claims["name"],
                     date_of_birth=date_of_birth, sex=claims["gender"],
                     phone=phone if isinstance(phone, str) else None, level=level, acr=claims["acr"])


def _unavailable(error: Exception) -> EidUnavailable:
    log.warning("e-ID provider unavailable: %s", error.__class__.__name__)
    return EidUnavailable(lazy_text("identity.eid.national_e_id_service"))
