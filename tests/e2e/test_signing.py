"""Signing a PDF with the holder's key after a texted code, and verifying it."""
import io
from dataclasses import replace


from services.identity import national_id as cccd
from services.signatures.authority import CertificateAuthorityError
from tests.signatures_support import issued_certificate, minimal_pdf, sign, verify


def test_sign_then_verify_is_valid(client, people, catalogues):
    citizen, _, serial = issued_certificate(client, people)
    signed = sign(client, citizen, minimal_pdf(), "đơn đề nghị.pdf")
    assert signed.status_code == 200 and signed.mimetype == "application/pdf"
    assert signed.data.startswith(b"%PDF") and b"/ETSI.CAdES.detached" in signed.data
    assert signed.headers["X-Certificate-Serial"] == serial
    report = verify(client, signed.data).json
    assert report["valid"] is True and report["status"] == "valid"
    assert report["intact"] is True and report["chain_trusted"] is True and report["revoked"] is False
    assert report["signer_masked"] == cccd.mask(citizen.national_id)
    assert report["certificate_serial"] == serial and report["signed_at_source"] == "timestamp"
    assert report["signed_at"] and report["revocation_status"] == "good"


def test_a_byte_changed_after_signing_is_invalid(client, people, catalogues):
    citizen, _, _ = issued_certificate(client, people)
    signed = sign(client, citizen, minimal_pdf("Toi dong y")).data
    at = signed.index(b"Toi dong y")
    tampered = signed[:at] + b"X" + signed[at + 1:]
    report = verify(client, tampered).json
    assert report["intact"] is False and report["valid"] is False and report["status"] == "invalid"


def test_a_second_signature_keeps_the_first_intact(client, people, catalogues):
    first, _, _ = issued_certificate(client, people)
    second, _, _ = issued_certificate(client, people)
    once = sign(client, first, minimal_pdf()).data
    twice = sign(client, second, once).data
    report = verify(client, twice).json
    assert [s["valid"] for s in report["signatures"]] == [True, True]
    assert [s["signer_masked"] for s in report["signatures"]] == [cccd.mask(first.national_id),
                                                                 cccd.mask(second.national_id)]


def test_a_code_signs_one_document_once(client, people, catalogues):
    citizen, _, _ = issued_certificate(client, people)
    challenge = client.post("/api/v1/signatures/challenges", headers=citizen.headers).json
    form = {"challenge_id": challenge["challenge_id"], "otp": challenge["debug_otp"]}

    def attempt(otp):
        return client.post("/api/v1/signatures/sign", headers=citizen.headers, content_type="multipart/form-data",
                           data={**form, "otp": otp, "file": (io.BytesIO(minimal_pdf()), "a.pdf")})

    wrong = attempt("000000" if challenge["debug_otp"] != "000000" else "111111")
    assert wrong.status_code == 400 and wrong.json["code"] == "invalid_otp"
    assert attempt(challenge["debug_otp"]).status_code == 200
    reused = attempt(challenge["debug_otp"])
    assert reused.status_code == 400 and reused.json["code"] == "otp_expired"


def test_someone_elses_code_does_not_sign(client, people, catalogues):
    owner, _, _ = issued_certificate(client, people)
    thief, _, _ = issued_certificate(client, people)
    challenge = client.post("/api/v1/signatures/challenges", headers=owner.headers).json
    answer = client.post("/api/v1/signatures/sign", headers=thief.headers, content_type="multipart/form-data",
                         data={"challenge_id": challenge["challenge_id"], "otp": challenge["debug_otp"],
                               "file": (io.BytesIO(minimal_pdf()), "a.pdf")})
    assert answer.status_code == 400


def test_without_a_certificate_there_is_no_code(client, people, catalogues):
    answer = client.post("/api/v1/signatures/challenges", headers=people.citizen().headers)
    assert answer.status_code == 409 and answer.json["code"] == "no_valid_certificate"


