"""Idempotency-Key: the same key and body replay the first answer; another body is 422.

The remembered answer is written in the same transaction as the effect, so a retry after
a crash either finds both or neither.
"""
from __future__ import annotations

import hashlib
import json
from functools import wraps
from typing import Any, Callable

from flask import Response, make_response, request
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from api.auth import current_principal
from api.database import db
from api.runtime import runtime
from models.idempotency import IdempotencyRecord
from services.errors import ValidationFailed
from services.messages import lazy_text

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
CHUNK_BYTES = 64 * 1024


# Headers that name whom a request is about, as a path would: the same key for another person
# is another request (422), not a replay of the first person's answer.
SUBJECT_HEADERS = ("X-Subject",)


def _multipart() -> str:
    """A multipart body by its fields and each file's name and SHA-256, not its bytes on the wire:
    a retry's new boundary is still the same request."""
    files = []
    for name, upload in request.files.items(multi=True):
        digest = hashlib.sha256()
        while chunk := upload.stream.read(CHUNK_BYTES):
            digest.update(chunk)
        upload.stream.seek(0)
        files.append([name, upload.filename or "", digest.hexdigest()])
    return json.dumps({"fields": sorted([name, value] for name, value in request.form.items(multi=True)),
                       "files": sorted(files)})


def _fingerprint() -> str:
    body = request.get_json(silent=True)
    if body is not None:
        canonical = json.dumps(body, sort_keys=True)
    else:
        canonical = _multipart() if request.mimetype == "multipart/form-data" else request.get_data().hex()
    about = "".join(f"\n{name}: {request.headers[name]}" for name in SUBJECT_HEADERS if name in request.headers)
    return hashlib.sha256(f"{request.method} {request.path}{about}\n{canonical}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        raise ValidationFailed(lazy_text("idempotency.idempotency_key_was_used"),
                               errors={HEADER: [lazy_text("idempotency.already_used_another_request")]},
                               code="idempotency_key_reused")
    response = Response(record.response_body, status=record.status_code, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not (0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()):
            raise ValidationFailed.on_field(HEADER, lazy_text("idempotency.1_max_key_length", max_key_length=MAX_KEY_LENGTH))
        caller, fingerprint, session = current_principal().caller_key, _fingerprint(), db()
        lookup = select(IdempotencyRecord).where(IdempotencyRecord.caller == caller,
                                                 IdempotencyRecord.key == key)
        found = session.scalar(lookup)
        if found is not None:
            return _replay(found, fingerprint)
        # Reserve the key before acting: a concurrent twin blocks on this row until we
        # finish, then replays our answer instead of acting a second time.
        record = IdempotencyRecord(caller=caller, key=key, request_hash=fingerprint,
                                   status_code=0, response_body="", created_at=runtime().clock.now())
        session.add(record)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            return _replay(session.scalars(lookup).one(), fingerprint)
        try:
            response = make_response(view(*args, **kwargs))
        except Exception:
            if inspect(record).persistent:  # a failed flush (database gone) already undid it
                session.delete(record)  # even if the error keeps other changes, the key stays free
            raise
        if response.status_code >= 400:
            session.delete(record)
            return response
        record.status_code = response.status_code
        record.response_body = response.get_data(as_text=True)
        return response

    return wrapper
