"""Online issuance for level-2 citizens (Decree 23/2025 art. 34): a texted code instead of a
counter visit, the same certificate profile, the same one open request at a time."""
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from tests.signatures_support import minimal_pdf, sign, submit, verify


def _online(client, citizen):
    return client.post("/api/v1/signature-requests", json={"provider_code": "VNPT-CA", "channel": "online"},
                       headers=citizen.headers)


def test_a_level_2_citizen_gets_a_certificate_online_and_signs_with_it(client, people, catalogues):
    citizen = people.citizen(assurance_level=2)
    started = _online(client, citizen)
    assert started.status_code == 202, started.json
    assert started.json["challenge_id"] and started.json["expires_at"] and started.json["debug_otp"]
    confirm = f"/api/v1/signature-requests/{started.json['id']}/confirm"
    wrong = client.post(confirm, json={"otp": "000000" if started.json["debug_otp"] != "000000" else "111111"},
                        headers=citizen.headers)
    assert wrong.status_code == 400 and wrong.json["code"] == "invalid_otp"
    issued = client.post(confirm, json={"otp": started.json["debug_otp"]},
                         headers={**citizen.headers, "Accept-Language": "en"})
    assert issued.status_code == 200, issued.json
    assert issued.json["status"] == "issued" and issued.json["channel"] == "online"
    assert issued.json["counter_code"] is None and issued.json["certificate_serial"]
    assert [h["to"] for h in issued.json["history"]] == ["submitted", "approved", "issued"]
    # History notes are stored text, read later in any language: written once, in Vietnamese.
    assert [h["note"] for h in issued.json["history"]] == [
        None, "Định danh điện tử mức 2 và mã xác thực gửi qua tin nhắn",
        f"Đã cấp chứng thư số {issued.json['certificate_serial']}"]
    pem = client.get("/api/v1/me/certificates", headers=citizen.headers).json["items"][0]["pem"]
    assert isinstance(x509.load_pem_x509_certificate(pem.encode()).public_key(), ec.EllipticCurvePublicKey)
    signed = sign(client, citizen, minimal_pdf())
    assert signed.status_code == 200 and verify(client, signed.data).json["valid"] is True
    again = client.post(confirm, json={"otp": started.json["debug_otp"]}, headers=citizen.headers)
    assert again.status_code in (400, 409)


def test_one_open_request_whatever_the_channel(client, people, catalogues):
    citizen = people.citizen(assurance_level=2)
    assert _online(client, citizen).status_code == 202
    second = _online(client, citizen)
    assert second.status_code == 409 and second.json["code"] == "open_request_exists"
    assert submit(client, citizen).status_code == 409


def test_below_level_2_is_sent_to_a_counter_or_the_e_id(client, people, catalogues):
    citizen = people.citizen(assurance_level=1)
    refused = _online(client, citizen)
    assert refused.status_code == 403 and refused.json["code"] == "assurance_level_required"
    assert refused.json["required_level"] == 2 and set(refused.json["how"]) == {"eid", "counter"}
    assert submit(client, citizen).status_code == 201  # the counter path stays as it is


def test_the_counter_channel_still_needs_its_counter_and_day(client, people, catalogues):
    citizen = people.citizen()
    answer = client.post("/api/v1/signature-requests", json={"provider_code": "VNPT-CA"}, headers=citizen.headers)
    assert answer.status_code == 422 and set(answer.json["errors"]) >= {"counter_code", "appointment_date"}


def test_only_the_owner_confirms(client, people, catalogues):
    citizen, stranger = people.citizen(assurance_level=2), people.citizen(assurance_level=2)
    started = _online(client, citizen).json
    answer = client.post(f"/api/v1/signature-requests/{started['id']}/confirm", json={"otp": started["debug_otp"]},
                         headers=stranger.headers)
    assert answer.status_code == 404


def test_in_production_the_code_goes_only_to_the_sms_gateway_and_confirms_the_request(production_with_sms):
    """Production: no `debug_otp` in the answer; the local SMS gateway counterpart receives the
    text on the phone on record, and the code read from it issues the certificate."""
    import re

    from services.signatures.demo import load_catalogues
    from tests.signatures_support import DATA
    from tests.support import PeopleFactory

    app, gateway = production_with_sms
    with app.extensions["runtime"].sessions() as session:
        load_catalogues(session, DATA)
        citizen = PeopleFactory(app, session).citizen(assurance_level=2)
        session.commit()
    client = app.test_client()
    started = _online(client, citizen)
    assert started.status_code == 202, started.json
    assert "debug_otp" not in started.json and started.json["challenge_id"]
    [text] = gateway.texts_to(citizen.account.phone)
    code = re.search(r"\b(\d{6})\b", text).group(1)
    issued = client.post(f"/api/v1/signature-requests/{started.json['id']}/confirm", json={"otp": code},
                         headers=citizen.headers)
    assert issued.status_code == 200, issued.json
    assert issued.json["status"] == "issued" and issued.json["certificate_serial"]
