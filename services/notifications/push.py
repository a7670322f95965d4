"""Push delivery to phones behind one small protocol; the development sender only logs."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PushMessage:
    token: str
    platform: str
    title: str
    body: str
    data: dict[str, str] = field(default_factory=dict)


class PushOutcome(str, Enum):
    SENT = "sent"
    UNREGISTERED = "unregistered"  # the push service no longer knows the token: forget the device


class PushFailed(Exception):
    """The push did not go out. `permanent` when retrying cannot help (a malformed message)."""

    def __init__(self, reason: str, *, retry_after: float | None = None, permanent: bool = False) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.permanent = permanent


class PushSender(Protocol):
    def send(self, message: PushMessage) -> PushOutcome:
        """Deliver one message or raise PushFailed."""


class LogPushSender:
    """Development: write the push to the log (never the whole token)."""

    def send(self, message: PushMessage) -> PushOutcome:
        log.info("push to %s device …%s: %s", message.platform, message.token[-6:], message.title)
        return PushOutcome.SENT
