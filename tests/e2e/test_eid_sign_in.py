"""Signing in with the national e-ID over real HTTP to the development provider (issue 13, points 1, 2, 5)."""

import pytest

from services.demo.reference import DATA
from services.signatures.demo import load_catalogues
from tests.dossiers_support import BA_DINH
from tests.eid_support import API
from tests.support import PASSWORD, bearer


def _events(client, token):
    answer = client.get(f"{API}/me/security-events", headers=bearer(token))
    assert answer.status_code == 200, answer.json
    return [e["kind"] for e in answer.json["items"]]


def test_the_first_sign_in_opens_a_level_2_account_and_later_ones_sign_in(eid, eid_people):
    client, person = eid.app.test_client(), eid_people.resident(full_name="Hoàng Thị Yến")
    first = eid.sign_in(client, person.national_id)
    assert first.status_code == 200, first.json
    assert first.json["account_created"] is True and first.json["token_type"] == "Bearer"
    assert first.json["account"]["assurance_level"] == 2 and first.json["account"]["full_name"] == "Hoàng Thị Yến"
    me = client.get(f"{API}/me/health/summary", headers=bearer(first.json["access_token"]))
    assert me.status_code == 200  # level 2 opens the health record
    again = eid.sign_in(client, person.national_id, device_name="tablet")
    assert again.status_code == 200 and again.json["account_created"] is False
    assert again.json["account"]["id"] == first.json["account"]["id"]
    assert sorted(_events(client, again.json["access_token"])[:2]) == ["new_device", "sign_in"]


def test_level_1_from_the_provider_then_level_2_raises_the_account(eid, eid_people):
    client, person = eid.app.test_client(), eid_people.resident()
    low = eid.sign_in(client, person.national_id, acr_values="level1")
    assert low.status_code == 200 and low.json["account"]["assurance_level"] == 1
    assert client.get(f"{API}/me/health/summary", headers=bearer(low.json["access_token"])).status_code == 403
    high = eid.sign_in(client, person.national_id)
    assert high.json["account"]["assurance_level"] == 2
    assert "level_changed" in _events(client, high.json["access_token"])


def test_the_level_is_the_higher_of_the_provider_and_the_counter(eid, eid_people):
    client, citizen = eid.app.test_client(), eid_people.citizen(assurance_level=2)
    eid_people.session.commit()
    low = eid.sign_in(client, citizen.national_id, acr_values="level1")
    assert low.status_code == 200 and low.json["account"]["assurance_level"] == 2


def test_a_provider_that_disagrees_with_the_registry_is_identity_mismatch(eid, eid_people):
    client, person = eid.app.test_client(), eid_people.resident()
    eid.changed[person.national_id] = {"full_name": "Người Khác"}
    answer = eid.sign_in(client, person.national_id)
    assert answer.status_code == 422 and answer.json["code"] == "identity_mismatch"
    eid.changed[person.national_id] = {"date_of_birth": "1970-01-01"}
    assert eid.sign_in(client, person.national_id).json["code"] == "identity_mismatch"


def test_a_redirect_uri_off_the_allow_list_is_422(eid):
    answer = eid.app.test_client().get(f"{API}/auth/eid/authorize", query_string={"redirect_uri": "https://evil.example/cb"})
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"


def test_an_unknown_or_replayed_state_is_eid_state_invalid(eid, eid_people):
    client, person = eid.app.test_client(), eid_people.resident()
    unknown = client.post(f"{API}/auth/eid/callback", json={"code": "x", "state": "never-issued"})
    assert unknown.status_code == 400 and unknown.json["code"] == "eid_state_invalid"
    back = eid.code_for(client, person.national_id)
    assert client.post(f"{API}/auth/eid/callback", json=back).status_code == 200
    replayed = client.post(f"{API}/auth/eid/callback", json=back)
    assert replayed.status_code == 400 and replayed.json["code"] == "eid_state_invalid"


def test_a_code_used_twice_is_eid_token_invalid(eid, eid_people):
    client, person = eid.app.test_client(), eid_people.resident()
    back = eid.code_for(client, person.national_id)
    assert client.post(f"{API}/auth/eid/callback", json=back).status_code == 200
    fresh = eid.code_for(client, person.national_id)
    reused = client.post(f"{API}/auth/eid/callback", json={"code": back["code"], "state": fresh["state"]})
    assert reused.status_code == 401 and reused.json["code"] == "eid_token_invalid"


def test_a_wrong_nonce_is_eid_token_invalid(eid, eid_people):
    client, person = eid.app.test_client(), eid_people.resident()
    started = eid.authorize(client, person.national_id).json
    back = eid.consent(started["authorization_url"].replace("nonce=", "nonce=injected"))
    answer = client.post(f"{API}/auth/eid/callback", json=back)
    assert answer.status_code == 401 and answer.json["code"] == "eid_token_invalid"


@pytest.mark.parametrize("kind", ["unknown_key", "forged_signature", "alg_none", "wrong_audience", "expired"])
def test_a_bad_id_token_is_eid_token_invalid(eid, eid_people, kind):
    client, person = eid.app.test_client(), eid_people.resident()
    back = eid.code_for(client, person.national_id)
    eid.provider.tamper_next(kind)
    answer = client.post(f"{API}/auth/eid/callback", json=back)
    assert answer.status_code == 401 and answer.json["code"] == "eid_token_invalid"
    assert answer.mimetype == "application/problem+json"


