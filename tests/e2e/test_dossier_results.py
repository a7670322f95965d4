"""Results as sealed electronic documents: the agency uploads the result PDF, it is sealed in the
agency's name by the city CA, the owner downloads it, /signatures/verify names the agency."""
from __future__ import annotations

import io

from tests.dossiers_support import BA_DINH, BUSINESS, CRIMINAL_RECORD, inbox, key_headers, move, submit, walk
from tests.signatures_support import minimal_pdf

JUSTICE = "000.00.17.H26"  # the Department of Justice decides the criminal record certificate


def post_result(client, headers, code: str, content: bytes, name: str = "Giấy chứng nhận.pdf"):
    return client.post(f"/api/v1/agency/dossiers/{code}/result", headers=headers,
                       data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def verify(client, content: bytes):
    return client.post("/api/v1/signatures/verify", data={"file": (io.BytesIO(content), "kq.pdf")},
                       content_type="multipart/form-data")


def test_the_sealed_result_names_the_agency_and_reaches_the_owner(client, db_session, people, catalogue):
    citizen, key = people.citizen(), key_headers(db_session)
    code = submit(client, citizen).json["code"]
    walk(client, key, code, "received", "processing")
    answer = post_result(client, key, code, minimal_pdf("Giay chung nhan dang ky ho kinh doanh"))
    assert answer.status_code == 201, answer.json
    assert answer.json["agency_code"] == BA_DINH and answer.json["certificate_serial"]
    got = client.get(f"/api/v1/dossiers/{code}/result", headers=citizen.headers)
    assert got.status_code == 200 and got.mimetype == "application/pdf"
    assert got.headers["ETag"] == f'"{answer.json["sha256"]}"'
    report = verify(client, got.data).json
    signature = report["signatures"][-1]
    assert signature["intact"] is True and signature["chain_trusted"] is True
    assert "Ba Đình" in signature["signer_name"]
    changed = got.data.replace(b"Giay chung nhan", b"Giay chung nhaN")
    assert verify(client, changed).json["signatures"][-1]["intact"] is False
    assert any(n["kind"] == "dossier_result" for n in inbox(client, citizen))


def test_approving_a_procedure_that_yields_a_result_needs_it(client, db_session, people, catalogue):
    citizen, justice = people.citizen(), key_headers(db_session, JUSTICE)
    code = submit(client, citizen, procedure_code=CRIMINAL_RECORD, form={
        "form_type": 1, "purpose": "Xin việc", "copies": 1}).json["code"]
    walk(client, justice, code, "received", "processing")
    refused = move(client, justice, code, "approved")
    assert refused.status_code == 422 and refused.json["code"] == "result_required"
    assert post_result(client, justice, code, minimal_pdf("Phieu ly lich tu phap")).status_code == 201
    assert move(client, justice, code, "approved").status_code == 200


def test_bad_results_and_wrong_callers(client, db_session, people, catalogue):
    citizen, key = people.citizen(), key_headers(db_session)
    code = submit(client, citizen).json["code"]
    early = post_result(client, key, code, minimal_pdf())
    assert early.status_code == 409 and early.json["code"] == "result_not_accepted" and early.json["current"] == "submitted"
    walk(client, key, code, "received", "processing")
    image = post_result(client, key, code, b"\x89PNG\r\n\x1a\n" + bytes(300), name="kq.pdf")
    assert image.status_code == 415 and image.json["code"] == "unsupported_document_type"
    other = post_result(client, key_headers(db_session, JUSTICE), code, minimal_pdf())
    assert other.status_code == 404 and other.json["code"] == "dossier_not_found"  # not theirs: as if not there
    assert post_result(client, citizen.headers, code, minimal_pdf()).status_code == 403
    missing = client.get(f"/api/v1/dossiers/{code}/result", headers=citizen.headers)
    assert missing.status_code == 404 and missing.json["code"] == "result_not_found"
    assert client.get(f"/api/v1/dossiers/{code}/result", headers=people.citizen().headers).status_code == 404
