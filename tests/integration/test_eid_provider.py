"""Sign-in with the national e-ID over real HTTP: the relying party against the local provider."""
import json
import socket
import time
import urllib.parse
from datetime import date

import pytest
import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc.jwk import ECKey

from api.problems import status_of
from devservers.eid_provider import EidProvider
from services import errors
from services.identity.eid import STATE_KEY, EidRelyingParty, EidSettings
from services.keyvalue import connect
from tests.conftest import TEST_REDIS_URL

CALLBACK = "ihanoi://eid-callback"
AN = "001090000123"
RESIDENTS = {
    AN: {"full_name": "Nguyễn Thị Lan", "date_of_birth": date(1990, 3, 4), "sex": "female",
         "phone": "+84912345678"},
    "079085000456": {"full_name": "Trần Văn Minh", "date_of_birth": date(1985, 11, 30), "sex": "male"},
}


@pytest.fixture
def client_key():
    return ECKey.generate_key("P-256", parameters={"kid": "ihanoi-rp-1"})


@pytest.fixture
def provider(client_key):
    provider = EidProvider(RESIDENTS.get).start()
    provider.register_client("ihanoi", [CALLBACK], {"keys": [client_key.as_dict(private=False)]})
    yield provider
    provider.stop()


@pytest.fixture
def store():
    return connect(TEST_REDIS_URL)


def relying_party(issuer, client_key, store, **overrides):
    settings = EidSettings(issuer=issuer, client_id="ihanoi", client_key=client_key.as_dict(private=True),
                           redirect_uris=(CALLBACK,), **overrides)
    return EidRelyingParty(settings, store)


@pytest.fixture
def rp(provider, client_key, store):
    return relying_party(provider.issuer, client_key, store)


def consent(url):
    """What the citizen's browser does: open the authorization URL, follow it to the callback."""
    answer = requests.get(url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK + "?")
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def sign_in(rp, national_id=AN, **kw):
    started = rp.authorization_url(CALLBACK, login_hint=national_id, **kw)
    back = consent(started.url)
    assert back["state"] == started.state
    return back["code"], back["state"]


def test_sign_in_gives_the_registry_person_at_level_2(rp, store):
    started = rp.authorization_url(CALLBACK, login_hint=AN)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(started.url).query))
    assert query["code_challenge_method"] == "S256" and query["nonce"] and query["state"] == started.state
    assert 590 <= store.ttl(STATE_KEY + started.state) <= 600

    back = consent(started.url)
    claims = rp.complete(back["code"], back["state"], CALLBACK)

    assert (claims.national_id, claims.full_name, claims.date_of_birth, claims.sex, claims.phone) == (
        AN, "Nguyễn Thị Lan", date(1990, 3, 4), "female", "+84912345678")
    assert (claims.level, claims.acr) == (2, "level2")


def test_acr_values_level1_gives_level_1(rp):
    claims = rp.complete(*sign_in(rp, "079085000456", acr_values="level1"))
    assert (claims.national_id, claims.level, claims.phone) == ("079085000456", 1, None)


def test_acr_mapping_is_configurable(provider, client_key, store):
    rp = relying_party(provider.issuer, client_key, store, acr_levels={"level1": 1, "level2": 3})
    assert rp.complete(*sign_in(rp)).level == 3


def test_a_redirect_uri_off_the_allow_list_is_refused(rp):
    with pytest.raises(errors.ValidationFailed) as refused:
        rp.authorization_url("https://evil.example/cb", login_hint=AN)
    assert refused.value.code == "redirect_uri_not_allowed" and status_of(refused.value) == 422


def test_the_provider_refuses_an_unknown_resident(rp):
    started = rp.authorization_url(CALLBACK, login_hint="001099999999")
    assert consent(started.url)["error"] == "access_denied"


def test_the_provider_requires_pkce_s256(rp):
    url = rp.authorization_url(CALLBACK, login_hint=AN).url
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if not k.startswith("code_challenge")]
    back = consent(parts._replace(query=urllib.parse.urlencode(query)).geturl())
    assert back["error"] == "invalid_request" and "code" not in back


def test_a_rotated_provider_key_still_verifies_after_one_jwks_refresh(rp, provider):
    rp.complete(*sign_in(rp))
    old = provider.jwks()["keys"][0]["kid"]
    new = provider.rotate_key()
    assert [key["kid"] for key in provider.jwks()["keys"]] == [new] != [old]

    assert rp.complete(*sign_in(rp)).national_id == AN
    assert provider.hits["/jwks"] == 2
    rp.complete(*sign_in(rp))
    assert provider.hits["/jwks"] == 2


def test_a_replayed_state_is_refused(rp):
    code, state = sign_in(rp)
    rp.complete(code, state)
    with pytest.raises(errors.EidStateInvalid) as refused:
        rp.complete(code, state)
    assert refused.value.code == "eid_state_invalid" and status_of(refused.value) == 400


def test_an_unknown_state_is_refused(rp):
    code, _ = sign_in(rp)
    with pytest.raises(errors.EidStateInvalid):
        rp.complete(code, "made-up-state")


def test_an_expired_state_is_refused(provider, client_key, store):
    rp = relying_party(provider.issuer, client_key, store, state_ttl_seconds=1)
    code, state = sign_in(rp)
    time.sleep(1.3)
    with pytest.raises(errors.EidStateInvalid):
        rp.complete(code, state)


def test_a_callback_with_another_redirect_uri_is_refused(rp):
    code, state = sign_in(rp)
    with pytest.raises(errors.EidStateInvalid):
        rp.complete(code, state, "ihanoi://other")


