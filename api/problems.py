"""Every failure as RFC 9457 problem+json. The one place a domain error becomes HTTP."""
from __future__ import annotations

import http
import logging
from typing import Any

import marshmallow as ma
import redis
from flask import Flask, Response, json
from flask_limiter.errors import RateLimitExceeded
from sqlalchemy.exc import OperationalError, DisconnectionError
from werkzeug.exceptions import HTTPException

from api.field_messages import field_message
from api.language import request_language, text_of
from services import errors
from services.messages import LazyText, lazy_text, translate

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
# The detail of a request the argument parser (the documented schema) rejected.
INVALID_FIELDS = lazy_text("problem.invalid_fields")
# The title of each status, in the reader's language (RFC 9457 lets the title be localised).
TITLE_OF_STATUS = {
    400: lazy_text("problem.title.400"), 401: lazy_text("problem.title.401"), 403: lazy_text("problem.title.403"),
    404: lazy_text("problem.title.404"), 405: lazy_text("problem.title.405"), 409: lazy_text("problem.title.409"),
    412: lazy_text("problem.title.412"), 413: lazy_text("problem.title.413"), 415: lazy_text("problem.title.415"),
    422: lazy_text("problem.title.422"), 428: lazy_text("problem.title.428"), 429: lazy_text("problem.title.429"),
    500: lazy_text("problem.title.500"), 502: lazy_text("problem.title.502"), 503: lazy_text("problem.title.503"),
}

# Domain error class -> HTTP status. Order matters: subclasses before their bases.
STATUS_OF_ERROR: list[tuple[type[errors.DomainError], int]] = [
    (errors.InvalidTransition, 409),
    (errors.Conflict, 409),
    (errors.NotFound, 404),
    (errors.Forbidden, 403),
    (errors.Unauthenticated, 401),
    (errors.BadRequest, 400),
    (errors.ValidationFailed, 422),
    (errors.RateLimited, 429),
    (errors.PayloadTooLarge, 413),
    (errors.UnsupportedMediaType, 415),
    (errors.Unavailable, 503),
    (errors.UpstreamFailed, 502),
]

# HTTP status -> stable code, for failures raised by the framework rather than a rule.
CODE_OF_STATUS = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 412: "precondition_failed",
    413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_failed",
    428: "precondition_required", 429: "rate_limited", 500: "internal_error",
    502: "bad_gateway", 503: "service_unavailable",
}

# werkzeug's own description of a status -> the catalogue text said in its place.
HTTP_DETAILS = {
    400: lazy_text("http.bad_request"), 404: lazy_text("http.not_found"),
    405: lazy_text("http.method_not_allowed"), 413: lazy_text("http.payload_too_large"),
    415: lazy_text("http.unsupported_media_type"),
}

# Failures of an outside system that make a request impossible right now, not a bug.
UNAVAILABLE_ERRORS = (OperationalError, DisconnectionError, redis.ConnectionError, redis.TimeoutError)


class ProblemSchema(ma.Schema):
    """The body of every error response (RFC 9457); rules may add extension members."""

    class Meta:
        unknown = ma.INCLUDE  # documented as additionalProperties: extension members

    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    code = ma.fields.String(required=True, metadata={"description": "Stable machine code, for translation"})
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
                            metadata={"description": "Messages per field (422 only)"})
    current = ma.fields.String(metadata={"description": "State the object is in (409 invalid_transition)"})
    allowed = ma.fields.List(ma.fields.String(),
                             metadata={"description": "Moves allowed from `current` (409 invalid_transition)"})
    problems = ma.fields.List(ma.fields.String(),
                              metadata={"description": "The verifier's codes, each said in `errors` (422 signature_not_valid)"})
    successors = ma.fields.List(ma.fields.Dict(),
                                metadata={"description": "Who took over an agency that ended: {code, name} (403 agency_ended)"})


