"""POST /signatures/archive: a signed PDF comes back PAdES B-LTA (revocation data in the DSS and
a document timestamp), and the verifier says so; anything else is a 4xx problem."""
import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore

from tests.signatures_support import issued_certificate, minimal_pdf, sign, verify


def archive(client, citizen, pdf: bytes):
    return client.post("/api/v1/signatures/archive", headers=citizen.headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(pdf), "don-signed.pdf", "application/pdf")})


def test_an_archived_pdf_verifies_as_b_lta_and_names_its_document_timestamp(client, people, catalogues):
    citizen, _, serial = issued_certificate(client, people)
    signed = sign(client, citizen, minimal_pdf()).data
    assert verify(client, signed).json["level"] == "B-T"

    answer = archive(client, citizen, signed)
    assert answer.status_code == 200, answer.json
    assert answer.mimetype == "application/pdf" and "don-signed-lta.pdf" in answer.headers["Content-Disposition"]
    archived = answer.data
    assert archived.startswith(signed)  # an incremental update: the signature still covers its bytes
    store = DocumentSecurityStore.read_dss(PdfFileReader(io.BytesIO(archived)))
    assert store.ocsps  # the signer's and the TSA's OCSP answers

    report = verify(client, archived).json
    assert report["valid"] is True and report["level"] == "B-LTA" and report["certificate_serial"] == serial
    assert len(report["signatures"]) == 1
    [stamp] = report["document_timestamps"]
    assert stamp["valid"] is True and stamp["field_name"].startswith("iHanoi-archive-")
    assert stamp["tsa_name"] == "iHanoi Test Time Stamping Authority" and stamp["timestamped_at"]


@pytest.mark.parametrize("content, status, code", [
    (b"not a pdf at all", 415, "not_a_pdf"),
    (minimal_pdf(), 422, "not_signed"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R", 422, "unreadable_pdf"),
])
def test_what_cannot_be_archived_is_a_problem(client, people, content, status, code):
    citizen = people.citizen()
    answer = archive(client, citizen, content)
    assert answer.status_code == status and answer.mimetype == "application/problem+json"
    assert answer.json["code"] == code


def test_a_corrupted_signature_is_422(client, people, catalogues):
    citizen, _, _ = issued_certificate(client, people)
    signed = sign(client, citizen, minimal_pdf()).data
    at = signed.index(b"/ByteRange [")
    end = signed.index(b"]", at)
    broken = signed[:at] + b"/ByteRange [" + b"0 99999999 1 2".ljust(end - at - len(b"/ByteRange [")) + signed[end:]
    answer = archive(client, citizen, broken)
    assert answer.status_code == 422 and answer.json["code"] == "corrupted_signature"


def test_archiving_needs_a_signed_in_citizen(client, people):
    answer = client.post("/api/v1/signatures/archive", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(minimal_pdf()), "x.pdf", "application/pdf")})
    assert answer.status_code == 401