def test_a_wrong_nonce_is_refused(rp):
    """A code obtained with another nonce (injected into the authorization request)."""
    started = rp.authorization_url(CALLBACK, login_hint=AN)
    back = consent(started.url.replace("nonce=", "nonce=injected"))
    with pytest.raises(errors.EidTokenInvalid) as refused:
        rp.complete(back["code"], back["state"])
    assert refused.value.code == "eid_token_invalid" and status_of(refused.value) == 401


@pytest.mark.parametrize("tampering", ["unknown_key", "forged_signature", "alg_none", "wrong_audience",
                                       "expired"])
def test_a_spoilt_id_token_is_refused(rp, provider, tampering):
    rp.complete(*sign_in(rp))  # the JWKS is cached
    code, state = sign_in(rp)
    provider.tamper_next(tampering)
    with pytest.raises(errors.EidTokenInvalid):
        rp.complete(code, state)
    # an unknown kid costs one JWKS refresh, then the token is refused; a known kid none
    assert provider.hits["/jwks"] == (2 if tampering == "unknown_key" else 1)
    assert rp.complete(*sign_in(rp)).national_id == AN  # the next, unspoilt token passes


def test_a_token_signed_with_an_algorithm_not_pinned_is_refused(provider, client_key, store):
    rp = relying_party(provider.issuer, client_key, store, algorithms=("RS256",))
    with pytest.raises(errors.EidTokenInvalid):
        rp.complete(*sign_in(rp))


def test_alg_none_cannot_be_configured(provider, client_key, store):
    with pytest.raises(ValueError):
        relying_party(provider.issuer, client_key, store, algorithms=("ES256", "none"))


def token_session(provider, key):
    session = OAuth2Session("ihanoi", key, token_endpoint_auth_method="private_key_jwt", redirect_uri=CALLBACK)
    session.register_client_auth_method(PrivateKeyJWT(provider.token_endpoint, headers={"kid": key.kid},
                                                      alg="ES256"))
    return session


def test_a_code_is_good_once(rp, provider, client_key, store):
    started = rp.authorization_url(CALLBACK, login_hint=AN)
    back = consent(started.url)
    verifier = json.loads(store.get(STATE_KEY + started.state))["verifier"]
    exchange = dict(grant_type="authorization_code", code=back["code"], code_verifier=verifier)
    first = token_session(provider, client_key).fetch_token(provider.token_endpoint, **exchange)
    assert "id_token" in first
    with pytest.raises(OAuthError) as again:
        token_session(provider, client_key).fetch_token(provider.token_endpoint, **exchange)
    assert again.value.error == "invalid_grant"

    with pytest.raises(errors.EidTokenInvalid):
        rp.complete(back["code"], back["state"])


def test_the_token_endpoint_refuses_a_client_key_it_does_not_know(rp, provider, store):
    started = rp.authorization_url(CALLBACK, login_hint=AN)
    back = consent(started.url)
    verifier = json.loads(store.get(STATE_KEY + started.state))["verifier"]
    stranger = ECKey.generate_key("P-256", parameters={"kid": "ihanoi-rp-1"})
    with pytest.raises(OAuthError) as refused:
        token_session(provider, stranger).fetch_token(
            provider.token_endpoint, grant_type="authorization_code", code=back["code"],
            code_verifier=verifier)
    assert refused.value.error == "invalid_client"


def test_a_relying_party_with_a_key_the_provider_does_not_know_is_eid_unavailable(provider, store):
    stranger = ECKey.generate_key("P-256", parameters={"kid": "ihanoi-rp-1"})
    rp = relying_party(provider.issuer, stranger, store)
    with pytest.raises(errors.EidUnavailable):
        rp.complete(*sign_in(rp))


def test_the_token_endpoint_refuses_a_wrong_pkce_verifier(rp, provider, client_key):
    code, _ = sign_in(rp)
    with pytest.raises(OAuthError) as refused:
        token_session(provider, client_key).fetch_token(
            provider.token_endpoint, grant_type="authorization_code", code=code, code_verifier="x" * 43)
    assert refused.value.error == "invalid_grant"


def test_the_provider_down_is_eid_unavailable(rp, provider, client_key, store):
    code, state = sign_in(rp)
    provider.stop()  # connection refused
    with pytest.raises(errors.EidUnavailable) as down:
        rp.complete(code, state)
    assert down.value.code == "eid_unavailable" and status_of(down.value) == 502

    fresh = relying_party(provider.issuer, client_key, store)
    with pytest.raises(errors.EidUnavailable):
        fresh.authorization_url(CALLBACK, login_hint=AN)

    provider.start()  # back at the same address: sign-in works again
    assert fresh.complete(*sign_in(fresh)).national_id == AN


@pytest.mark.parametrize("status", [500, 503])
def test_the_provider_answering_5xx_is_eid_unavailable(rp, provider, status):
    code, state = sign_in(rp)
    provider.outage(status)
    with pytest.raises(errors.EidUnavailable):
        rp.complete(code, state)


def test_discovery_answering_5xx_is_eid_unavailable(provider, client_key, store):
    provider.outage(500)
    with pytest.raises(errors.EidUnavailable):
        relying_party(provider.issuer, client_key, store).authorization_url(CALLBACK)


def test_a_provider_that_never_answers_is_eid_unavailable(client_key, store):
    with socket.socket() as silent:  # accepts the connection (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        issuer = f"http://127.0.0.1:{silent.getsockname()[1]}"
        rp = relying_party(issuer, client_key, store, timeout_seconds=0.3)
        started = time.monotonic()
        with pytest.raises(errors.EidUnavailable):
            rp.authorization_url(CALLBACK)
        assert time.monotonic() - started < 3
