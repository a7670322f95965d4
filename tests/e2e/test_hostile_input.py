"""Cheap hostile input gets a 4xx problem+json, never a 500 with a traceback (issue 12, point 2)."""
import re

import pytest

from tests.signatures_support import issued_certificate, minimal_pdf, sign, verify

DEEP = 5_000


def _problem(answer, status: int, code: str) -> None:
    assert answer.status_code == status, answer.data[:300]
    assert answer.mimetype == "application/problem+json"
    assert answer.json["code"] == code


def test_json_nested_5000_deep_on_the_token_route_is_400_body_too_deep(client):
    body = '{"national_id": ' + "[" * DEEP + "]" * DEEP + ', "password": "x"}'
    answer = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    _problem(answer, 400, "body_too_deep")


def test_brackets_inside_strings_do_not_count_as_nesting(client):
    body = '{"national_id": "' + "[{" * DEEP + '", "password": "x"}'
    answer = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert answer.status_code in (401, 422), answer.json
    assert answer.json["code"] != "body_too_deep"


def pdf_of(*objects: bytes) -> bytes:
    """A PDF with the given objects (the first is the catalogue) and a correct xref table."""
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


NESTED = b"[" * DEEP + b"]" * DEEP
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
HOSTILE_PDFS = {
    "nested_array_in_catalogue": pdf_of(b"<< /Type /Catalog /Pages 2 0 R /X " + NESTED + b" >>", PAGES, PAGE),
    "nested_array_in_page": pdf_of(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES,
                                   b"<< /Type /Page /Parent 2 0 R /MediaBox " + NESTED + b" >>"),
    "nested_array_in_acroform": pdf_of(b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields "
                                       + NESTED + b" >> >>", PAGES, PAGE),
    "huge_number": pdf_of(b"<< /Type /Catalog /Pages 2 0 R >>",
                          b"<< /Type /Pages /Kids [3 0 R] /Count 1" + b"9" * 400 + b" >>", PAGE),
}


@pytest.mark.parametrize("name", list(HOSTILE_PDFS))
def test_a_hostile_pdf_is_4xx_on_verify(client, name):
    answer = verify(client, HOSTILE_PDFS[name])
    assert answer.status_code == 422, answer.data[:300]
    assert answer.json["code"] in ("unreadable_pdf", "not_signed")


def test_hostile_pdfs_are_4xx_on_the_signing_route(client, people, catalogues):
    citizen, _, _ = issued_certificate(client, people)
    for name, pdf in HOSTILE_PDFS.items():
        answer = sign(client, citizen, pdf)
        if name == "huge_number":  # a page count nobody checks: signing it is fine, failing is not
            assert answer.status_code == 200, answer.data[:300]
            continue
        assert answer.status_code == 422, (name, answer.data[:300])
        assert answer.json["code"] in ("unreadable_pdf", "cannot_sign_pdf")


BYTE_RANGE = re.compile(rb"/ByteRange\s*\[[^\]]*\]")


@pytest.mark.parametrize("corrupted", [
    b"/ByteRange [0 99999999999999999999999999 99999999999999999999 1]",
    b"/ByteRange [0 -5 -7 3]",
    b"/ByteRange [0 1 2]",
    b"/ByteRange [/a /b /c /d]",
    b"/ByteRange [" + b"[" * 50 + b"]" * 50 + b"]",
])
def test_a_signed_pdf_with_a_corrupted_byte_range_is_422_on_verify(client, people, catalogues, corrupted):
    citizen, _, _ = issued_certificate(client, people)
    signed = sign(client, citizen, minimal_pdf()).data
    original = BYTE_RANGE.search(signed).group()
    padded = corrupted.ljust(len(original)) if len(corrupted) <= len(original) else corrupted
    answer = verify(client, BYTE_RANGE.sub(padded, signed, count=1))
    if answer.status_code == 200:  # pyHanko may read the range and find the document changed
        assert answer.json["valid"] is False
    else:
        assert answer.status_code == 422, answer.get_data(as_text=True)
        assert answer.json["code"] in ("corrupted_signature", "unreadable_pdf")


def test_a_forged_cursor_with_a_huge_id_or_a_naive_time_is_422_invalid_cursor(client, people):
    import base64
    import json

    citizen = people.citizen()
    for values in (["2026-11-22T01:02:03+00:00", 10**30], ["2026-11-22T01:02:03", 42]):
        cursor = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
        answer = client.get(f"/api/v1/me/dossiers?cursor={cursor}", headers=citizen.headers)
        _problem(answer, 422, "invalid_cursor")
