"""Access tokens: strict verification, expiry, denylist; refresh rotation and reuse."""
import base64
import json
import time
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.support import PASSWORD, bearer


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _claims(person, app, **changes):
    now = int(time.time())
    settings = app.extensions["runtime"].settings
    claims = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience,
              "sub": str(person.account.id), "jti": uuid.uuid4().hex, "iat": now, "exp": now + 300,
              "roles": ["citizen"], "assurance_level": 1}
    claims.update(changes)
    return claims


def _our_kid(app):
    return app.extensions["runtime"].tokens.jwks()["keys"][0]["kid"]


def _sign_with_our_key(app, claims, **headers):
    key = app.extensions["runtime"].tokens._key.private_key
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": _our_kid(app), **headers})


def test_sign_in_gives_a_token_that_opens_me(client, people):
    person = people.citizen()
    answer = client.post("/api/v1/auth/token", json={"national_id": person.national_id, "password": PASSWORD,
                                                     "device_name": "Pixel 8"})
    assert answer.status_code == 200
    header = jwt.get_unverified_header(answer.json["access_token"])
    assert header["alg"] == "EdDSA" and header["kid"] == client.get("/.well-known/jwks.json").json["keys"][0]["kid"]
    claims = jwt.decode(answer.json["access_token"], options={"verify_signature": False})
    assert {"iss", "aud", "sub", "jti", "exp", "iat", "roles", "assurance_level"} <= set(claims)
    assert claims["exp"] - claims["iat"] <= 900
    assert client.get("/api/v1/me", headers=bearer(answer.json["access_token"])).status_code == 200


def test_jwks_verifies_our_tokens(client, people):
    person = people.citizen()
    jwk = client.get("/.well-known/jwks.json").json["keys"][0]
    public_key = jwt.PyJWK(jwk).key
    claims = jwt.decode(person.access_token, public_key, algorithms=["EdDSA"], audience="ihanoi-app")
    assert claims["sub"] == str(person.account.id)


def test_wrong_password_and_unknown_id_are_the_same_401(client, people):
    person = people.citizen()
    wrong = client.post("/api/v1/auth/token", json={"national_id": person.national_id, "password": "nope-nope"})
    unknown = client.post("/api/v1/auth/token", json={"national_id": "001199999999", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json and wrong.json["code"] == "invalid_credentials"


def test_five_failures_lock_sign_in_with_retry_after(client, people):
    person = people.citizen()
    for _ in range(5):
        assert client.post("/api/v1/auth/token",
                           json={"national_id": person.national_id, "password": "wrong-password"}).status_code == 401
    locked = client.post("/api/v1/auth/token", json={"national_id": person.national_id, "password": PASSWORD})
    assert locked.status_code == 429 and locked.json["code"] == "too_many_attempts"
    assert 0 < int(locked.headers["Retry-After"]) <= 900


def test_forged_tokens_are_refused(client, app, people):
    person = people.citizen()
    claims = _claims(person, app)
    public_pem = app.extensions["runtime"].tokens._key.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    unsigned = ".".join([_b64(json.dumps({"alg": "none", "typ": "JWT", "kid": _our_kid(app)}).encode()),
                         _b64(json.dumps(claims).encode()), ""])
    hs256_with_public_key = ".".join([
        _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": _our_kid(app)}).encode()),
        _b64(json.dumps(claims).encode())])
    import hashlib
    import hmac
    hs256_with_public_key += "." + _b64(hmac.new(public_pem, hs256_with_public_key.encode(), hashlib.sha256).digest())
    other_key = Ed25519PrivateKey.generate()
    forged = {
        "alg none": unsigned,
        "HS256 with the public key": hs256_with_public_key,
        "expired": _sign_with_our_key(app, _claims(person, app, exp=int(time.time()) - 10)),
        "wrong audience": _sign_with_our_key(app, _claims(person, app, aud="someone-else")),
        "unknown kid": jwt.encode(claims, other_key, algorithm="EdDSA", headers={"kid": "not-ours"}),
        "our kid, other key": jwt.encode(claims, other_key, algorithm="EdDSA", headers={"kid": _our_kid(app)}),
        "jku pointing elsewhere": jwt.encode(claims, other_key, algorithm="EdDSA",
                                            headers={"kid": _our_kid(app), "jku": "http://127.0.0.1:1/jwks"}),
        "no exp": _sign_with_our_key(app, {k: v for k, v in claims.items() if k != "exp"}),
    }
    for name, token in forged.items():
        answer = client.get("/api/v1/me", headers=bearer(token))
        assert answer.status_code == 401, name
        assert answer.mimetype == "application/problem+json", name
    assert client.get("/api/v1/me", headers=bearer(forged["expired"])).json["code"] == "token_expired"


def test_refresh_rotates_and_reuse_revokes_the_family(client, people):
    person = people.citizen()
    first = client.post("/api/v1/auth/refresh", json={"refresh_token": person.refresh_token})
    assert first.status_code == 200
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first.json["refresh_token"]})
    assert second.status_code == 200
    reused = client.post("/api/v1/auth/refresh", json={"refresh_token": person.refresh_token})
    assert reused.status_code == 401 and reused.json["code"] == "refresh_token_reused"
    # the whole family is gone: the newest refresh token and every access token of it
    newest = client.post("/api/v1/auth/refresh", json={"refresh_token": second.json["refresh_token"]})
    assert newest.status_code == 401
    assert client.get("/api/v1/me", headers=bearer(second.json["access_token"])).status_code == 401


def test_logout_kills_the_access_and_refresh_token_at_once(client, people):
    person = people.citizen()
    assert client.get("/api/v1/me", headers=person.headers).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=person.headers).status_code == 204
    me = client.get("/api/v1/me", headers=person.headers)
    assert me.status_code == 401 and me.json["code"] == "token_revoked"
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": person.refresh_token}).status_code == 401
