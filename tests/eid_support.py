"""Arranging e-ID tests: the development provider on a free loopback port, an app that trusts it,
and what the citizen's phone does between the two (open the URL, follow it to the callback)."""
from __future__ import annotations

import json
import urllib.parse

import pytest
import requests
from joserfc.jwk import ECKey

from api.eid_development import registry_lookup
from devservers.eid_provider import EidProvider
from services.demo.reference import seed_reference_data

CALLBACK = "ihanoi://eid-callback"
API = "/api/v1"


class EidWorld:
    def __init__(self, provider: EidProvider, app) -> None:
        self.provider, self.app = provider, app
        self.changed: dict[str, dict] = {}  # national_id -> claims the provider says differently

    def authorize(self, client, national_id: str, **query):
        return client.get(f"{API}/auth/eid/authorize", query_string={
            "redirect_uri": CALLBACK, "login_hint": national_id, **query})

    def consent(self, url: str) -> dict[str, str]:
        answer = requests.get(url, allow_redirects=False, timeout=5)
        assert answer.status_code == 302, answer.text
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(answer.headers["Location"]).query))

    def code_for(self, client, national_id: str, **query) -> dict[str, str]:
        started = self.authorize(client, national_id, **query)
        assert started.status_code == 200, started.json
        return self.consent(started.json["authorization_url"])

    def sign_in(self, client, national_id: str, device_name: str = "phone", **query):
        back = self.code_for(client, national_id, **query)
        return client.post(f"{API}/auth/eid/callback", json={**back, "device_name": device_name})


@pytest.fixture(scope="module")
def eid_world(make_app):
    key = ECKey.generate_key("P-256", parameters={"kid": "ihanoi-test-1"})
    holder: dict = {}
    read = registry_lookup(lambda: holder["app"].extensions["runtime"].sessions())

    def lookup(national_id):
        found = read(national_id)
        return {**found, **holder["world"].changed.get(national_id, {})} if found else None

    provider = EidProvider(lookup).start()
    provider.register_client("ihanoi", [CALLBACK], {"keys": [key.as_dict(private=False)]})
    app = make_app(EID_ISSUER=provider.issuer, EID_CLIENT_KEY=json.dumps(key.as_dict(private=True)))
    holder["app"], holder["world"] = app, EidWorld(provider, app)
    with app.extensions["runtime"].sessions() as session, session.begin():
        seed_reference_data(session)
    yield holder["world"]
    provider.stop()


@pytest.fixture
def eid(eid_world):
    """The module's e-ID app inside this test's rolled-back transaction, the provider healthy."""
    from tests.conftest import join_outer_transaction

    eid_world.provider.outage(None)
    eid_world.changed.clear()
    for _ in join_outer_transaction(eid_world.app):
        yield eid_world


@pytest.fixture
def eid_people(eid):
    from tests.support import PeopleFactory

    with eid.app.extensions["runtime"].sessions() as session:
        yield PeopleFactory(eid.app, session)
