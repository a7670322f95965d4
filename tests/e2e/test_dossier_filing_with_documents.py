"""Documents alongside the submission (issue 16 point 1): POST /dossiers as multipart/form-data,
the JSON body in the part `dossier` and a file part per document named by its component. One
transaction: a refused file files nothing and leaves no object in the store (directory and S3)."""
from __future__ import annotations

import io
import json
import os
import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer

from models.dossiers import Procedure
from services.documents.storage import DirectoryStore, S3Store
from tests.dossiers_support import BUSINESS, BUSINESS_FORM, inbox
from tests.e2e.test_dossier_documents import JPEG, PNG, store
from tests.e2e.test_dossier_payments import gateway  # noqa: F401  (fixture)
from tests.signatures_support import minimal_pdf

BODY = {"procedure_code": BUSINESS, "form": BUSINESS_FORM}


def file_with(client, person, files: dict, body: dict | None = None, **headers: str):
    """POST /dossiers as multipart: `files` maps a part name to (bytes, file name) or a list of them."""
    data = {"dossier": json.dumps(body or BODY, ensure_ascii=False)}
    for part, sent in files.items():
        data[part] = [(io.BytesIO(content), name) for content, name in (sent if isinstance(sent, list) else [sent])]
    return client.post("/api/v1/dossiers", headers={**person.headers, **headers}, data=data,
                       content_type="multipart/form-data")


def mine(client, person) -> list[dict]:
    return client.get("/api/v1/me/dossiers", headers=person.headers).json["items"]


def documents_of(client, person, code: str) -> list[dict]:
    return client.get(f"/api/v1/dossiers/{code}/documents", headers=person.headers).json["items"]


def test_a_dossier_is_filed_with_its_documents(app, client, people, catalogue):
    citizen = people.citizen()
    contract, card = minimal_pdf("Hop dong thue nha"), PNG + b"card"
    answer = file_with(client, citizen, {"HD-THUE": (contract, "Hợp đồng thuê.pdf"), "CCCD": (card, "cccd.png")})
    assert answer.status_code == 201, answer.json
    filed = answer.json
    assert filed["status"] == "submitted" and filed["form"]["business_name"] == BUSINESS_FORM["business_name"]
    assert [e["to_status"] for e in filed["timeline"]] == ["submitted"]  # its normal first state, once
    listed = documents_of(client, citizen, filed["code"])
    assert [(d["component_code"], d["file_name"], d["media_type"]) for d in listed] == [
        ("HD-THUE", "Hợp đồng thuê.pdf", "application/pdf"), ("CCCD", "cccd.png", "image/png")]
    assert {d["uploader"] for d in listed} == {"owner"}
    got = client.get(f"/api/v1/dossiers/{filed['code']}/documents/{listed[1]['id']}", headers=citizen.headers)
    assert got.status_code == 200 and got.data == card
    assert [d["code"] for d in mine(client, citizen)] == [filed["code"]]


def test_the_json_part_may_be_a_file_and_the_json_route_is_unchanged(client, people, catalogue):
    citizen = people.citizen()
    answer = client.post("/api/v1/dossiers", headers=citizen.headers, content_type="multipart/form-data", data={
        "dossier": (io.BytesIO(json.dumps(BODY).encode()), "dossier.json", "application/json"),
        "CCCD": (io.BytesIO(JPEG), "cccd.jpg")})
    assert answer.status_code == 201, answer.json
    assert [d["component_code"] for d in documents_of(client, citizen, answer.json["code"])] == ["CCCD"]
    plain = client.post("/api/v1/dossiers", headers=citizen.headers, json=BODY)
    assert plain.status_code == 201 and documents_of(client, citizen, plain.json["code"]) == []
    smuggled = client.post("/api/v1/dossiers", headers=citizen.headers, json={**BODY, "documents": []})
    assert smuggled.status_code == 422 and smuggled.json["errors"] == {"documents": ["Trường không được hỗ trợ."]}


