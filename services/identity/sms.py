"""Sending text messages. The development sender writes to the log."""
from __future__ import annotations

import logging
from typing import Protocol

from services.identity.phones import mask_phone

log = logging.getLogger("sms")


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogSmsSender:
    """Development and test delivery: the message goes to the log (OTP included, by design)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))
        del self.sent[:-100]
        log.info("sms to %s: %s", mask_phone(phone), text)
