"""Documents handed in with a dossier: components, uploads checked by their bytes, downloads,
supplements by component, the bad-input list of issue 16, and `documents purge`."""
from __future__ import annotations

import hashlib
import io
import json
import os
from datetime import timedelta

import boto3
import pytest
from moto.server import ThreadedMotoServer

from services.clock import clock
from services.documents.storage import DirectoryStore, S3Store
from tests.dossiers_support import BA_DINH, BUSINESS, key_headers, move, submit, walk
from tests.signatures_support import minimal_pdf

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)


def upload(client, person, code: str, content: bytes, component: str = "HD-THUE", name: str = "hợp đồng.pdf"):
    return client.post(f"/api/v1/dossiers/{code}/documents", headers=person.headers,
                       data={"component_code": component, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def store(app):
    return app.extensions["runtime"].documents


def test_the_procedure_lists_its_components(client, catalogue):
    business = client.get(f"/api/v1/procedures/{BUSINESS}").json
    assert [c["code"] for c in business["components"]] == ["HD-THUE", "CCCD"]
    photo = business["components"][1]
    assert photo["required"] is True and photo["max_bytes"] == 2 * 1024 * 1024 and photo["copies"] == 1
    assert set(photo["types"]) == {"application/pdf", "image/jpeg", "image/png"}
    assert client.get("/api/v1/procedures/1.001193").json["components"] == []
    missing = client.get("/api/v1/procedures/9.999999")
    assert missing.status_code == 404 and missing.json["code"] == "procedure_not_found"


def test_upload_list_and_download_with_etag(app, client, people, catalogue):
    citizen, officer = people.citizen(), people.staff("officer", agency_code=BA_DINH)
    code = submit(client, citizen).json["code"]
    pdf = minimal_pdf("Hop dong thue nha")
    answer = upload(client, citizen, code, pdf, name="../../Hợp đồng thuê nhà.exe")
    assert answer.status_code == 201, answer.json
    document = answer.json
    assert document["media_type"] == "application/pdf" and document["pages"] == 1
    assert document["file_name"] == "Hợp đồng thuê nhà.pdf" and document["size"] == len(pdf)
    assert document["sha256"] == hashlib.sha256(pdf).hexdigest()
    for reader in (citizen, officer):
        listed = client.get(f"/api/v1/dossiers/{code}/documents", headers=reader.headers)
        assert listed.status_code == 200, (reader.extra, listed.json)
        assert [d["id"] for d in listed.json["items"]] == [document["id"]]
    got = client.get(f"/api/v1/dossiers/{code}/documents/{document['id']}", headers=officer.headers)
    assert got.status_code == 200 and got.data == pdf and got.mimetype == "application/pdf"
    assert got.headers["ETag"] == f'"{document["sha256"]}"'
    assert "filename*=UTF-8''H%E1%BB%A3p" in got.headers["Content-Disposition"]
    again = client.get(f"/api/v1/dossiers/{code}/documents/{document['id']}",
                       headers={**citizen.headers, "If-None-Match": got.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_strangers_and_other_agencies_see_nothing(client, people, catalogue):
    citizen = people.citizen()
    code = submit(client, citizen).json["code"]
    doc_id = upload(client, citizen, code, PNG, component="CCCD", name="cccd.png").json["id"]
    for stranger in (people.citizen(), people.staff("officer", agency_code="UBND-00166")):
        assert client.get(f"/api/v1/dossiers/{code}/documents", headers=stranger.headers).status_code == 404
        assert client.get(f"/api/v1/dossiers/{code}/documents/{doc_id}",
                          headers=stranger.headers).status_code == 404
    other = submit(client, citizen).json["code"]
    assert client.get(f"/api/v1/dossiers/{other}/documents/{doc_id}",
                      headers=citizen.headers).json["code"] == "document_not_found"


def test_the_same_file_twice_is_stored_once(app, client, people, catalogue):
    citizen = people.citizen()
    content = PNG + os.urandom(16)
    first, second = (submit(client, citizen).json["code"] for _ in range(2))
    a = upload(client, citizen, first, content, component="CCCD", name="a.png").json
    b = upload(client, citizen, second, content, component="CCCD", name="b.png").json
    assert a["sha256"] == b["sha256"] and a["id"] != b["id"]
    keys = [e.key for e in store(app).entries("sha256/") if e.key.endswith(a["sha256"])]
    assert len(keys) == 1


def test_bad_uploads_are_problems_and_leave_nothing(app, client, people, catalogue):
    citizen = people.citizen()
    code = submit(client, citizen).json["code"]
    before = {e.key for e in store(app).entries()}
    lying = upload(client, citizen, code, b"MZ\x90\x00 not a pdf at all" * 10, name="scan.pdf")
    assert lying.status_code == 415 and lying.json["code"] == "unsupported_document_type"
    assert lying.mimetype == "application/problem+json"
    big = upload(client, citizen, code, PNG + bytes(2 * 1024 * 1024), component="CCCD", name="big.png")
    assert big.status_code == 413 and big.json["code"] == "document_too_large"
    unknown = upload(client, citizen, code, PNG, component="GIAY-KHAC", name="x.png")
    assert unknown.status_code == 422 and unknown.json["code"] == "unknown_component"
    broken = upload(client, citizen, code, b"%PDF-1.7\n" + b"garbage " * 50)
    assert broken.status_code == 422 and broken.json["code"] == "malformed_document"
    assert client.get(f"/api/v1/dossiers/{code}/documents", headers=citizen.headers).json["items"] == []
    assert {e.key for e in store(app).entries()} == before


def test_no_upload_in_a_state_that_takes_none(app, db_session, client, people, catalogue):
    citizen, key = people.citizen(), key_headers(db_session)
    code = submit(client, citizen).json["code"]
    walk(client, key, code, "received")
    refused = upload(client, citizen, code, PNG, component="CCCD")
    assert refused.status_code == 409 and refused.json["code"] == "documents_not_accepted"
    assert refused.json["current"] == "received"
    assert people.staff("officer").headers and upload(client, people.citizen(), code, PNG).status_code == 404


def test_a_supplement_is_the_named_components_uploaded(client, db_session, people, catalogue):
    citizen, key = people.citizen(), key_headers(db_session)
    code = submit(client, citizen).json["code"]
    walk(client, key, code, "received", "processing")
    asked = move(client, key, code, "supplement_requested", note="Thiếu hợp đồng và CCCD",
                 missing_documents=["HD-THUE", "CCCD"])
    assert asked.status_code == 200
    early = client.post(f"/api/v1/dossiers/{code}/supplement", headers=citizen.headers,
                        json={"documents": ["hợp đồng"]})
    assert early.status_code == 409 and early.json["code"] == "documents_missing"
    assert early.json["missing"] == ["HD-THUE", "CCCD"]
    assert upload(client, citizen, code, minimal_pdf()).status_code == 201
    view = client.get(f"/api/v1/dossiers/{code}", headers=citizen.headers).json
    assert view["status"] == "supplement_requested"
    assert upload(client, citizen, code, JPEG, component="CCCD", name="cccd.jpg").status_code == 201
    view = client.get(f"/api/v1/dossiers/{code}", headers=citizen.headers).json
    assert view["status"] == "processing" and view["timeline"][-1]["actor"] == "owner"


def test_purge_removes_documents_past_retention_and_strays(app, runner, db_session, client, people, catalogue):
    citizen = people.citizen()
    kept_code, gone_code = (submit(client, citizen).json["code"] for _ in range(2))
    kept = upload(client, citizen, kept_code, PNG + b"kept" + os.urandom(8), component="CCCD").json
    gone = upload(client, citizen, gone_code, PNG + b"gone" + os.urandom(8), component="CCCD").json
    assert client.post(f"/api/v1/dossiers/{gone_code}/withdraw", headers=citizen.headers,
                       json={"reason": "Nộp nhầm"}).status_code == 200
    stray = store(app).put("sha256/ff/ff/" + "f" * 64, b"left by a rolled-back upload", "image/png")
    assert stray is None
    db_session.commit()
    clock.freeze(clock.now() + timedelta(days=app.extensions["runtime"].settings.document_retention_days + 2))
    dry = runner.invoke(args=["documents", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "chạy thử: không xóa gì" in dry.output
    assert store(app).exists("sha256/ff/ff/" + "f" * 64)
    done = runner.invoke(args=["documents", "purge"])
    assert done.exit_code == 0, done.output
    listed = {d["id"] for d in client.get(f"/api/v1/dossiers/{gone_code}/documents", headers=citizen.headers).json["items"]}
    assert listed == set()
    assert [d["id"] for d in client.get(f"/api/v1/dossiers/{kept_code}/documents",
                                        headers=citizen.headers).json["items"]] == [kept["id"]]
    objects = {e.key.rsplit("/", 1)[-1] for e in store(app).entries()}
    assert kept["sha256"] in objects and gone["sha256"] not in objects and "f" * 64 not in objects


@pytest.fixture
def s3_documents(app, monkeypatch):
    """The app's documents in a bucket of moto's S3 server on loopback, reached over HTTP."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket="ihanoi-docs")
    monkeypatch.setattr(app.extensions["runtime"], "documents",
                        S3Store("ihanoi-docs", "dossiers", endpoint_url=endpoint, region="us-east-1"))
    yield endpoint
    server.stop()


def test_documents_in_s3_over_http(app, client, people, catalogue, s3_documents):
    citizen = people.citizen()
    code = submit(client, citizen).json["code"]
    pdf = minimal_pdf("Ban sao hop dong")
    document = upload(client, citizen, code, pdf).json
    raw = boto3.client("s3", endpoint_url=s3_documents, region_name="us-east-1")
    listed = raw.list_objects_v2(Bucket="ihanoi-docs", Prefix="dossiers/sha256/")["Contents"]
    assert [o["Key"].rsplit("/", 1)[-1] for o in listed] == [document["sha256"]]
    got = client.get(f"/api/v1/dossiers/{code}/documents/{document['id']}", headers=citizen.headers)
    assert got.status_code == 200 and got.data == pdf
    assert json.loads(json.dumps(got.headers["ETag"])) == f'"{document["sha256"]}"'


def test_older_procedure_files_without_components_still_import(runner, tmp_path, catalogue):
    from tests.dossiers_support import DATA

    procedures = json.load(open(os.path.join(DATA, "procedures.json"), encoding="utf-8"))
    for item in procedures:
        item.pop("components", None)
    path = tmp_path / "old.json"
    path.write_text(json.dumps(procedures, ensure_ascii=False), encoding="utf-8")
    assert runner.invoke(args=["procedures", "import", str(path)]).exit_code == 0
    bad = [dict(procedures[0], components=[{"code": "X", "name": "Giấy", "types": ["text/plain"]}])]
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    refused = runner.invoke(args=["procedures", "import", str(path)])
    assert "types phải nằm trong" in refused.output


def test_directory_store_is_the_embedded_default(app):
    assert isinstance(store(app), DirectoryStore)
    assert str(store(app).root).endswith("documents")