def test_a_component_takes_as_many_files_as_its_copies(client, db_session, people, catalogue):
    procedure = db_session.get(Procedure, BUSINESS)
    procedure.components = [{**c, "copies": 2} if c["code"] == "CCCD" else c for c in procedure.components]
    db_session.commit()
    citizen = people.citizen()
    two = file_with(client, citizen, {"CCCD": [(PNG + b"front", "mặt trước.png"), (PNG + b"back", "mặt sau.png")]})
    assert two.status_code == 201, two.json
    assert [d["file_name"] for d in documents_of(client, citizen, two.json["code"])] == ["mặt trước.png", "mặt sau.png"]
    three = file_with(client, citizen, {"CCCD": [(PNG + bytes([n]), f"{n}.png") for n in range(3)]})
    assert three.status_code == 422 and three.json["code"] == "too_many_copies"
    assert three.json["errors"] == {"CCCD": ["Thành phần này nhận tối đa 2 bản."]}
    once = file_with(client, citizen, {"HD-THUE": [(minimal_pdf("a"), "a.pdf"), (minimal_pdf("b"), "b.pdf")]})
    assert once.status_code == 422 and once.json["code"] == "too_many_copies"
    assert len(mine(client, citizen)) == 1


def test_a_refused_file_files_nothing_and_stores_nothing(app, client, people, catalogue):
    citizen = people.citizen()
    before = {e.key for e in store(app).entries()}
    good = (minimal_pdf("Hop dong that"), "hợp đồng.pdf")
    refusals = [  # (files, status, code, the part refused)
        ({"HD-THUE": good, "CCCD": (b"MZ\x90\x00 not an image" * 10, "cccd.png")}, 415, "unsupported_document_type",
         "CCCD"),
        ({"HD-THUE": good, "CCCD": (PNG + bytes(2 * 1024 * 1024), "big.png")}, 413, "document_too_large", "CCCD"),
        ({"HD-THUE": good, "GIAY-KHAC": (PNG, "x.png")}, 422, "unknown_component", "GIAY-KHAC"),
        ({"HD-THUE": (b"%PDF-1.7\n" + b"garbage " * 50, "broken.pdf"), "CCCD": (PNG, "c.png")}, 422,
         "malformed_document", "HD-THUE"),
    ]
    for files, status, code, part in refusals:
        answer = file_with(client, citizen, files)
        assert (answer.status_code, answer.json["code"]) == (status, code), answer.json
        assert answer.mimetype == "application/problem+json" and answer.json["component_code"] == part
    unknown = file_with(client, citizen, {"GIAY-KHAC": (PNG, "x.png")}).json
    assert unknown["errors"] == {"GIAY-KHAC": [unknown["detail"]]}
    assert mine(client, citizen) == [] and inbox(client, citizen) == []
    assert {e.key for e in store(app).entries()} == before


def test_a_part_that_is_not_a_file_or_no_dossier_part_is_refused(client, people, catalogue):
    citizen = people.citizen()
    text = client.post("/api/v1/dossiers", headers=citizen.headers, content_type="multipart/form-data",
                       data={"dossier": json.dumps(BODY), "CCCD": "not a file"})
    assert text.status_code == 422 and text.json["code"] == "not_a_file" and list(text.json["errors"]) == ["CCCD"]
    missing = client.post("/api/v1/dossiers", headers=citizen.headers, content_type="multipart/form-data",
                          data={"CCCD": (io.BytesIO(PNG), "c.png")})
    assert missing.status_code == 422 and list(missing.json["errors"]) == ["dossier"]
    broken = client.post("/api/v1/dossiers", headers=citizen.headers, content_type="multipart/form-data",
                         data={"dossier": "{not json", "CCCD": (io.BytesIO(PNG), "c.png")})
    assert broken.status_code == 400 and broken.json["code"] == "malformed_json"
    assert list(broken.json["errors"]) == ["dossier"]
    bad_form = file_with(client, citizen, {"CCCD": (PNG, "c.png")}, body={"procedure_code": BUSINESS, "form": {}})
    assert bad_form.status_code == 422 and bad_form.json["code"] == "invalid_form"
    assert mine(client, citizen) == []


class SecondWriteFails(DirectoryStore):
    """The directory store whose second new object cannot be written (a full disk)."""

    def __init__(self, root) -> None:
        super().__init__(root)
        self.puts = 0

    def put(self, key, body, content_type) -> None:
        self.puts += 1
        if self.puts == 2:
            raise OSError(28, "No space left on device")
        super().put(key, body, content_type)


