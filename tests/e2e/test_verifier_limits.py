"""The verifier anyone may call cannot be stalled: a signature cap, one CRL per request, a time
budget, a per-address limit, 422 for hostile files, and a report in the reader's language."""
from dataclasses import replace

from tests.conftest import join_outer_transaction
from tests.signatures_support import issued_certificate, minimal_pdf, sign, verify


def _signed_times(client, citizen, times: int) -> bytes:
    pdf = minimal_pdf()
    for _ in range(times):
        pdf = sign(client, citizen, pdf).data
    return pdf


def test_more_signatures_than_the_cap_are_refused_before_any_is_validated(client, app, people, catalogues,
                                                                         monkeypatch):
    citizen, _, _ = issued_certificate(client, people)
    three = _signed_times(client, citizen, 3)
    assert [s["valid"] for s in verify(client, three).json["signatures"]] == [True, True, True]
    from services.signatures import verification

    validated = []
    validate = verification.validate_pdf_signature
    monkeypatch.setattr(verification, "validate_pdf_signature", lambda *a, **k: validated.append(1) or validate(*a, **k))
    rt = app.extensions["runtime"]
    monkeypatch.setattr(rt, "settings", replace(rt.settings, signature_verify_max_signatures=2))
    refused = verify(client, three)
    assert refused.status_code == 422 and refused.json["code"] == "too_many_signatures"
    assert refused.json["max_signatures"] == 2 and refused.json["found"] == 3
    assert validated == []  # the refusal validated nothing


def test_a_spent_time_budget_answers_503_with_retry_after(client, app, people, catalogues, monkeypatch):
    citizen, _, _ = issued_certificate(client, people)
    signed = _signed_times(client, citizen, 2)
    from services.signatures import verification

    monkeypatch.setattr(verification.time, "monotonic", iter(range(0, 10_000, 10)).__next__)
    answer = verify(client, signed)
    assert answer.status_code == 503 and answer.json["code"] == "verification_time_exceeded"
    assert int(answer.headers["Retry-After"]) > 0


def test_verify_is_limited_per_address(make_app):
    for app in join_outer_transaction(make_app(SIGNATURE_VERIFY_RATE_LIMIT="2 per minute")):
        client = app.test_client()
        answers = [verify(client, minimal_pdf()) for _ in range(3)]
        assert [a.status_code for a in answers] == [422, 422, 429]
        assert answers[-1].json["code"] == "rate_limited" and int(answers[-1].headers["Retry-After"]) > 0


def test_a_corrupted_byte_range_is_422_not_500(client, people, catalogues):
    citizen, _, _ = issued_certificate(client, people)
    signed = sign(client, citizen, minimal_pdf()).data
    at = signed.index(b"/ByteRange [")
    end = signed.index(b"]", at)
    width = end - at - len(b"/ByteRange [")
    broken = signed[:at] + b"/ByteRange [" + b"0 99999999 1 2".ljust(width) + signed[end:]
    answer = verify(client, broken)
    assert answer.status_code == 422 and answer.json["code"] == "corrupted_signature"


def _pdf_of(objects: list[bytes]) -> bytes:
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_pdf_whose_signature_fields_recurse_is_422_not_500(client):
    looping = _pdf_of([b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>",
                       b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                       b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
                       b"<< /FT /Sig /T (a) /Kids [4 0 R] >>"])  # a field that is its own child
    answer = verify(client, looping)
    assert answer.status_code == 422 and answer.json["code"] == "unreadable_pdf"


