"""The application (tờ khai) of a dossier: rendered with Vietnamese text in an embedded font,
signed by the owner with the challenge-and-code signing, attached, checked, and shown to the
agency; a procedure can require it before the dossier is received."""
from __future__ import annotations

import io
import json
import unicodedata

import pytest
from pypdf import PdfReader

from tests.dossiers_support import BA_DINH, BUSINESS, key_headers, move, submit
from tests.signatures_support import catalogues, issued_certificate, minimal_pdf, sign  # noqa: F401

JUSTICE = "000.00.17.H26"
SIGNED_FIRST = "9.000100"


def _text(pdf: bytes) -> str:
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def application(client, person, code: str):
    return client.get(f"/api/v1/dossiers/{code}/application.pdf", headers=person.headers)


def attach(client, person, code: str, content: bytes, name: str = "to-khai-da-ky.pdf"):
    return client.post(f"/api/v1/dossiers/{code}/signed-application", headers=person.headers,
                       data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def signed_application(client, citizen, code: str) -> bytes:
    signed = sign(client, citizen, application(client, citizen, code).data, f"to-khai-{code}.pdf")
    assert signed.status_code == 200, signed.json
    return signed.data


@pytest.fixture
def holder(client, people, catalogues):  # noqa: F811
    citizen, _officer, serial = issued_certificate(client, people, people.citizen(full_name="Phạm Thị Hương Giang"))
    citizen.extra["serial"] = serial
    return citizen


def test_the_application_is_the_form_in_vietnamese_with_the_font_inside(client, people, catalogue, holder):
    code = submit(client, holder).json["code"]
    answer = application(client, holder, code)
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = _text(answer.data)
    for expected in ("TỜ KHAI ĐĂNG KÝ THÀNH LẬP HỘ KINH DOANH", code, "Quán phở Hoa", "Dịch vụ ăn uống",
                     "Phạm Thị Hương Giang", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"):
        assert expected in text
    assert b"/FontFile2" in answer.data
    assert application(client, holder, code).data == answer.data  # the same dossier, the same bytes
    other = people.citizen()
    assert application(client, other, code).status_code == 404


def test_a_decimal_on_the_form_is_written_with_the_vietnamese_comma(client, people, catalogue, holder):
    form = {"plot_address": "25 ngõ 40 Đội Cấn, Ba Đình", "land_certificate_number": "CS 04512",
            "floor_area_m2": 180.5, "floors": 4}
    filed = submit(client, holder, "1.009994", form)
    assert filed.status_code == 201, filed.json
    text = _text(application(client, holder, filed.json["code"]).data)
    assert "180,5" in text and "180.5" not in text


def test_the_owner_signs_and_attaches_it_and_the_agency_sees_who_signed(client, db_session, people, catalogue,
                                                                       holder):
    code = submit(client, holder).json["code"]
    attached = attach(client, holder, code, signed_application(client, holder, code))
    assert attached.status_code == 201, attached.json
    assert attached.json["signer_name"] == "Phạm Thị Hương Giang"
    assert attached.json["certificate_serial"] == holder.extra["serial"] and attached.json["verifies"] is True
    documents = client.get(f"/api/v1/dossiers/{code}/documents", headers=holder.headers).json["items"]
    assert [d["component_code"] for d in documents] == ["signed_application"]
    officer = people.staff("officer", agency_code=BA_DINH)
    view = client.get(f"/api/v1/agency/dossiers/{code}", headers=officer.headers)
    assert view.status_code == 200, view.json
    signed = view.json["signed_application"]
    assert signed["signed"] is True and signed["verifies"] is True
    assert (signed["signer_name"], signed["certificate_serial"]) == ("Phạm Thị Hương Giang", holder.extra["serial"])
    assert view.json["code"] == code and view.json["status"] == "submitted"
    elsewhere = people.staff("officer", agency_code=JUSTICE)
    assert client.get(f"/api/v1/agency/dossiers/{code}", headers=elsewhere.headers).status_code == 404


def test_an_unsigned_application_is_shown_as_such(client, people, catalogue):
    citizen = people.citizen()
    code = submit(client, citizen).json["code"]
    officer = people.staff("officer", agency_code=BA_DINH)
    view = client.get(f"/api/v1/agency/dossiers/{code}", headers=officer.headers).json
    assert view["signed_application"] == {"signed": False, "document_id": None, "signer_name": None,
                                          "certificate_serial": None, "signed_at": None, "verifies": None,
                                          "problems": []}


def test_what_is_not_the_owner_s_signed_application_of_this_dossier_is_refused(client, people, catalogue, holder):
    code = submit(client, holder).json["code"]
    rendered = application(client, holder, code).data
    unsigned = attach(client, holder, code, rendered)
    assert unsigned.status_code == 422 and unsigned.json["code"] == "not_signed"
    image = attach(client, holder, code, b"\x89PNG\r\n\x1a\n" + bytes(300), name="to-khai.pdf")
    assert image.status_code == 415 and image.json["code"] == "unsupported_document_type"
    other_dossier = submit(client, holder).json["code"]
    wrong = attach(client, holder, code, signed_application(client, holder, other_dossier))
    assert wrong.status_code == 422 and wrong.json["code"] == "not_this_application"
    arbitrary = sign(client, holder, minimal_pdf("To khai")).data
    assert attach(client, holder, code, arbitrary).json["code"] == "not_this_application"
    stranger, _officer, _serial = issued_certificate(client, people, people.citizen(full_name="Kẻ Ký Hộ"))
    by_stranger = sign(client, stranger, rendered).data
    refused = attach(client, holder, code, by_stranger)
    assert refused.status_code == 422 and refused.json["code"] == "not_signed_by_owner"
    assert attach(client, stranger, code, by_stranger).status_code == 404
    assert client.get(f"/api/v1/dossiers/{code}/documents", headers=holder.headers).json["items"] == []


@pytest.fixture
def signed_first_procedure(runner, tmp_path, catalogue):
    procedure = {"code": SIGNED_FIRST, "name": "Cấp giấy xác nhận thử nghiệm", "agency_code": JUSTICE,
                 "online_level": "full", "processing_days": 3, "fee": 0, "requires_signed_application": True,
                 "form_schema": {"type": "object", "properties": {
                     "full_name": {"type": "string", "title": "Họ và tên", "x-prefill": "full_name"},
                     "purpose": {"type": "string", "title": "Mục đích"}}}}
    path = tmp_path / "signed-first.json"
    path.write_text(json.dumps([procedure], ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["procedures", "import", str(path)])
    assert result.exit_code == 0, result.output


def test_a_procedure_that_requires_it_is_received_only_with_it(client, db_session, people, holder,
                                                              signed_first_procedure):
    justice = key_headers(db_session, JUSTICE)
    code = submit(client, holder, SIGNED_FIRST, {"purpose": "Xin việc"}).json["code"]
    refused = move(client, justice, code, "received")
    assert refused.status_code == 409 and refused.json["code"] == "signed_application_required"
    assert "Phạm Thị Hương Giang" in _text(application(client, holder, code).data)  # prefilled, then signed
    assert attach(client, holder, code, signed_application(client, holder, code)).status_code == 201
    assert move(client, justice, code, "received").status_code == 200
    late = attach(client, holder, code, signed_application(client, holder, code))
    assert late.status_code == 409 and late.json["current"] == "received"


def test_the_application_is_the_vietnamese_form_whatever_language_is_asked(client, people, catalogue, holder):
    """A legal Vietnamese document, compared byte for byte with a re-render: never in English,
    so an officer reading in English still finds the signed copy current."""
    code = submit(client, holder).json["code"]
    in_english = client.get(f"/api/v1/dossiers/{code}/application.pdf",
                            headers={**holder.headers, "Accept-Language": "en"})
    assert in_english.data == application(client, holder, code).data
    text = _text(in_english.data)
    for label in ("Mã hồ sơ", "Thủ tục", "Cơ quan giải quyết", "Hà Nội, ngày", "NGƯỜI KHAI"):
        assert label in text
    assert attach(client, holder, code, signed_application(client, holder, code)).status_code == 201
    officer = people.staff("officer", agency_code=BA_DINH)
    view = client.get(f"/api/v1/agency/dossiers/{code}", headers={**officer.headers, "Accept-Language": "en"})
    assert view.json["signed_application"]["verifies"] is True, view.json["signed_application"]


def test_a_signature_that_no_longer_holds_is_refused_in_the_readers_language(client, people, catalogue, holder,
                                                                            wall_clock):
    code = submit(client, holder).json["code"]
    signed = signed_application(client, holder, code)
    # the key counts as compromised from before the signature's timestamp (revocation times are
    # whole seconds: a revocation in the next second would leave the signature valid at its time)
    wall_clock.move(seconds=-5)
    revoked = client.post(f"/api/v1/certificates/{holder.extra['serial']}/revoke", json={"reason": "key_compromise"},
                          headers=holder.headers)
    assert revoked.status_code == 200, revoked.json

    def attached(**language):
        return client.post(f"/api/v1/dossiers/{code}/signed-application", headers={**holder.headers, **language},
                           data={"file": (io.BytesIO(signed), "to-khai-da-ky.pdf")}, content_type="multipart/form-data")

    in_vietnamese, in_english = attached(), attached(**{"Accept-Language": "en"})
    assert in_vietnamese.status_code == in_english.status_code == 422
    assert in_vietnamese.json["code"] == in_english.json["code"] == "signature_not_valid"
    assert in_vietnamese.json["detail"] == "Chữ ký số trên tờ khai không hợp lệ."
    assert in_english.json["detail"] == "The digital signature on the application is not valid."
    # Each reason is said in the reader's language; its code stays beside it for clients.
    assert in_vietnamese.json["problems"] == in_english.json["problems"] == ["certificate_revoked_before_signing"]
    assert in_vietnamese.json["errors"] == {"file": ["Chứng thư số đã bị thu hồi trước thời điểm ký."]}
    assert in_english.json["errors"] == {"file": ["The certificate was revoked before the signing time."]}
