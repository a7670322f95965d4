"""Devices, ending a session elsewhere, locking, in-person checks, ETag on /me."""
from tests.dossiers_support import BA_DINH
from tests.support import PASSWORD, bearer


def _sign_in(client, person, device):
    return client.post("/api/v1/auth/token", json={"national_id": person.national_id, "password": PASSWORD,
                                                   "device_name": device}).json


def test_sessions_list_and_ending_another_device(client, people):
    person = people.citizen()
    phone = _sign_in(client, person, "iPhone")
    tablet = _sign_in(client, person, "Galaxy Tab")
    listed = client.get("/api/v1/me/sessions", headers=bearer(phone["access_token"])).json
    assert {s["device_name"] for s in listed["items"]} >= {"iPhone", "Galaxy Tab"}
    assert [s["current"] for s in listed["items"] if s["device_name"] == "iPhone"] == [True]
    ended = client.delete(f"/api/v1/me/sessions/{tablet['session_id']}", headers=bearer(phone["access_token"]))
    assert ended.status_code == 204
    assert client.get("/api/v1/me", headers=bearer(tablet["access_token"])).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": tablet["refresh_token"]}).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(phone["access_token"])).status_code == 200


def test_sessions_page_with_a_cursor(client, people):
    person = people.citizen()
    for number in range(4):
        _sign_in(client, person, f"device {number}")
    first = client.get("/api/v1/me/sessions?limit=2", headers=person.headers).json
    second = client.get(f"/api/v1/me/sessions?limit=2&cursor={first['next_cursor']}", headers=person.headers).json
    third = client.get(f"/api/v1/me/sessions?limit=2&cursor={second['next_cursor']}", headers=person.headers).json
    ids = [s["id"] for page in (first, second, third) for s in page["items"]]
    assert len(ids) == 5 == len(set(ids)) and third["next_cursor"] is None


def test_someone_elses_session_is_404(client, people):
    alice, bob = people.citizen(), people.citizen()
    bob_session = client.get("/api/v1/me/sessions", headers=bob.headers).json["items"][0]["id"]
    assert client.delete(f"/api/v1/me/sessions/{bob_session}", headers=alice.headers).status_code == 404


def test_locking_an_account_ends_all_sessions(client, runner, people):
    person = people.citizen()
    result = runner.invoke(args=["accounts", "lock", person.national_id])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/me", headers=person.headers).status_code == 401
    signin = client.post("/api/v1/auth/token", json={"national_id": person.national_id, "password": PASSWORD})
    assert signin.status_code == 403 and signin.json["code"] == "account_locked"


def test_officer_raises_a_citizen_to_level_2(client, people, catalogues):
    officer, citizen = people.staff("officer", agency_code=BA_DINH), people.citizen()
    answer = client.post("/api/v1/officer/identity-verifications", headers=officer.headers,
                         json={"national_id": citizen.national_id, "method": "in_person"})
    assert answer.status_code == 200 and answer.json["assurance_level"] == 2
    assert answer.json["national_id_masked"] == "********" + citizen.national_id[-4:]
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": citizen.refresh_token}).json
    assert client.get("/api/v1/me", headers=bearer(refreshed["access_token"])).json["assurance_level"] == 2


def test_only_officers_verify_and_only_existing_accounts(client, people, catalogues):
    citizen, officer = people.citizen(), people.staff("officer", agency_code=BA_DINH)
    body = {"national_id": citizen.national_id, "method": "in_person"}
    forbidden = client.post("/api/v1/officer/identity-verifications", headers=citizen.headers, json=body)
    assert forbidden.status_code == 403 and forbidden.json["code"] == "forbidden_role"
    missing = client.post("/api/v1/officer/identity-verifications", headers=officer.headers,
                          json={"national_id": "001199000000", "method": "in_person"})
    assert missing.status_code == 404


def test_me_has_an_etag_and_answers_304(client, people):
    person = people.citizen()
    first = client.get("/api/v1/me", headers=person.headers)
    assert first.headers["ETag"]
    again = client.get("/api/v1/me", headers={**person.headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_ending_a_session_or_logging_out_removes_its_push_devices(client, people, db_session):
    from sqlalchemy import select

    from models.notifications import Device

    person = people.citizen()
    phone, tablet = _sign_in(client, person, "iPhone"), _sign_in(client, person, "Galaxy Tab")
    for pair, token in ((phone, "fcm-phone"), (tablet, "fcm-tablet")):
        registered = client.post("/api/v1/me/devices", headers=bearer(pair["access_token"]),
                                 json={"platform": "android", "push_token": token})
        assert registered.status_code == 201

    def tokens() -> set[str]:
        db_session.expire_all()
        return set(db_session.scalars(select(Device.push_token).where(Device.account_id == person.account.id)))

    assert tokens() == {"fcm-phone", "fcm-tablet"}
    assert client.delete(f"/api/v1/me/sessions/{tablet['session_id']}",
                         headers=bearer(phone["access_token"])).status_code == 204
    assert tokens() == {"fcm-phone"}
    assert client.post("/api/v1/auth/logout", headers=bearer(phone["access_token"])).status_code == 204
    assert tokens() == set()
