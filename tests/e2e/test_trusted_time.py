"""Revocation judged by trusted time (issue 14, point 9): a timestamp earlier than the
revocation keeps a signature valid as of that time; without one, the signer's own clock proves
nothing, and a compromised key makes the signature invalid."""
import io

import pytest
from sqlalchemy import select

from models.signatures import Certificate
from services.signatures import certificates
from services.signatures.signing import pades_sign
from tests.signatures_support import issued_certificate, minimal_pdf, verify


def _sign(client, citizen, level: str) -> bytes:
    challenge = client.post("/api/v1/signatures/challenges", headers=citizen.headers).json
    signed = client.post("/api/v1/signatures/sign", headers=citizen.headers, content_type="multipart/form-data",
                         data={"challenge_id": challenge["challenge_id"], "otp": challenge["debug_otp"],
                               "level": level, "file": (io.BytesIO(minimal_pdf()), "don.pdf", "application/pdf")})
    assert signed.status_code == 200, signed.json
    return signed.data


def _without_timestamp(app, db_session, serial: str) -> bytes:
    """A B-B signature made with the holder's own key: no timestamp, only the signer's clock."""
    rt = app.extensions["runtime"]
    certificate = db_session.scalar(select(Certificate).where(Certificate.serial == serial))
    key = rt.vault.open(certificates.sealed_key_of(db_session, certificate), serial)
    return pades_sign(minimal_pdf(), certificate.pem, rt.authority.chain_pem(), key, "Người ký")


def _revoke(client, citizen, serial, reason):
    answer = client.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": reason}, headers=citizen.headers)
    assert answer.status_code == 200


@pytest.mark.parametrize("level", ["B-T", "B-LT"])
def test_signed_then_key_compromised_is_still_valid_at_its_timestamp(client, people, catalogues, wall_clock,
                                                                      level):
    citizen, _, serial = issued_certificate(client, people)
    signed = _sign(client, citizen, level)
    wall_clock.move(seconds=5)  # revocation times are whole seconds: revoke strictly later
    _revoke(client, citizen, serial, "key_compromise")
    report = verify(client, signed).json
    assert report["valid"] is True and report["signed_at_source"] == "timestamp"
    assert report["revoked"] is False and report["revocation_status"] == "revoked_after_signing"
    assert report["revocation_reason"] == "key_compromise"
    assert "dấu thời gian tin cậy" in report["summary"]


def test_without_a_timestamp_a_compromised_key_is_not_valid(client, app, people, catalogues, db_session):
    citizen, _, serial = issued_certificate(client, people)
    untimestamped = _without_timestamp(app, db_session, serial)
    fine = verify(client, untimestamped).json
    assert fine["valid"] is True and fine["signed_at_source"] == "claimed"
    _revoke(client, citizen, serial, "key_compromise")
    report = verify(client, untimestamped).json
    assert report["valid"] is False and report["status"] == "invalid" and report["revoked"] is None
    assert report["revocation_status"] == "revoked_without_trusted_time" and "key_compromised" in report["problems"]


def test_without_a_timestamp_another_revocation_is_indeterminate(client, app, people, catalogues, db_session):
    citizen, _, serial = issued_certificate(client, people)
    untimestamped = _without_timestamp(app, db_session, serial)
    _revoke(client, citizen, serial, "cessation_of_operation")
    report = verify(client, untimestamped).json
    assert report["status"] == "indeterminate" and report["valid"] is False
    assert "no_timestamp_before_revocation" in report["problems"]


def test_my_signing_history_keeps_name_hash_time_serial_and_level_only(client, people, catalogues, db_session):
    import hashlib

    from models.signatures import DocumentSignature

    citizen, _, serial = issued_certificate(client, people)
    b_t = _sign(client, citizen, "B-T")
    b_lt = _sign(client, citizen, "B-LT")
    other, _, _ = issued_certificate(client, people)
    _sign(client, other, "B-T")
    history = client.get("/api/v1/me/signatures", headers=citizen.headers, query_string={"limit": 1})
    assert history.status_code == 200 and len(history.json["items"]) == 1 and history.json["next_cursor"]
    rest = client.get("/api/v1/me/signatures", headers=citizen.headers,
                      query_string={"cursor": history.json["next_cursor"]}).json["items"]
    items = history.json["items"] + rest
    assert [i["level"] for i in items] == ["B-LT", "B-T"]
    assert [i["sha256"] for i in items] == [hashlib.sha256(b_lt).hexdigest(), hashlib.sha256(b_t).hexdigest()]
    assert {i["certificate_serial"] for i in items} == {serial} and items[0]["file_name"] == "don.pdf"
    assert verify(client, b_lt).json["signed_at"][:19] == items[0]["signed_at"][:19]  # the timestamp's time
    stored = {c.name for c in DocumentSignature.__table__.columns}
    assert not stored & {"content", "data", "pdf"}
