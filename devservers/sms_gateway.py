"""A local HTTP SMS gateway: checks credentials, records what it received, fails on request.

Speaks what services.identity.sms_gateway.HttpSmsSender sends: `POST /messages` with JSON
`{"to", "from", "text"}` and basic credentials or a bearer token. Tests read the code from
`received`; `fail_with(500)` and `answer_after(seconds)` make it misbehave.
"""
from __future__ import annotations

import hmac
import json
import threading
import time
from dataclasses import dataclass

from werkzeug.wrappers import Request, Response

from devservers.loopback import LoopbackServer, ServedOnLoopback


@dataclass(frozen=True)
class ReceivedSms:
    to: str
    sender: str
    text: str


class SmsGateway(ServedOnLoopback):
    def __init__(self, *, username: str | None = "ihanoi", password: str | None = "dev-sms-password",
                 token: str | None = None, port: int = 0) -> None:
        self.username, self.password, self.token = username, password, token
        self.received: list[ReceivedSms] = []
        self.attempts = 0
        self._failure: int | None = None
        self._delay = 0.0
        self._lock = threading.Lock()
        self._server = LoopbackServer(self._app, port)

    @property
    def url(self) -> str:
        return f"{self.base_url}/messages"

    def fail_with(self, status: int | None) -> None:
        """Answer every message with `status` (e.g. 500) until called with None."""
        self._failure = status

    def answer_after(self, seconds: float) -> None:
        """Wait this long before answering (a client with a shorter timeout gives up)."""
        self._delay = seconds

    def texts_to(self, phone: str) -> list[str]:
        return [sms.text for sms in self.received if sms.to == phone]

    def _authorised(self, request: Request) -> bool:
        auth = request.authorization
        if auth is None:
            return False
        if self.token is not None:
            return auth.type == "bearer" and hmac.compare_digest(auth.token or "", self.token)
        return (auth.type == "basic" and hmac.compare_digest(auth.username or "", self.username or "")
                and hmac.compare_digest(auth.password or "", self.password or ""))

    def _answer(self, request: Request) -> Response:
        with self._lock:
            self.attempts += 1
        if self._delay:
            time.sleep(self._delay)
        if request.method != "POST" or request.path != "/messages":
            return _json(404, {"error": "not_found"})
        if not self._authorised(request):
            return _json(401, {"error": "unauthorized"})
        if self._failure is not None:
            return _json(self._failure, {"error": "gateway_failure"})
        body = request.get_json(silent=True) or {}
        if not all(isinstance(body.get(k), str) and body.get(k) for k in ("to", "from", "text")):
            return _json(400, {"error": "to, from and text are required"})
        with self._lock:
            self.received.append(ReceivedSms(body["to"], body["from"], body["text"]))
        return _json(202, {"id": len(self.received), "status": "queued"})

    @Request.application
    def _app(self, request: Request) -> Response:
        return self._answer(request)


def _json(status: int, body: dict) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")
