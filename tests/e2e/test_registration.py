"""Sign-up against the population registry, confirmed by phone OTP."""
from datetime import date, timedelta

import pytest

from services.clock import clock
from tests.support import PeopleFactory, bearer


def register_body(person, **changes):
    body = {"national_id": person.national_id, "full_name": person.full_name,
            "date_of_birth": person.date_of_birth.isoformat(), "phone": "0912 345 678",
            "password": "mật khẩu an toàn"}
    body.update(changes)
    return body


def test_register_then_verify_opens_a_level_1_account(client, people):
    person = people.resident(full_name="Phạm Thu Hà")
    started = client.post("/api/v1/auth/register", json=register_body(person, full_name="  phạm thu  HÀ "))
    assert started.status_code == 202, started.json
    assert len(started.json["debug_otp"]) == 6
    done = client.post("/api/v1/auth/register/verify", json={
        "verification_id": started.json["verification_id"], "otp": started.json["debug_otp"]})
    assert done.status_code == 201, done.json
    assert done.json["token_type"] == "Bearer" and done.json["expires_in"] <= 900
    account = done.json["account"]
    assert account["assurance_level"] == 1 and account["roles"] == ["citizen"]
    assert account["national_id_masked"] == person.national_id[:3] + "*******" + person.national_id[-2:]
    assert account["phone_masked"] == "+84******678"
    me = client.get("/api/v1/me", headers=bearer(done.json["access_token"]))
    assert me.status_code == 200 and me.json["full_name"] == "Phạm Thu Hà"
    assert me.json["district_code"] == person.district_code


@pytest.mark.parametrize("national_id", ["00119000000", "0011900000ab", "001290000001"])
def test_malformed_id_numbers_are_422_on_the_field(client, people, national_id):
    person = people.resident(born=date(1990, 5, 17))
    answer = client.post("/api/v1/auth/register", json=register_body(person, national_id=national_id))
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert answer.json["code"] == "malformed_national_id"
    assert "national_id" in answer.json["errors"]


def test_unknown_id_and_any_mismatch_give_the_same_answer(client, people):
    person = people.resident(full_name="Vũ Văn Nam", sex="male")
    unknown = register_body(person, national_id=person.national_id[:-4] + "9999")
    wrong_name = register_body(person, full_name="Vu Van Nam")  # diacritics matter
    wrong_birth = register_body(person, date_of_birth=(person.date_of_birth + timedelta(days=1)).isoformat())
    answers = [client.post("/api/v1/auth/register", json=body) for body in (unknown, wrong_name, wrong_birth)]
    assert {a.status_code for a in answers} == {422}
    bodies = [{k: v for k, v in a.json.items()} for a in answers]
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["code"] == "identity_mismatch"


def test_a_second_registration_is_409(client, people):
    person = people.citizen()
    answer = client.post("/api/v1/auth/register", json=register_body(person))
    assert answer.status_code == 409 and answer.json["code"] == "already_registered"


def test_children_under_14_cannot_register(client, people):
    child = people.resident(born=date.today() - timedelta(days=365 * 10), sex="male")
    answer = client.post("/api/v1/auth/register", json=register_body(child))
    assert answer.status_code == 422 and answer.json["code"] == "underage"


def test_wrong_otp_is_400_and_the_fifth_wrong_try_kills_the_verification(client, people):
    person = people.resident()
    started = client.post("/api/v1/auth/register", json=register_body(person)).json
    wrong = "000000" if started["debug_otp"] != "000000" else "111111"
    codes = [client.post("/api/v1/auth/register/verify",
                         json={"verification_id": started["verification_id"], "otp": wrong})
             for _ in range(5)]
    assert [c.status_code for c in codes] == [400, 400, 400, 400, 429]
    assert codes[0].json["code"] == "invalid_otp"
    assert codes[-1].headers["Retry-After"]
    right = client.post("/api/v1/auth/register/verify",
                        json={"verification_id": started["verification_id"], "otp": started["debug_otp"]})
    assert right.status_code == 429  # dead even with the right code


def test_an_otp_is_single_use(client, people):
    person = people.resident()
    started = client.post("/api/v1/auth/register", json=register_body(person)).json
    body = {"verification_id": started["verification_id"], "otp": started["debug_otp"]}
    assert client.post("/api/v1/auth/register/verify", json=body).status_code == 201
    again = client.post("/api/v1/auth/register/verify", json=body)
    assert again.status_code == 400 and again.json["code"] == "otp_expired"


def test_an_otp_expires_after_five_minutes(client, people, monkeypatch):
    person = people.resident()
    started = client.post("/api/v1/auth/register", json=register_body(person)).json
    later = clock.now() + timedelta(minutes=5, seconds=1)
    clock.freeze(later)
    answer = client.post("/api/v1/auth/register/verify",
                         json={"verification_id": started["verification_id"], "otp": started["debug_otp"]})
    assert answer.status_code == 400 and answer.json["code"] == "otp_expired"


def test_production_never_returns_the_otp(production_with_sms):
    app, gateway = production_with_sms
    with app.extensions["runtime"].sessions() as session:
        person = PeopleFactory(app, session).resident()
        session.commit()
    answer = app.test_client().post("/api/v1/auth/register", json=register_body(person))
    assert answer.status_code == 202
    assert "debug_otp" not in answer.json
    [sms_text] = gateway.texts_to("+84912345678")
    # In Vietnamese (no account yet, no Accept-Language), folded to one GSM-7 segment.
    assert sms_text.startswith("iHanoi: ma dang ky cua ban la ")
