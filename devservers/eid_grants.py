"""Authlib's server-side pieces the development e-ID provider is made of: the registered
relying party, the issued code, PKCE S256 for every client, the code grant with OpenID Connect
(nonce required, ID token signed as the provider says) and `private_key_jwt` client assertions.

`provider` below is a devservers.eid_provider.EidProvider (its keys, codes and test knobs)."""
from __future__ import annotations

import hashlib
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError, grants
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.util import create_half_hash
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import KeySet

if TYPE_CHECKING:
    from devservers.eid_provider import EidProvider

NATIONAL_ID_CLAIM = "national_id"
ACR_LEVEL_1, ACR_LEVEL_2 = "level1", "level2"
CLIENT_AUTH_METHOD = "private_key_jwt"
SCOPES = ("openid", "profile", "phone")
ID_TOKEN_TTL_SECONDS = 300


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


class S256Only(CodeChallenge):
    """PKCE required of every client (confidential ones too), S256 only."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with code_challenge_method=S256 is required.")
        super().validate_code_challenge(grant, redirect_uri)


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = [CLIENT_AUTH_METHOD]

    @property
    def provider(self) -> "EidProvider":
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


class OpenIDCodeWithKeys(OpenIDCode):
    def __init__(self, provider: "EidProvider") -> None:
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


class PrivateKeyJWTAssertion(JWTBearerClientAssertion):
    """private_key_jwt: the assertion is signed by a key in the client's registered JWKS."""

    CLIENT_AUTH_METHOD = CLIENT_AUTH_METHOD

    def __init__(self, provider: "EidProvider") -> None:
        super().__init__(validate_jti=True)
        self.provider = provider

    def get_audiences(self) -> list[str]:
        return [self.provider.token_endpoint, self.provider.issuer]

    def validate_jti(self, claims: Mapping[str, Any], jti: str) -> bool:
        return self.provider.first_use_of_jti(claims["sub"], jti)

    def resolve_client_public_key(self, client: RelyingParty) -> KeySet:
        return KeySet.import_key_set(dict(client.jwks))