def test_a_rotated_provider_key_is_followed_by_kid(eid, eid_people):
    client, person = eid.app.test_client(), eid_people.resident()
    assert eid.sign_in(client, person.national_id).status_code == 200
    eid.provider.rotate_key()
    assert eid.sign_in(client, person.national_id).status_code == 200


def test_the_provider_down_or_failing_is_eid_unavailable(eid, eid_people):
    client, person = eid.app.test_client(), eid_people.resident()
    back = eid.code_for(client, person.national_id)
    eid.provider.outage(503)
    answer = client.post(f"{API}/auth/eid/callback", json=back)
    assert answer.status_code == 502 and answer.json["code"] == "eid_unavailable"
    eid.provider.outage(None)


def test_staff_keep_local_accounts(eid, eid_people):
    client, officer = eid.app.test_client(), eid_people.staff("officer")
    eid_people.resident  # noqa: B018 - the officer is in the registry through load_residents below
    from services.reference.residents import load_residents
    load_residents(eid_people.session, [{"national_id": officer.national_id, "full_name": officer.full_name,
                                         "date_of_birth": officer.date_of_birth, "sex": officer.sex,
                                         "district_code": officer.district_code, "phone": "+84912000999"}])
    eid_people.session.commit()
    answer = eid.sign_in(client, officer.national_id)
    assert answer.status_code == 403 and answer.json["code"] == "staff_local_account"


def test_a_level_2_eid_takes_back_an_account_opened_with_another_phone(eid, eid_people):
    client = eid.app.test_client()
    owner = eid_people.resident(phone="+84987111222")   # the phone the carrier has on record
    # Someone who read the ID card opened the account with their own phone (before this issue).
    squatter = eid_people.citizen(assurance_level=1, full_name=owner.full_name)
    from models.identity import Account
    account = eid_people.session.get(Account, squatter.account.id)
    account.national_id, account.national_id_hash = owner.national_id, eid.app.extensions["runtime"].id_hasher(
        owner.national_id)
    eid_people.session.commit()
    squatter.national_id = owner.national_id
    old_token = squatter.access_token
    back = eid.sign_in(client, owner.national_id, device_name="owner's phone")
    assert back.status_code == 200 and back.json["account_created"] is False
    assert back.json["account"]["phone_masked"] == "+84******222"
    assert client.get(f"{API}/me", headers=bearer(old_token)).status_code == 401
    assert client.post(f"{API}/auth/refresh", json={"refresh_token": squatter.refresh_token}).status_code == 401
    assert client.post(f"{API}/auth/token", json={"national_id": owner.national_id,
                                                  "password": PASSWORD}).status_code == 401
    token = back.json["access_token"]
    assert "recovered" in _events(client, token)
    inbox = client.get(f"{API}/me/notifications", headers=bearer(token)).json["items"]
    assert "account_recovered" in [n["kind"] for n in inbox]


def test_an_officer_recovers_an_account_after_an_in_person_check(eid, eid_people):
    client = eid.app.test_client()
    load_catalogues(eid_people.session, DATA)  # the city's one-stop counters
    citizen, officer = eid_people.citizen(assurance_level=1), eid_people.staff("officer", agency_code=BA_DINH)
    body = {"national_id": citizen.national_id, "phone": "0987 333 444"}
    elsewhere = eid_people.staff("officer", agency_code="000.00.20.H26")  # a department without a counter
    refused = client.post(f"{API}/officer/accounts/recover", headers=elsewhere.headers, json=body)
    assert refused.status_code == 403 and refused.json["code"] == "not_identity_counter"
    ended = eid_people.staff("officer", agency_code="000.01.01.H26")  # its counter closed with it on 2025-06-30
    refused = client.post(f"{API}/officer/accounts/recover", headers=ended.headers, json=body)
    assert refused.status_code == 403 and refused.json["code"] == "agency_ended"
    answer = client.post(f"{API}/officer/accounts/recover", headers=officer.headers, json=body)
    assert answer.status_code == 200, answer.json
    assert answer.json["assurance_level"] == 2
    assert client.get(f"{API}/me", headers=citizen.headers).status_code == 401
    signed_in = eid.sign_in(client, citizen.national_id)
    assert signed_in.status_code == 200
    events = client.get(f"{API}/me/security-events", headers=bearer(signed_in.json["access_token"])).json["items"]
    recovered = [e for e in events if e["kind"] == "recovered"]
    assert recovered and recovered[0]["by_officer"] is True and "+84******444" in recovered[0]["detail"]
    tracked = client.get(f"{API}/me/data-access", headers=bearer(signed_in.json["access_token"])).json["items"]
    assert [(e["area"], e["action"], e["agency_code"]) for e in tracked] == [("identity", "account_recovered", BA_DINH)]
    unknown = client.post(f"{API}/officer/accounts/recover", headers=officer.headers,
                          json={"national_id": "001190999999", "phone": "0987333444"})
    assert unknown.status_code == 404
    refused = client.post(f"{API}/officer/accounts/recover", headers=citizen.headers,
                          json={"national_id": citizen.national_id, "phone": "0987333444"})
    assert refused.status_code in (401, 403)
