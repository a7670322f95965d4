"""A payment gateway on loopback that speaks services/payments/gateway.py's HTTP protocol.

Tests (and a developer running the curl tour) drive it: a payment can be marked paid, failed
or expired, which sends a signed callback to the payment's (or the server's) callback URL; a
callback can be sent again, sent with a forged signature, or paid with another amount; and
the day's statement is served as JSON for reconciliation.

    with DevPaymentGateway(secret="s", callback_url="http://127.0.0.1:5000/api/v1/payments/callbacks/dev") as gw:
        created = HttpPaymentGateway("dev", gw.base_url, secret="s").create_payment(...)
        gw.pay(created.gateway_ref)

The same drivers answer over HTTP: POST /payments/{ref}/paid {amount_vnd?, callback?},
/failed, /expired, /callback (the last one again), /forged-callback.
Standalone: python -m devservers.payment_gateway --port 8765 --secret dev --callback-url URL
"""
from __future__ import annotations

import argparse
import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import requests
from werkzeug.exceptions import HTTPException, NotFound, Unauthorized
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from devservers.loopback import LoopbackServer, ServedOnLoopback
from services.payments.gateway import SIGNATURE_HEADER, sign

CITY_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class DevPayment:
    gateway_ref: str
    reference: str
    amount_vnd: int
    description: str
    callback_url: str | None
    expires_at: datetime
    status: str = "pending"
    paid_amount_vnd: int | None = None
    settled_at: datetime | None = None


@dataclass(frozen=True)
class Delivery:
    """One callback as sent, and how the receiver answered (None: it could not be reached)."""

    url: str
    body: bytes
    signature: str
    status_code: int | None


@dataclass
class _Ledger:
    payments: dict[str, DevPayment] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


URLS = Map([
    Rule("/payments", methods=["POST"], endpoint="create"),
    Rule("/pay/<ref>", methods=["GET"], endpoint="page"),
    Rule("/statements/<day>", methods=["GET"], endpoint="statement"),
    Rule("/payments/<ref>/<action>", methods=["POST"], endpoint="drive"),
])


