"""Domain errors. api/problems.py maps each class to an HTTP status, in one table."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from services.messages import DEFAULT_LANGUAGE, LazyText, translate


class DomainError(Exception):
    """Base of every rule violation a caller can be told about.

    `code` is stable and machine-readable (the app translates it); `detail` is for people, a
    catalogue text (`lazy_text("id", **values)`) that api/problems.py writes in the reader's language;
    `extra` carries structured fields (for example `current` and `allowed` of a transition).
    """

    default_code = "error"

    def __init__(self, detail: str | LazyText, *, code: str | None = None, keep_changes: bool = False,
                 **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code
        # True when what was written before the error must still be committed
        # (a revoked session family, a denied-access log entry).
        self.keep_changes = keep_changes
        self.extra = extra

    def __str__(self) -> str:
        """The detail in Vietnamese, for logs and operators (a response writes it in the reader's language)."""
        return translate(DEFAULT_LANGUAGE, self.detail) if isinstance(self.detail, LazyText) else self.detail


class NotFound(DomainError):
    default_code = "not_found"


class Conflict(DomainError):
    default_code = "conflict"


class InvalidTransition(Conflict):
    default_code = "invalid_transition"


class Forbidden(DomainError):
    default_code = "forbidden"


class Unauthenticated(DomainError):
    default_code = "unauthenticated"


class BadRequest(DomainError):
    default_code = "bad_request"


class ValidationFailed(DomainError):
    """Input that is well-formed but breaks a rule; `errors` maps a field path to messages."""

    default_code = "validation_failed"

    def __init__(self, detail: str | LazyText, *, errors: Mapping[str, Sequence[str | LazyText]] | None = None,
                 **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.errors: dict[str, list[str | LazyText]] = {path: list(messages) for path, messages in (errors or {}).items()}

    @classmethod
    def on_field(cls, field: str, message: str | LazyText, code: str | None = None) -> "ValidationFailed":
        return cls(message, errors={field: [message]}, code=code)


class RateLimited(DomainError):
    default_code = "rate_limited"

    def __init__(self, detail: str, *, retry_after: int, **kw: Any) -> None:
        super().__init__(detail, **kw)
        self.retry_after = max(1, int(retry_after))


class PayloadTooLarge(DomainError):
    default_code = "payload_too_large"


class UnsupportedMediaType(DomainError):
    default_code = "unsupported_media_type"


class Unavailable(DomainError):
    """An outside system (Redis, a registry, a CA) does not answer."""

    default_code = "service_unavailable"


# Documents (issue 16). Each subclass takes its base's HTTP status from api/problems.py.

class UnsupportedDocumentType(UnsupportedMediaType):
    """The file's bytes are not one of the accepted types, whatever its name says (415)."""

    default_code = "unsupported_document_type"


class DocumentTooLarge(PayloadTooLarge):
    """The file is over the component's (or the system's) size limit (413)."""

    default_code = "document_too_large"


class MalformedDocument(ValidationFailed):
    """The bytes claim a type but cannot be read as it (a broken or locked PDF) (422)."""

    default_code = "malformed_document"


class DocumentMissing(NotFound):
    """The object store has no object under a key (404)."""

    default_code = "document_missing"


# Payments (issue 16).

class BadCallbackSignature(Unauthenticated):
    """A gateway callback whose HMAC does not match its body (401); nothing is recorded."""

    default_code = "bad_callback_signature"


# Outside systems (issue 13).

class UpstreamFailed(DomainError):
    """An outside system this request needs (the e-ID provider, the SMS gateway) failed it (502)."""

    default_code = "bad_gateway"


class EidStateInvalid(BadRequest):
    """The sign-in `state` is unknown, expired or already used."""

    default_code = "eid_state_invalid"


class EidTokenInvalid(Unauthenticated):
    """The e-ID provider's answer (code or ID token) does not prove who signed in."""

    default_code = "eid_token_invalid"


class EidUnavailable(UpstreamFailed):
    default_code = "eid_unavailable"


class SmsUnavailable(UpstreamFailed):
    default_code = "sms_unavailable"