def test_a_store_failing_midway_leaves_no_object_and_no_dossier(app, client, people, catalogue, monkeypatch, tmp_path):
    failing = SecondWriteFails(tmp_path / "documents")
    monkeypatch.setattr(app.extensions["runtime"], "documents", failing)
    citizen = people.citizen()
    answer = file_with(client, citizen, {"HD-THUE": (minimal_pdf("Hop dong"), "a.pdf"), "CCCD": (PNG, "c.png")})
    assert answer.status_code == 500 and answer.mimetype == "application/problem+json"
    assert failing.puts == 2 and list(failing.entries()) == []  # the first object was removed
    assert mine(client, citizen) == [] and inbox(client, citizen) == []


def test_a_retry_with_the_same_key_is_the_same_filing(client, people, catalogue):
    citizen = people.citizen()
    files = {"CCCD": (PNG + b"retry", "c.png")}
    first = file_with(client, citizen, files, **{"Idempotency-Key": "file-with-documents-1"})
    again = file_with(client, citizen, files, **{"Idempotency-Key": "file-with-documents-1"})  # a new boundary
    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json["code"] == first.json["code"] and len(mine(client, citizen)) == 1
    other = file_with(client, citizen, {"CCCD": (PNG + b"other", "c.png")}, **{"Idempotency-Key": "file-with-documents-1"})
    assert other.status_code == 422 and other.json["code"] == "idempotency_key_reused"


def test_a_fee_still_files_it_unpaid_with_its_documents(client, people, catalogue, gateway):  # noqa: F811
    citizen = people.citizen()
    answer = file_with(client, citizen, {"HD-THUE": (minimal_pdf("Hop dong"), "a.pdf"), "CCCD": (PNG, "c.png")})
    assert answer.status_code == 201, answer.json
    assert answer.json["status"] == "payment_requested" and answer.json["amount_due_vnd"] == 100_000
    assert len(documents_of(client, citizen, answer.json["code"])) == 2


@pytest.fixture
def s3_bucket(app, monkeypatch):
    """The app's documents in a bucket of its own on moto's S3 server on loopback, over HTTP
    (moto keeps its buckets for the whole process: a fresh one sees only this test's objects)."""
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_CONFIG_FILE", os.devnull), ("AWS_SHARED_CREDENTIALS_FILE", os.devnull)):
        monkeypatch.setenv(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint, bucket = f"http://{host}:{port}", f"filing-{uuid.uuid4().hex[:12]}"
    raw = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    raw.create_bucket(Bucket=bucket)
    monkeypatch.setattr(app.extensions["runtime"], "documents",
                        S3Store(bucket, "dossiers", endpoint_url=endpoint, region="us-east-1"))
    yield raw, bucket
    server.stop()


def test_filing_with_documents_in_s3_over_http(client, people, catalogue, s3_bucket):
    citizen, (raw, bucket) = people.citizen(), s3_bucket

    def keys() -> list[str]:
        listed = raw.list_objects_v2(Bucket=bucket, Prefix="dossiers/sha256/").get("Contents", [])
        return sorted(o["Key"].rsplit("/", 1)[-1] for o in listed)

    refused = file_with(client, citizen, {"HD-THUE": (minimal_pdf("Hop dong"), "a.pdf"),
                                          "CCCD": (b"GIF89a not accepted" * 4, "c.gif")})
    assert refused.status_code == 415 and keys() == [] and mine(client, citizen) == []
    card = PNG + b"s3"
    filed = file_with(client, citizen, {"HD-THUE": (minimal_pdf("Hop dong"), "a.pdf"), "CCCD": (card, "c.png")})
    assert filed.status_code == 201, filed.json
    listed = documents_of(client, citizen, filed.json["code"])
    assert keys() == sorted(d["sha256"] for d in listed)
    got = client.get(f"/api/v1/dossiers/{filed.json['code']}/documents/{listed[1]['id']}", headers=citizen.headers)
    assert got.status_code == 200 and got.data == card
