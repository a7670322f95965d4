"""Arranging signature tests: catalogues, a hand-written PDF, issued certificates, signing."""
from __future__ import annotations

import os
from datetime import date, timedelta

import pytest

from services.clock import clock
from services.signatures.appointments import local_today, next_business_day
from services.signatures.demo import load_catalogues

DATA = os.path.join(os.path.dirname(__file__), "..", "data")
# The counters of 2025 (the 2024 district counters, such as MC-BADINH of 000.01.01.H26, closed
# with their committees on 2025-06-30): a signature officer is one of the counter's agency.
COUNTER, COUNTER_AGENCY = "MC-P-BADINH", "UBND-00004"  # UBND phường Ba Đình
OTHER_COUNTER, OTHER_COUNTER_AGENCY = "MC-P-CAUGIAY", "UBND-00166"  # UBND phường Cầu Giấy
ENDED_COUNTER, ENDED_COUNTER_AGENCY = "MC-BADINH", "000.01.01.H26"  # UBND quận Ba Đình, ended 2025-06-30


@pytest.fixture
def catalogues(db_session):
    load_catalogues(db_session, DATA)
    db_session.commit()


def counter_officer(people, agency_code: str = COUNTER_AGENCY):
    """An officer of COUNTER's agency (PeopleFactory's default officer is of an ended district
    committee, which the dossier tests rely on)."""
    return people.staff("officer", agency_code=agency_code)


def business_day(after_days: int = 1) -> date:
    return next_business_day(local_today(clock.now()) + timedelta(days=after_days))


def weekend_day() -> date:
    day = local_today(clock.now()) + timedelta(days=1)
    while day.weekday() != 6:
        day += timedelta(days=1)
    return day


def minimal_pdf(text: str = "Don de nghi cap chu ky so") -> bytes:
    """A one-page PDF written by hand, with a correct cross-reference table."""
    stream = f"BT /F1 18 Tf 40 700 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def submit(client, citizen, counter: str = COUNTER, **overrides):
    body = {"provider_code": "VNPT-CA", "counter_code": counter,
            "appointment_date": business_day().isoformat(), **overrides}
    return client.post("/api/v1/signature-requests", json=body, headers=citizen.headers)


def issued_certificate(client, people, citizen=None, officer=None) -> tuple:
    """(citizen, officer, serial) after a request was submitted and approved at COUNTER."""
    citizen = citizen or people.citizen()
    officer = officer or counter_officer(people)
    created = submit(client, citizen)
    assert created.status_code == 201, created.json
    approved = client.post(f"/api/v1/signature-requests/{created.json['id']}/approve", json={},
                           headers=officer.headers)
    assert approved.status_code == 200, approved.json
    return citizen, officer, approved.json["certificate_serial"]


def sign(client, citizen, pdf: bytes, filename: str = "don.pdf"):
    challenge = client.post("/api/v1/signatures/challenges", headers=citizen.headers)
    assert challenge.status_code == 202, challenge.json
    return client.post("/api/v1/signatures/sign", headers=citizen.headers, data={
        "challenge_id": challenge.json["challenge_id"], "otp": challenge.json["debug_otp"],
        "file": (_stream(pdf), filename, "application/pdf")}, content_type="multipart/form-data")


def verify(client, pdf: bytes):
    return client.post("/api/v1/signatures/verify", data={"file": (_stream(pdf), "x.pdf", "application/pdf")},
                       content_type="multipart/form-data")


def _stream(data: bytes):
    import io

    return io.BytesIO(data)


@pytest.fixture(scope="session")
def foreign_signed_pdf() -> bytes:
    """A PDF signed (correctly) with a certificate of a CA that is not the city's."""
    import tempfile
    from datetime import timedelta as days

    from services.signatures.authority import CertificateSubject
    from services.signatures.key_vault import KeyVault
    from services.signatures.local_ca import LocalCertificateAuthority
    from services.signatures.signing import pades_sign

    with tempfile.TemporaryDirectory() as directory:
        other = LocalCertificateAuthority.open(os.path.join(directory, "ca"), create_if_missing=True,
                                               now=clock.now(), validity=days(days=30))
        key = KeyVault.new_key()
        issued = other.issue(CertificateSubject("Kẻ Mạo Danh", "001190009999"), key.public_pem,
                             not_before=clock.now())
        return pades_sign(minimal_pdf(), issued.pem, other.chain_pem(), key, "Kẻ Mạo Danh")


@pytest.fixture(scope="session")
def foreign_signed_pdf_and_root() -> tuple[bytes, str]:
    """A PDF signed by another licensed CA's holder, and that CA's root (PEM) to import."""
    import tempfile
    from datetime import timedelta as days

    from cryptography import x509
    from cryptography.x509.oid import NameOID

    from services.signatures import local_ca
    from services.signatures.authority import CertificateSubject
    from services.signatures.local_ca import LocalCertificateAuthority
    from services.signatures.profile import new_holder_key
    from services.signatures.signing import pades_sign

    with tempfile.TemporaryDirectory() as directory:
        original = local_ca._name
        local_ca._name = lambda common_name: x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                                                        x509.NameAttribute(NameOID.COMMON_NAME, f"Foreign {common_name}")])
        try:
            other = LocalCertificateAuthority.open(os.path.join(directory, "ca"), create_if_missing=True,
                                                   now=clock.now(), validity=days(days=30))
        finally:
            local_ca._name = original
        key = new_holder_key()
        issued = other.issue(CertificateSubject("Trần Văn Bình", "001190008888"), key.public_pem,
                             not_before=clock.now())
        return pades_sign(minimal_pdf(), issued.pem, other.chain_pem(), key, "Trần Văn Bình"), other.trust_roots_pem()[0]
