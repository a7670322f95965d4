"""Where the verifier learns a certificate's revocation (issue 14, point 5): the document's own
embedded data (DSS) for a timestamped signature, then the city's OCSP responder (answered in
process by the code behind /ca/ocsp), then the CRL; the report names the source that answered,
and one request asks each certificate's OCSP answer once."""
import io

from sqlalchemy import select

from models.signatures import Certificate
from services.signatures import certificates
from services.signatures.authority import CertificateAuthorityError
from services.signatures.ocsp import OcspResponder
from services.signatures.signing import pades_sign
from tests.signatures_support import issued_certificate, minimal_pdf, sign, verify


class LimitedAuthority:
    """The city CA with its OCSP responder and/or its CRL signing switched off, counting CRLs."""

    def __init__(self, real, *, ocsp: bool = True, crl: bool = True):
        self.real, self.ocsp, self.can_sign_crl, self.crls = real, ocsp, crl, 0

    def ocsp_key_pair(self):
        if not self.ocsp:
            raise CertificateAuthorityError("no OCSP responder in this test")
        return self.real.ocsp_key_pair()

    def crl(self, *args, **kwargs):
        self.crls += 1
        if not self.can_sign_crl:
            raise CertificateAuthorityError("no CRL in this test")
        return self.real.crl(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


def _sign_at(client, citizen, level: str, pdf: bytes | None = None) -> bytes:
    challenge = client.post("/api/v1/signatures/challenges", headers=citizen.headers).json
    signed = client.post("/api/v1/signatures/sign", headers=citizen.headers, content_type="multipart/form-data",
                         data={"challenge_id": challenge["challenge_id"], "otp": challenge["debug_otp"],
                               "level": level, "file": (io.BytesIO(pdf or minimal_pdf()), "don.pdf", "application/pdf")})
    assert signed.status_code == 200, signed.json
    return signed.data


def _revoke(client, citizen, serial, reason="key_compromise"):
    answer = client.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": reason}, headers=citizen.headers)
    assert answer.status_code == 200, answer.json


def _limited(app, monkeypatch, **switches) -> LimitedAuthority:
    rt = app.extensions["runtime"]
    limited = LimitedAuthority(rt.authority, **switches)
    monkeypatch.setattr(rt, "authority", limited)
    return limited


def test_ocsp_answers_first_once_per_certificate_and_no_crl_is_signed(client, app, people, catalogues,
                                                                      monkeypatch):
    citizen, _, _ = issued_certificate(client, people)
    pdf = minimal_pdf()
    for _ in range(3):
        pdf = sign(client, citizen, pdf).data
    answered = []
    respond = OcspResponder.respond
    monkeypatch.setattr(OcspResponder, "respond", lambda self, *a: answered.append(1) or respond(self, *a))
    counting = _limited(app, monkeypatch)
    report = verify(client, pdf).json
    assert [s["valid"] for s in report["signatures"]] == [True, True, True]
    assert [s["revocation_source"] for s in report["signatures"]] == ["ocsp", "ocsp", "ocsp"]
    assert len(answered) == 1 and counting.crls == 0


def _without_timestamp(app, db_session, serial: str) -> bytes:
    """A B-B signature made with the holder's own key: revocation is judged now."""
    rt = app.extensions["runtime"]
    certificate = db_session.scalar(select(Certificate).where(Certificate.serial == serial))
    key = rt.vault.open(certificates.sealed_key_of(db_session, certificate), serial)
    return pades_sign(minimal_pdf(), certificate.pem, rt.authority.chain_pem(), key, "Người ký")


def test_a_revoked_certificate_is_found_by_ocsp_and_without_a_responder_by_the_crl(client, app, db_session, people,
                                                                                  catalogues, monkeypatch):
    citizen, _, serial = issued_certificate(client, people)
    signed = _without_timestamp(app, db_session, serial)
    _revoke(client, citizen, serial)
    by_ocsp = verify(client, signed).json
    assert by_ocsp["revocation_source"] == "ocsp" and by_ocsp["status"] == "invalid"
    assert by_ocsp["revocation_status"] == "revoked_without_trusted_time" and "key_compromised" in by_ocsp["problems"]

    counting = _limited(app, monkeypatch, ocsp=False)
    by_crl = verify(client, signed).json
    assert by_crl["revocation_source"] == "crl" and by_crl["status"] == "invalid"
    assert by_crl["revocation_status"] == "revoked_without_trusted_time" and counting.crls == 1


def test_revoked_after_the_timestamp_the_crl_says_so_where_ocsp_cannot(client, people, catalogues, wall_clock):
    """pyHanko reads an OCSP answer "revoked at T" as no answer for a moment before T; the CRL,
    asked second, says the certificate was good then."""
    citizen, _, serial = issued_certificate(client, people)
    signed = sign(client, citizen, minimal_pdf()).data
    wall_clock.move(seconds=5)  # revocation times are whole seconds: revoke strictly later
    _revoke(client, citizen, serial)
    report = verify(client, signed).json
    assert report["valid"] is True and report["revocation_status"] == "revoked_after_signing"
    assert report["revocation_source"] == "crl"


def test_a_b_lt_document_revoked_after_its_timestamp_verifies_from_its_own_embedded_data(client, app, people,
                                                                                          catalogues, wall_clock,
                                                                                          monkeypatch):
    citizen, _, serial = issued_certificate(client, people)
    long_term = _sign_at(client, citizen, "B-LT")
    timestamped_only = _sign_at(client, citizen, "B-T")
    wall_clock.move(seconds=5)  # revocation times are whole seconds: revoke strictly later
    _revoke(client, citizen, serial)
    _limited(app, monkeypatch, ocsp=False, crl=False)  # neither responder nor CRL answers now

    report = verify(client, long_term).json
    assert report["valid"] is True and report["level"] == "B-LT" and report["signed_at_source"] == "timestamp"
    assert report["revocation_source"] == "embedded" and report["revocation_status"] == "revoked_after_signing"
    assert report["revocation_reason"] == "key_compromise"

    without_embedded = verify(client, timestamped_only).json  # B-T: nothing of its own to answer
    assert without_embedded["status"] == "indeterminate" and without_embedded["revocation_source"] is None
    assert "revocation_status_unknown" in without_embedded["problems"]