class DevPaymentGateway(ServedOnLoopback):
    def __init__(self, *, secret: str, callback_url: str | None = None, api_key: str = "",
                 ttl: timedelta = timedelta(minutes=15), port: int = 0) -> None:
        self.secret = secret
        self.callback_url = callback_url
        self.api_key = api_key
        self.ttl = ttl
        self.ledger = _Ledger()
        self._server = LoopbackServer(self._wsgi, port)

    @property
    def deliveries(self) -> list[Delivery]:
        return list(self.ledger.deliveries)

    # --- what tests drive -------------------------------------------------------------

    def pay(self, ref: str, *, amount_vnd: int | None = None, callback: bool = True,
            at: datetime | None = None) -> Delivery | None:
        """Mark paid (with another amount if given); callback=False loses the callback."""
        payment = self._settle(ref, "paid", at)
        payment.paid_amount_vnd = payment.amount_vnd if amount_vnd is None else amount_vnd
        return self.send_callback(ref) if callback else None

    def fail(self, ref: str) -> Delivery:
        self._settle(ref, "failed", None)
        return self.send_callback(ref)

    def expire(self, ref: str) -> Delivery:
        self._settle(ref, "expired", None)
        return self.send_callback(ref)

    def send_callback(self, ref: str, *, forge: bool = False) -> Delivery:
        """The payment's callback as it stands (again, if it was sent before)."""
        payment = self._payment(ref)
        body = json.dumps(_settled(payment)).encode("utf-8")
        signature = sign(body, "forged-" + secrets.token_hex(8) if forge else self.secret)
        url = payment.callback_url or self.callback_url
        if not url:
            raise ValueError("no callback URL: give one to the server or the payment")
        try:
            answer = requests.post(url, data=body, timeout=10, headers={
                "Content-Type": "application/json", SIGNATURE_HEADER: signature}).status_code
        except requests.RequestException:
            answer = None
        delivery = Delivery(url=url, body=body, signature=signature, status_code=answer)
        self.ledger.deliveries.append(delivery)
        return delivery

    def statement(self, day: date) -> list[dict[str, Any]]:
        """The money received that day (Hanoi time), as a bank statement lists it: paid only."""
        settled = [p for p in self.ledger.payments.values() if p.status == "paid" and p.settled_at
                   and p.settled_at.astimezone(CITY_TIMEZONE).date() == day]
        return [dict(_settled(p), reference=p.reference) for p in settled]

    # --- state ------------------------------------------------------------------------

    def _payment(self, ref: str) -> DevPayment:
        try:
            return self.ledger.payments[ref]
        except KeyError:
            raise NotFound(f"no payment {ref}") from None

    def _settle(self, ref: str, status: str, at: datetime | None) -> DevPayment:
        with self.ledger.lock:
            payment = self._payment(ref)
            payment.status, payment.settled_at = status, at or datetime.now(timezone.utc)
            return payment

    def _create(self, sent: dict[str, Any]) -> DevPayment:
        amount = sent.get("amount_vnd")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0 or not sent.get("reference"):
            raise _Unprocessable()
        payment = DevPayment(gateway_ref="DEV" + secrets.token_hex(8).upper(), reference=str(sent["reference"]),
                             amount_vnd=amount, description=str(sent.get("description", "")),
                             callback_url=sent.get("callback_url"),
                             expires_at=datetime.now(timezone.utc) + self.ttl)
        with self.ledger.lock:
            self.ledger.payments[payment.gateway_ref] = payment
        return payment

    # --- HTTP -------------------------------------------------------------------------

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        try:
            endpoint, args = URLS.bind_to_environ(environ).match()
            response = getattr(self, f"_http_{endpoint}")(request, **args)
        except HTTPException as exc:
            response = _json({"error": exc.name, "detail": exc.description}, exc.code or 500)
        return response(environ, start_response)

    def _authorised(self, request: Request) -> None:
        if self.api_key and request.headers.get("Authorization") != f"Bearer {self.api_key}":
            raise Unauthorized()

    def _http_create(self, request: Request) -> Response:
        self._authorised(request)
        payment = self._create(request.get_json(silent=True) or {})
        return _json({"gateway_ref": payment.gateway_ref, "pay_url": f"{self.base_url}/pay/{payment.gateway_ref}",
                      "expires_at": payment.expires_at.isoformat()}, 201)

    def _http_page(self, request: Request, ref: str) -> Response:
        payment = self._payment(ref)
        return Response(f"<!doctype html><title>Thanh toán {ref}</title><p>{payment.description}: "
                        f"{payment.amount_vnd} VND ({payment.status})</p>", mimetype="text/html")

    def _http_statement(self, request: Request, day: str) -> Response:
        self._authorised(request)
        try:
            wanted = date.fromisoformat(day)
        except ValueError:
            raise NotFound(f"no date {day}") from None
        return _json({"date": day, "payments": self.statement(wanted)})

    def _http_drive(self, request: Request, ref: str, action: str) -> Response:
        sent = request.get_json(silent=True) or {}
        drivers = {
            "paid": lambda: self.pay(ref, amount_vnd=sent.get("amount_vnd"), callback=sent.get("callback", True)),
            "failed": lambda: self.fail(ref), "expired": lambda: self.expire(ref),
            "callback": lambda: self.send_callback(ref), "forged-callback": lambda: self.send_callback(ref, forge=True),
        }
        if action not in drivers:
            raise NotFound(f"no action {action}")
        delivery = drivers[action]()
        return _json({"status": self._payment(ref).status,
                      "callback_status": delivery.status_code if delivery else None})


class _Unprocessable(HTTPException):
    code = 422
    description = "amount_vnd (a positive whole number) and reference are required"


def _settled(payment: DevPayment) -> dict[str, Any]:
    paid = payment.status == "paid"
    return {"gateway_ref": payment.gateway_ref,
            "amount_vnd": payment.paid_amount_vnd if paid else payment.amount_vnd,
            "status": payment.status,
            "paid_at": payment.settled_at.isoformat() if paid and payment.settled_at else None}


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--callback-url")
    parser.add_argument("--api-key", default="")
    options = parser.parse_args()
    gateway = DevPaymentGateway(secret=options.secret, callback_url=options.callback_url,
                                api_key=options.api_key, port=options.port)
    with gateway:
        print(f"development payment gateway on {gateway.base_url}", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
