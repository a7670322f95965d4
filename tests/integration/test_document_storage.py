"""One storage contract, run against the directory store and against S3 over real HTTP.

The S3 side talks to moto's standalone server on loopback through boto3, as production talks
to its object storage: no in-process mocking.
"""
from __future__ import annotations

import hashlib
import io
import os
import socket
import time
import uuid
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from moto.server import ThreadedMotoServer

from services.documents.storage import (DirectoryStore, S3Store, TEMP_PREFIX, content_key, open_store,
                                        save)
from services.errors import DocumentMissing, Unavailable

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(autouse=True)
def aws_credentials(monkeypatch, tmp_path):
    """boto3's usual chain, fed from the environment only (never the developer's ~/.aws)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def _client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="ap-southeast-1")


@pytest.fixture(params=["directory", "s3"])
def store(request, tmp_path, aws_credentials):
    if request.param == "directory":
        return open_store(str(tmp_path / "documents"))
    endpoint = request.getfixturevalue("s3_endpoint")
    client = _client(endpoint)
    bucket = f"documents-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"})
    return open_store(f"s3://{bucket}/dossiers", endpoint_url=endpoint, region="ap-southeast-1")


class BrokenUpload(io.RawIOBase):
    """A client that sends `good` bytes and then drops the connection."""

    def __init__(self, good: int) -> None:
        self.left = good

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left <= 0:
            raise ConnectionResetError("client went away")
        n = min(len(buffer), self.left)
        buffer[:n] = b"x" * n
        self.left -= n
        return n


def test_what_is_put_comes_back_whole_and_streamed(store):
    store.put("a/b/scan.pdf", PDF, "application/pdf")
    assert store.exists("a/b/scan.pdf")
    assert store.get("a/b/scan.pdf") == PDF
    chunks = list(store.stream("a/b/scan.pdf", chunk_bytes=1000))
    assert b"".join(chunks) == PDF and len(chunks) > 1


def test_a_stream_is_stored_as_read(store):
    body = os.urandom(3 * 1024 * 1024)
    store.put("big", io.BytesIO(body), "image/png")
    assert hashlib.sha256(store.get("big")).digest() == hashlib.sha256(body).digest()


def test_a_deleted_object_is_gone_and_deleting_twice_is_harmless(store):
    store.put("gone", b"%PDF-", "application/pdf")
    store.delete("gone")
    store.delete("gone")
    assert not store.exists("gone")
    with pytest.raises(DocumentMissing):
        store.get("gone")
    with pytest.raises(DocumentMissing):
        store.stream("gone")


def test_the_same_file_twice_is_stored_once(store):
    first = save(store, PDF, "application/pdf")
    second = save(store, PDF, "application/pdf")
    assert first.created and not second.created
    assert first.key == second.key == content_key(hashlib.sha256(PDF).hexdigest())
    assert first.sha256 == hashlib.sha256(PDF).hexdigest() and first.size == len(PDF)
    assert store.get(first.key) == PDF


def test_a_key_cannot_leave_the_store(store):
    for key in ("../outside", "/etc/passwd", "a/../../b", "", "a//b"):
        with pytest.raises(ValueError):
            store.put(key, b"x", "text/plain")


def test_an_interrupted_small_upload_leaves_nothing(store):
    with pytest.raises(ConnectionResetError):
        store.put("half", io.BufferedReader(BrokenUpload(100_000)), "application/pdf")
    assert not store.exists("half")


def test_an_interrupted_write_leaves_no_file_behind(tmp_path):
    store = DirectoryStore(tmp_path)
    with pytest.raises(ConnectionResetError):
        store.put("sha256/ab/cd/half", io.BufferedReader(BrokenUpload(300_000)), "application/pdf")
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert leftovers == []
    store.put("sha256/ab/cd/whole", PDF, "application/pdf")
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["whole"]
    assert not any(p.name.startswith(TEMP_PREFIX) for p in tmp_path.rglob("*"))


def test_an_interrupted_multipart_upload_leaves_no_object_and_no_parts(s3_endpoint):
    client = _client(s3_endpoint)
    client.create_bucket(Bucket="multipart", CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"})
    store = S3Store("multipart", "p", endpoint_url=s3_endpoint, region="ap-southeast-1")
    with pytest.raises(ConnectionResetError):
        store.put("half", io.BufferedReader(BrokenUpload(20 * 1024 * 1024)), "application/pdf")
    assert not store.exists("half")
    assert client.list_objects_v2(Bucket="multipart").get("KeyCount") == 0
    assert client.list_multipart_uploads(Bucket="multipart").get("Uploads", []) == []


def test_s3_objects_sit_under_the_prefix_with_their_content_type(s3_endpoint):
    client = _client(s3_endpoint)
    client.create_bucket(Bucket="prefixed", CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"})
    store = open_store("s3://prefixed/city/docs/", endpoint_url=s3_endpoint, region="ap-southeast-1")
    stored = save(store, PDF, "application/pdf")
    head = client.head_object(Bucket="prefixed", Key=f"city/docs/{stored.key}")
    assert head["ContentType"] == "application/pdf" and head["ContentLength"] == len(PDF)


def test_object_storage_that_does_not_answer_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = open_store("s3://nowhere/x", endpoint_url=f"http://127.0.0.1:{port}", region="ap-southeast-1")
    with pytest.raises(Unavailable) as caught:
        store.put("k", b"x", "text/plain")
    assert caught.value.code == "document_store_unavailable"
    with pytest.raises(Unavailable):
        store.exists("k")


def test_the_store_url_picks_the_implementation(tmp_path):
    assert isinstance(open_store(str(tmp_path)), DirectoryStore)
    by_url = open_store(f"file://{tmp_path}/docs")
    assert isinstance(by_url, DirectoryStore) and by_url.root == tmp_path / "docs"
    s3 = open_store("s3://bucket/a/b", endpoint_url="http://127.0.0.1:9", region="ap-southeast-1")
    assert isinstance(s3, S3Store) and (s3.bucket, s3.prefix) == ("bucket", "a/b")
    for bad in ("s3:///nobucket", "ftp://host/x"):
        with pytest.raises(ValueError):
            open_store(bad)


def test_the_listing_shows_each_object_once_under_its_key(store):
    a, b = save(store, b"%PDF-a", "application/pdf"), save(store, b"%PDF-b", "application/pdf")
    save(store, b"%PDF-a", "application/pdf")
    store.put("other/x", b"1", "text/plain")
    listed = {entry.key: entry for entry in store.entries("sha256/")}
    assert set(listed) == {a.key, b.key}
    assert listed[a.key].size == 6
    assert abs((datetime.now(timezone.utc) - listed[a.key].modified_at).total_seconds()) < 120
    assert [entry.key for entry in store.entries("other/")] == ["other/x"]


def test_leftovers_of_a_killed_write_are_never_listed_and_are_swept_when_old(tmp_path):
    store = DirectoryStore(tmp_path)
    store.put("sha256/aa/bb/whole", b"1", "text/plain")
    leftover = tmp_path / "sha256" / "aa" / "bb" / f"{TEMP_PREFIX}killed"
    leftover.write_bytes(b"half")
    assert [entry.key for entry in store.entries()] == ["sha256/aa/bb/whole"]
    assert store.discard_partials(older_than=timedelta(hours=1)) == 0
    old = time.time() - 7200
    os.utime(leftover, (old, old))
    assert store.discard_partials(older_than=timedelta(hours=1)) == 1
    assert not leftover.exists() and store.exists("sha256/aa/bb/whole")
