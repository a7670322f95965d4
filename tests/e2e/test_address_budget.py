"""One budget per address for every sign-in door, and real addresses behind the proxy (issue 13, point 7)."""
import re

import pytest

from tests.conftest import join_outer_transaction
from tests.support import PASSWORD

API = "/api/v1"


def _dashboard_sign_in(client, national_id, address):
    page = client.get("/dashboard/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/dashboard/sign-in", data={"national_id": national_id, "password": PASSWORD,
                                                   "csrf_token": token}, environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def limited(make_app):
    built = make_app(AUTH_RATE_LIMIT="4 per minute")
    for app in join_outer_transaction(built):
        yield app


@pytest.fixture
def behind_proxy(make_app):
    built = make_app(AUTH_RATE_LIMIT="2 per minute", TRUSTED_PROXY_COUNT=1)
    for app in join_outer_transaction(built):
        yield app


def test_every_auth_route_and_the_dashboard_sign_in_share_one_budget(limited):
    client, here = limited.test_client(), {"REMOTE_ADDR": "198.51.100.7"}
    body = {"national_id": "001185004321", "password": "wrong password"}
    answers = [
        client.post(f"{API}/auth/token", json=body, environ_base=here),
        client.post(f"{API}/auth/refresh", json={"refresh_token": "x" * 43}, environ_base=here),
        client.post(f"{API}/auth/register/verify", json={"verification_id": "v", "otp": "123456"},
                    environ_base=here),
        _dashboard_sign_in(client, "001185004321", "198.51.100.7"),
    ]
    assert 429 not in [a.status_code for a in answers]
    over = [client.post(f"{API}/auth/token", json=body, environ_base=here),
            _dashboard_sign_in(client, "001185004321", "198.51.100.7")]
    assert [a.status_code for a in over] == [429, 429]
    assert over[0].mimetype == "application/problem+json" and int(over[0].headers["Retry-After"]) > 0
    elsewhere = client.post(f"{API}/auth/token", json=body, environ_base={"REMOTE_ADDR": "198.51.100.8"})
    assert elsewhere.status_code == 401


def test_a_forwarded_address_is_ignored_without_a_trusted_proxy(limited):
    client, body = limited.test_client(), {"national_id": "001185004321", "password": "wrong password"}
    statuses = [client.post(f"{API}/auth/token", json=body, headers={"X-Forwarded-For": f"203.0.113.{n}"},
                            environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code for n in range(5)]
    assert statuses == [401] * 4 + [429]  # spoofing the header does not buy a new budget


def test_behind_one_trusted_proxy_each_client_has_its_own_budget(behind_proxy):
    client, body = behind_proxy.test_client(), {"national_id": "001185004321", "password": "wrong password"}

    def from_(address):
        return client.post(f"{API}/auth/token", json=body, headers={"X-Forwarded-For": address},
                           environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code

    assert [from_("203.0.113.1") for _ in range(3)] == [401, 401, 429]
    assert from_("203.0.113.2") == 401  # another phone behind the same proxy


def test_the_dashboard_answers_a_non_analyst_like_a_wrong_password(client, people):
    citizen, analyst = people.citizen(), people.staff("analyst")
    # a wrong password for the analyst, the right password of a citizen
    page = client.get("/dashboard/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    wrong = client.post("/dashboard/sign-in", data={"national_id": analyst.national_id, "password": "nope nope",
                                                    "csrf_token": token})
    not_analyst = client.post("/dashboard/sign-in", data={"national_id": citizen.national_id, "password": PASSWORD,
                                                          "csrf_token": token})
    assert wrong.status_code == not_analyst.status_code == 401
    assert wrong.get_data() == not_analyst.get_data()
    assert client.get("/dashboard").status_code == 303