def test_the_report_names_signer_time_source_changes_and_anchor_in_the_readers_language(client, people,
                                                                                         catalogues):
    citizen, _, _ = issued_certificate(client, people)
    signed = sign(client, citizen, minimal_pdf()).data
    vietnamese = verify(client, signed).json
    english = client.post("/api/v1/signatures/verify", headers={"Accept-Language": "en-GB,en;q=0.8"},
                          data={"file": (__import__("io").BytesIO(signed), "x.pdf", "application/pdf")},
                          content_type="multipart/form-data").json
    assert vietnamese["trust_anchor"] and "iHanoi Test Root CA" in vietnamese["trust_anchor"]
    assert vietnamese["trust_path"][-1] == vietnamese["trust_anchor"] and len(vietnamese["trust_path"]) == 2
    assert "Issuing CA" in vietnamese["trust_path"][0]
    assert citizen.full_name in vietnamese["summary"] and citizen.full_name in english["summary"]
    assert "Chữ ký hợp lệ" in vietnamese["summary"] and "không bị thay đổi" in vietnamese["summary"]
    assert "The signature is valid" in english["summary"] and "has not changed" in english["summary"]
    assert "iHanoi Test Root CA" in english["summary"]


def _holder_signed(app, db_session, serial: str, times: int) -> list[bytes]:
    """The PDF after each of `times` signatures by the holder's own key (B-B: quick to make)."""
    from sqlalchemy import select

    from models.signatures import Certificate
    from services.signatures import certificates
    from services.signatures.signing import pades_sign

    rt = app.extensions["runtime"]
    certificate = db_session.scalar(select(Certificate).where(Certificate.serial == serial))
    key = rt.vault.open(certificates.sealed_key_of(db_session, certificate), serial)
    versions, pdf = [], minimal_pdf()
    for _ in range(times):
        pdf = pades_sign(pdf, certificate.pem, rt.authority.chain_pem(), key, "Người ký")
        versions.append(pdf)
    return versions


def test_the_default_cap_checks_ten_signatures_and_refuses_eleven(client, app, db_session, people, catalogues):
    _, _, serial = issued_certificate(client, people)
    versions = _holder_signed(app, db_session, serial, 11)
    ten = verify(client, versions[9])
    assert ten.status_code == 200, ten.json
    assert len(ten.json["signatures"]) == 10 and all(s["valid"] for s in ten.json["signatures"])
    eleven = verify(client, versions[10])
    assert eleven.status_code == 422 and eleven.json["code"] == "too_many_signatures"
    assert eleven.json["max_signatures"] == 10 and eleven.json["found"] == 11


def test_the_time_budget_is_checked_inside_one_signature(client, people, catalogues, monkeypatch):
    """One signature whose validation spends the whole budget: the request stops before its
    revocation is asked (the clock is a counter moved by the validation, nothing is timed)."""
    from services.signatures import verification

    citizen, _, _ = issued_certificate(client, people)
    signed = sign(client, citizen, minimal_pdf()).data
    seconds = [0.0]
    validate = verification.validate_pdf_signature

    def long_validation(*args, **kwargs):
        seconds[0] += 3600
        return validate(*args, **kwargs)

    monkeypatch.setattr(verification.time, "monotonic", lambda: seconds[0])
    monkeypatch.setattr(verification, "validate_pdf_signature", long_validation)
    asked = []
    monkeypatch.setattr(verification, "first_answer", lambda *a, **k: asked.append(1))
    answer = verify(client, signed)
    assert answer.status_code == 503 and answer.json["code"] == "verification_time_exceeded", answer.json
    assert int(answer.headers["Retry-After"]) > 0
    assert asked == []  # its revocation was never asked


def test_archive_shares_the_verifiers_limit_per_address(make_app):
    import io

    from tests.support import PeopleFactory

    for app in join_outer_transaction(make_app(SIGNATURE_VERIFY_RATE_LIMIT="2 per minute")):
        with app.extensions["runtime"].sessions() as session:
            citizen = PeopleFactory(app, session).citizen()
            session.commit()
        client = app.test_client()

        def archive():
            return client.post("/api/v1/signatures/archive", headers=citizen.headers, content_type="multipart/form-data",
                               data={"file": (io.BytesIO(minimal_pdf()), "x.pdf", "application/pdf")})

        answers = [verify(client, minimal_pdf()), archive(), archive()]
        assert [a.status_code for a in answers] == [422, 422, 429]
        assert answers[-1].json["code"] == "rate_limited" and int(answers[-1].headers["Retry-After"]) > 0
