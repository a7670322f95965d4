"""One JSON log line per request (when, request id, who, what, outcome); never a full ID number
or a secret."""
from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, request
from pythonjsonlogger.json import JsonFormatter

from services.identity.national_id import last4_mask

log = logging.getLogger("request")
_TWELVE_DIGITS = re.compile(r"(?<!\d)\d{12}(?!\d)")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def masked_path(path: str) -> str:
    return _TWELVE_DIGITS.sub(lambda m: last4_mask(m.group()), path)


class MaskNationalIds(logging.Filter):
    """Every 12-digit number in a log line (message, arguments, traceback) as its last four."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = masked_path(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info:  # formatted here, masked, and handed on as text
            record.exc_text = masked_path(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = masked_path(record.exc_text)
        return True


MASK = MaskNationalIds()


def configure_logging(level: str) -> None:
    # The development server's access lines (werkzeug) reach whichever handler is installed:
    # masked on the logger, before any handler sees them.
    werkzeug = logging.getLogger("werkzeug")
    if MASK not in werkzeug.filters:
        werkzeug.addFilter(MASK)
    root = logging.getLogger()
    if any(getattr(h, "_ihanoi", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(MASK)  # every project logger propagates to this handler
    # "timestamp": ISO 8601 in UTC with its offset, whatever the host's time zone.
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s", timestamp=True))
    handler._ihanoi = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        duration_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        principal = g.get("principal")
        log.info("request", extra={"request_id": g.get("request_id"), "method": request.method,
                                   "path": masked_path(request.path), "status": response.status_code,
                                   "caller": principal.caller_key if principal else None,
                                   "duration_ms": round(duration_ms, 2)})
        return response
