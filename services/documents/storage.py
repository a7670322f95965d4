"""Where document bytes live: one interface, a local directory or S3-compatible object storage.

`open_store(url)` picks the implementation from DOCUMENT_STORE_URL: `s3://bucket/prefix` for
object storage (boto3; endpoint and region configurable, credentials from boto3's usual chain),
`file:///abs/path` or a plain path for a directory (the embedded default, `instance/documents`).

Keys are content addresses (`sha256/ab/cd/abcd…`): `save()` stores the same bytes once.
Both stores make a write all-or-nothing: the local one writes a temporary file beside the
target and renames it; S3 only shows an object once its upload (multipart included) completed.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import unquote, urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from services.errors import DocumentMissing, Unavailable
from services.messages import lazy_text

CHUNK_BYTES = 64 * 1024
# Leftovers of a write killed mid-way start with this; the directory store never lists them.
TEMP_PREFIX = ".partial-"
_KEY = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")

Body = bytes | BinaryIO


class DocumentStore(Protocol):
    def put(self, key: str, body: Body, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def stream(self, key: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def entries(self, prefix: str = "") -> Iterator["StoredEntry"]: ...


@dataclass(frozen=True)
class StoredEntry:
    """An object as a listing shows it (for the sweep of objects no row refers to)."""

    key: str
    size: int
    modified_at: datetime


@dataclass(frozen=True)
class StoredObject:
    key: str
    sha256: str
    size: int
    created: bool  # False when the same bytes were already stored


def content_key(sha256_hex: str) -> str:
    return f"sha256/{sha256_hex[:2]}/{sha256_hex[2:4]}/{sha256_hex}"


def save(store: DocumentStore, content: bytes, content_type: str) -> StoredObject:
    """Store bytes under their SHA-256 unless they are there already."""
    digest = hashlib.sha256(content).hexdigest()
    key = content_key(digest)
    created = not store.exists(key)
    if created:
        store.put(key, content, content_type)
    return StoredObject(key=key, sha256=digest, size=len(content), created=created)


def _checked(key: str) -> str:
    if not _KEY.match(key) or ".." in key.split("/"):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def _readable(body: Body) -> BinaryIO:
    return io.BytesIO(body) if isinstance(body, (bytes, bytearray, memoryview)) else body


class DirectoryStore:
    """Objects as files under one directory; a write is a temporary file renamed into place."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)

    def put(self, key: str, body: Body, content_type: str) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                source = _readable(body)
                while chunk := source.read(CHUNK_BYTES):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise DocumentMissing(lazy_text("documents.storage.no_stored_object_key", key=key)) from None

    def stream(self, key: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        try:
            source = self._path(key).open("rb")
        except FileNotFoundError:
            raise DocumentMissing(lazy_text("documents.storage.no_stored_object_key", key=key)) from None
        return _chunks(source, chunk_bytes)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def entries(self, prefix: str = "") -> Iterator[StoredEntry]:
        for path in sorted(self.root.rglob("*")):
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and key.startswith(prefix) and not path.name.startswith(TEMP_PREFIX):
                status = path.stat()
                yield StoredEntry(key, status.st_size, datetime.fromtimestamp(status.st_mtime, timezone.utc))

    def discard_partials(self, older_than: timedelta) -> int:
        """Remove what writes killed mid-way (kill -9, power loss) left; returns how many."""
        cutoff = (datetime.now(timezone.utc) - older_than).timestamp()
        stale = [p for p in self.root.rglob(f"{TEMP_PREFIX}*") if p.stat().st_mtime < cutoff]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)


def _chunks(source: BinaryIO, chunk_bytes: int) -> Iterator[bytes]:
    with source:
        while chunk := source.read(chunk_bytes):
            yield chunk


class S3Store:
    """Objects in an S3-compatible bucket under a prefix, through boto3."""

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None,
                 region: str | None = None, client=None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None,
            config=Config(retries={"mode": "standard", "max_attempts": 3}))

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{_checked(key)}" if self.prefix else _checked(key)

    def put(self, key: str, body: Body, content_type: str) -> None:
        with _outside_errors():
            self.client.upload_fileobj(_readable(body), self.bucket, self._key(key),
                                       ExtraArgs={"ContentType": content_type})

    def get(self, key: str) -> bytes:
        return b"".join(self.stream(key))

    def stream(self, key: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        with _outside_errors(key):
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        return _s3_chunks(body, chunk_bytes)

    def exists(self, key: str) -> bool:
        try:
            with _outside_errors(key):
                self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except DocumentMissing:
            return False
        return True

    def delete(self, key: str) -> None:
        with _outside_errors():
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def entries(self, prefix: str = "") -> Iterator[StoredEntry]:
        root = f"{self.prefix}/" if self.prefix else ""
        with _outside_errors():
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=root + prefix)
            for page in pages:
                for item in page.get("Contents", []):
                    yield StoredEntry(item["Key"][len(root):], item["Size"], item["LastModified"])


def _s3_chunks(body, chunk_bytes: int) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(chunk_bytes)
    finally:
        body.close()


@contextmanager
def _outside_errors(key: str | None = None) -> Iterator[None]:
    """boto3's failures as domain errors: a missing key is DocumentMissing, the rest Unavailable."""
    try:
        yield
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if key is not None and code in ("404", "NoSuchKey", "NotFound"):
            raise DocumentMissing(lazy_text("documents.storage.no_stored_object_key", key=key)) from None
        raise Unavailable(lazy_text("documents.storage.object_storage_refused_request", code=code),
                          code="document_store_unavailable") from error
    except BotoCoreError as error:
        raise Unavailable(lazy_text("documents.storage.object_storage_does_answer"), code="document_store_unavailable") from error


def open_store(url: str, *, endpoint_url: str | None = None, region: str | None = None) -> DocumentStore:
    """`s3://bucket/prefix` -> S3Store; `file:///path` or a plain path -> DirectoryStore."""
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise ValueError(f"DOCUMENT_STORE_URL {url!r} names no bucket")
        return S3Store(parsed.netloc, parsed.path, endpoint_url=endpoint_url, region=region)
    if parsed.scheme == "file":
        return DirectoryStore(unquote(parsed.path))
    if parsed.scheme and len(parsed.scheme) > 1:  # one letter is a Windows drive
        raise ValueError(f"DOCUMENT_STORE_URL {url!r}: use s3://bucket/prefix, file:///path or a path")
    return DirectoryStore(url)
