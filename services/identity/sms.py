"""Sending text messages. The development sender writes only the code to the log."""
from __future__ import annotations

import logging
import re
from typing import Protocol

from services.identity.phones import mask_phone

log = logging.getLogger("sms")


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


CODE = re.compile(r"\b\d{6}\b")


class LogSmsSender:
    """Development and test delivery: the code goes to the log, never the message text.

    Production refuses it (services/settings.py); the last texts stay in memory for tests."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))
        del self.sent[:-100]
        codes = CODE.findall(text)
        log.info("sms to %s (development, not sent): code %s", mask_phone(phone), " ".join(codes) or "-")