def test_revoked_certificate_cannot_sign_and_older_signatures_report_revoked_after(client, people, catalogues,
                                                                                    wall_clock):
    citizen, _, serial = issued_certificate(client, people)
    before = sign(client, citizen, minimal_pdf()).data
    wall_clock.move(seconds=2)  # CRL times are whole seconds: revoke in a later second than the timestamp
    pending = client.post("/api/v1/signatures/challenges", headers=citizen.headers).json
    revoked = client.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "key_compromise"},
                          headers=citizen.headers)
    assert revoked.status_code == 200
    refused = client.post("/api/v1/signatures/challenges", headers=citizen.headers)
    assert refused.status_code == 409 and refused.json["code"] == "certificate_not_valid"
    assert refused.json["current"] == "revoked"
    late = client.post("/api/v1/signatures/sign", headers=citizen.headers, content_type="multipart/form-data",
                       data={"challenge_id": pending["challenge_id"], "otp": pending["debug_otp"],
                             "file": (io.BytesIO(minimal_pdf()), "a.pdf")})
    assert late.status_code == 409 and late.json["code"] == "certificate_not_valid"
    report = verify(client, before).json
    assert report["revoked"] is False and report["revocation_status"] == "revoked_after_signing"
    assert report["valid"] is True and report["revocation_reason"] == "key_compromise"
    assert report["revoked_at"]


class NoRevocationAuthority:
    """The city CA with neither its CRL signer nor its OCSP responder."""

    def __init__(self, real):
        self.real = real

    def crl(self, *args, **kwargs):
        raise CertificateAuthorityError("CRL signer offline")

    def ocsp_key_pair(self):
        raise CertificateAuthorityError("OCSP responder offline")

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_revocation_that_cannot_be_established_is_never_valid(client, app, people, catalogues, monkeypatch):
    citizen, _, _ = issued_certificate(client, people)
    signed = sign(client, citizen, minimal_pdf()).data
    parts = app.extensions["runtime"]
    monkeypatch.setattr(parts, "authority", NoRevocationAuthority(parts.authority))
    report = verify(client, signed).json
    assert report["status"] == "indeterminate" and report["valid"] is False
    assert report["intact"] is True and report["chain_trusted"] is True and report["revoked"] is None
    assert client.get("/api/v1/ca/crl").status_code == 503


def test_a_certificate_from_another_ca_is_not_trusted(client, foreign_signed_pdf):
    report = verify(client, foreign_signed_pdf).json
    assert report["intact"] is True and report["chain_trusted"] is False and report["valid"] is False


def test_bad_uploads(client, app, people, catalogues, monkeypatch):
    citizen, _, _ = issued_certificate(client, people)
    challenge = client.post("/api/v1/signatures/challenges", headers=citizen.headers).json
    form = {"challenge_id": challenge["challenge_id"], "otp": challenge["debug_otp"]}
    not_pdf = client.post("/api/v1/signatures/sign", headers=citizen.headers, content_type="multipart/form-data",
                          data={**form, "file": (io.BytesIO(b"GIF89a not a pdf"), "cat.gif")})
    assert not_pdf.status_code == 415 and not_pdf.json["code"] == "not_a_pdf"
    rt = app.extensions["runtime"]
    monkeypatch.setattr(rt, "settings", replace(rt.settings, signature_max_pdf_bytes=2048))
    big = minimal_pdf("x" * 3000)
    too_big = client.post("/api/v1/signatures/sign", headers=citizen.headers, content_type="multipart/form-data",
                          data={**form, "file": (io.BytesIO(big), "big.pdf")})
    assert too_big.status_code == 413
    assert verify(client, big).status_code == 413
    assert verify(client, b"plain text").status_code == 415
    # the bad uploads did not spend the code
    monkeypatch.setattr(rt, "settings", replace(rt.settings, signature_max_pdf_bytes=5 * 1024 * 1024))
    ok = client.post("/api/v1/signatures/sign", headers=citizen.headers, content_type="multipart/form-data",
                     data={**form, "file": (io.BytesIO(minimal_pdf()), "a.pdf")})
    assert ok.status_code == 200
    raw_pdf = client.post("/api/v1/signatures/verify", data=minimal_pdf(), content_type="application/pdf")
    assert raw_pdf.status_code == 415


def test_an_unsigned_pdf_is_422(client):
    answer = verify(client, minimal_pdf())
    assert answer.status_code == 422 and answer.json["code"] == "not_signed"
