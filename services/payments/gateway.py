"""The payment gateway behind `POST /dossiers/{code}/payments`: one interface, one HTTP adapter.

A gateway creates a payment (its reference, a page to pay on, an expiry), calls back when the
payment settles, and serves a statement per day for reconciliation. A callback is trusted only
when its `X-Payment-Signature` is the hex HMAC-SHA256 of the raw body under the shared secret
(compared in constant time); the amount and idempotency are the caller's to check against
what it recorded.

The HTTP protocol (devservers/payment_gateway.py speaks it):
  POST {base}/payments  {reference, amount_vnd, description, callback_url?}
       -> 201 {gateway_ref, pay_url, expires_at}
  GET  {base}/statements/{YYYY-MM-DD} -> {date, payments: [{gateway_ref, reference, amount_vnd,
       status, paid_at}]}     (both with `Authorization: Bearer {api_key}`)
  callback: POST {callback_url} {gateway_ref, amount_vnd, status, paid_at}, signed as above.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

import marshmallow as ma
import requests

from services.errors import BadCallbackSignature, BadRequest, Unavailable
from services.messages import lazy_text

SIGNATURE_HEADER = "X-Payment-Signature"


class SettledStatus(StrEnum):
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"


@dataclass(frozen=True)
class CreatedPayment:
    gateway_ref: str
    pay_url: str
    expires_at: datetime


@dataclass(frozen=True)
class Callback:
    gateway_ref: str
    amount_vnd: int
    status: SettledStatus
    paid_at: datetime | None


@dataclass(frozen=True)
class StatementLine:
    gateway_ref: str
    reference: str
    amount_vnd: int
    status: SettledStatus
    paid_at: datetime | None


class PaymentGateway(Protocol):
    name: str

    def create_payment(self, *, reference: str, amount_vnd: int, description: str,
                       callback_url: str | None = None) -> CreatedPayment: ...

    def verify_callback(self, body: bytes, signature: str | None) -> Callback: ...

    def statement(self, day: date) -> list[StatementLine]: ...


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def check_signature(body: bytes, signature: str | None, secret: str) -> None:
    sent = (signature or "").strip().lower().encode("utf-8", "surrogateescape")
    if not sent or not hmac.compare_digest(sign(body, secret).encode("ascii"), sent):
        raise BadCallbackSignature(lazy_text("payments.gateway.callback_s_signature_does"))


class _Settled(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    gateway_ref = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    amount_vnd = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=0))
    status = ma.fields.Enum(SettledStatus, by_value=True, required=True)
    paid_at = ma.fields.AwareDateTime(load_default=None, allow_none=True)


class _Line(_Settled):
    reference = ma.fields.String(required=True)


def parse_callback(body: bytes) -> Callback:
    try:
        return Callback(**_Settled().load(json.loads(body)))
    except (ValueError, ma.ValidationError) as exc:  # JSONDecodeError is a ValueError
        raise BadRequest(lazy_text("payments.gateway.callback_what_gateway_sends", exc=exc), code="malformed_callback") from exc


def verify_callback(body: bytes, signature: str | None, secret: str) -> Callback:
    """Signature first (401 and nothing read otherwise), then the body."""
    check_signature(body, signature, secret)
    return parse_callback(body)


class HttpPaymentGateway:
    """A gateway spoken to over HTTP with requests (one pooled session per gateway)."""

    def __init__(self, name: str, base_url: str, *, secret: str, api_key: str = "",
                 timeout: float = 10.0, session: requests.Session | None = None) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.timeout = timeout
        self.session = session or requests.Session()
        if api_key:
            self.session.headers["Authorization"] = f"Bearer {api_key}"

    def _call(self, method: str, path: str, **kw: Any) -> Any:
        try:
            response = self.session.request(method, f"{self.base_url}{path}", timeout=self.timeout, **kw)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            raise Unavailable(lazy_text("payments.gateway.payment_gateway_name_s_2", name=self.name, exc=exc),
                              code="payment_gateway_unavailable") from exc

    def create_payment(self, *, reference: str, amount_vnd: int, description: str,
                       callback_url: str | None = None) -> CreatedPayment:
        sent = {"reference": reference, "amount_vnd": amount_vnd, "description": description}
        if callback_url:
            sent["callback_url"] = callback_url
        got = self._call("POST", "/payments", json=sent)
        try:
            return CreatedPayment(gateway_ref=str(got["gateway_ref"]), pay_url=str(got["pay_url"]),
                                  expires_at=datetime.fromisoformat(got["expires_at"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise Unavailable(lazy_text("payments.gateway.payment_gateway_name_s_3", name=self.name, got=repr(got)),
                              code="payment_gateway_unavailable") from exc

    def verify_callback(self, body: bytes, signature: str | None) -> Callback:
        return verify_callback(body, signature, self.secret)

    def statement(self, day: date) -> list[StatementLine]:
        got = self._call("GET", f"/statements/{day.isoformat()}")
        lines = got.get("payments") if isinstance(got, dict) else None
        if not isinstance(lines, list):
            raise Unavailable(lazy_text("payments.gateway.payment_gateway_name_s", name=self.name, day=day),
                              code="payment_gateway_unavailable")
        try:
            return [StatementLine(**_Line().load(line)) for line in lines]
        except ma.ValidationError as exc:
            raise Unavailable(lazy_text("payments.gateway.payment_gateway_name_s_4", name=self.name, exc=exc),
                              code="payment_gateway_unavailable") from exc