def problem(status: int, code: str, detail: str | LazyText | None = None, *,
            headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """The problem+json answer; catalogue texts (the title, a LazyText detail, field messages)
    are written in the request's language."""
    language = request_language()
    title = TITLE_OF_STATUS.get(status)
    body = {"type": f"urn:ihanoi:problem:{code}",
            "title": translate(language, title) if title else http.HTTPStatus(status).phrase,
            "status": status, "code": code}
    if detail:
        body["detail"] = text_of(detail)
    if "errors" in extra:
        extra["errors"] = {path: [text_of(message) for message in messages]
                           for path, messages in extra["errors"].items()}
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="ihanoi"')
    return response


def status_of(error: errors.DomainError) -> int:
    return next(status for cls, status in STATUS_OF_ERROR if isinstance(error, cls))


# webargs' locations, the multipart ones of api/signatures/multipart.py included: never part of a field's path.
BODY_AND_PARAMETER_LOCATIONS = ("json", "query", "form", "files", "headers", "view_args", "multipart",
                                "json_or_multipart")


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs' nested {location: {field: [..]}} as {"field.path": [..]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            is_location = not prefix and key in BODY_AND_PARAMETER_LOCATIONS
            path = prefix if is_location else (f"{prefix}.{key}" if prefix else str(key))
            for sub_key, sub_value in flatten_messages(value, path).items():
                flat.setdefault(sub_key, []).extend(sub_value)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_body"] = list(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            flat.update(flatten_messages(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "_body"] = [str(messages)]
    return flat


def _domain_problem(error: errors.DomainError) -> Response:
    from api.database import keep_changes_despite_error

    if error.keep_changes:
        keep_changes_despite_error()
    status = status_of(error)
    extra = dict(error.extra)
    headers = {}
    if isinstance(error, errors.ValidationFailed):
        extra["errors"] = error.errors
    if isinstance(error, errors.RateLimited):
        headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, errors.Unavailable):
        headers["Retry-After"] = "5"
    return problem(status, error.code, error.detail, headers=headers, **extra)


def _http_problem(error: HTTPException) -> Response:
    status = error.code or 500
    original = getattr(error, "original_exception", None)
    if status == 500 and original is not None:
        return _unexpected_problem(original)
    data = getattr(error, "data", None) or {}
    if status == 422 or "messages" in data:
        language = request_language()
        return problem(422 if status == 422 else status,
                       "malformed_json" if status == 400 else "validation_failed",
                       INVALID_FIELDS,
                       errors={path: [field_message(language, message) for message in messages]
                               for path, messages in flatten_messages(data.get("messages", {})).items()})
    headers = dict(data.get("headers") or {})
    if status == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem(status, CODE_OF_STATUS.get(status, "error"), _http_detail(error), headers=headers)


def _http_detail(error: HTTPException) -> str | LazyText | None:
    """The app's own description (a catalogue text) as it is; werkzeug's default English, from the catalogue."""
    if error.description == type(error).description:
        return HTTP_DETAILS.get(error.code or 500, error.description)
    return error.description


def _rate_limit_problem(error: RateLimitExceeded) -> Response:
    retry_after = "60"
    if error.limit is not None:
        retry_after = str(error.limit.limit.get_expiry())
    return problem(429, "rate_limited", lazy_text("problem.rate_limited"),
                   headers={"Retry-After": retry_after})


def _unexpected_problem(error: BaseException) -> Response:
    if isinstance(error, errors.DomainError):
        return _domain_problem(error)
    if isinstance(error, UNAVAILABLE_ERRORS):
        return unavailable_problem(error)
    log.exception("unexpected error")
    return problem(500, "internal_error", lazy_text("problem.internal_error"))


def unavailable_problem(error: BaseException) -> Response:
    """503 for a database or Redis that does not answer (a retry with the same Idempotency-Key is safe)."""
    log.warning("dependency unavailable: %s", error.__class__.__name__)
    return problem(503, "service_unavailable", lazy_text("problem.service_unavailable"),
                   headers={"Retry-After": "5"})


def init_app(app: Flask) -> None:
    app.register_error_handler(errors.DomainError, _domain_problem)
    app.register_error_handler(RateLimitExceeded, _rate_limit_problem)
    app.register_error_handler(HTTPException, _http_problem)
    app.register_error_handler(Exception, _unexpected_problem)
