"""Text messages through an HTTP SMS gateway (production delivery of one-time codes).

The request is `POST <url>` with JSON `{"to": "+84...", "from": <sender name>, "text": ...}` and
HTTP basic credentials or a bearer token. Any failure (refused credentials, 4xx/5xx, connection
error, timeout) raises SmsUnavailable at once: nothing is re-sent silently, since a re-sent code
is a second code. The message text never reaches a log line, in any outcome.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter

from services.errors import SmsUnavailable
from services.identity.phones import mask_phone
from services.messages import lazy_text

log = logging.getLogger("sms")


@dataclass(frozen=True)
class SmsGatewaySettings:
    url: str                       # SMS_GATEWAY_URL
    sender: str                    # SMS_GATEWAY_SENDER, the brand name shown to the citizen
    username: str | None = None    # SMS_GATEWAY_USERNAME and SMS_GATEWAY_PASSWORD (basic), or
    password: str | None = None
    token: str | None = None       # SMS_GATEWAY_TOKEN (bearer)
    timeout_seconds: float = 5.0   # SMS_GATEWAY_TIMEOUT_SECONDS, connect and read each

    def __post_init__(self) -> None:
        basic = bool(self.username and self.password)
        if basic == bool(self.token):
            raise ValueError("the SMS gateway needs either a username and password or a token")


class HttpSmsSender:
    """An SmsSender (services.identity.sms) over the gateway's HTTP API."""

    def __init__(self, settings: SmsGatewaySettings) -> None:
        self.settings = settings
        self._session = requests.Session()
        for scheme in ("http://", "https://"):
            self._session.mount(scheme, HTTPAdapter(max_retries=0))
        if settings.token:
            self._session.headers["Authorization"] = f"Bearer {settings.token}"
        else:
            self._session.auth = (settings.username or "", settings.password or "")

    def send(self, phone: str, text: str) -> None:
        settings = self.settings
        try:
            response = self._session.post(
                settings.url, json={"to": phone, "from": settings.sender, "text": text},
                timeout=settings.timeout_seconds)
        except requests.RequestException as error:
            log.warning("sms to %s not sent: %s", mask_phone(phone), error.__class__.__name__)
            raise SmsUnavailable(lazy_text("identity.sms_gateway.text_message_could_sent")) from None
        if not response.ok:
            log.warning("sms to %s refused by the gateway: HTTP %s", mask_phone(phone), response.status_code)
            raise SmsUnavailable(lazy_text("identity.sms_gateway.text_message_could_sent"))
        log.info("sms to %s sent", mask_phone(phone))
