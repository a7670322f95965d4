"""The in-app inbox (also the outbox of push delivery) and registered devices."""
from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import BigIntPK, UTCDateTime, enum_column, new_public_id


class PushStatus(StrEnum):
    """Outbox state for push delivery: pending -> sent | failed (after retries) | skipped."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_account_created", "account_id", "created_at", "id"),
        Index("ix_notifications_push_due", "push_status", "push_next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(unique=True, index=True, default=new_public_id)  # the id shown outside
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    push_status: Mapped[PushStatus] = mapped_column(enum_column(PushStatus, 10), default=PushStatus.PENDING)
    push_attempts: Mapped[int] = mapped_column(Integer, default=0)
    push_next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Device(Base):
    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"), index=True)
    platform: Mapped[str] = mapped_column(String(10))
    push_token: Mapped[str] = mapped_column(String(512), unique=True)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The sign-in session that registered it: ending that session (or logging out) removes it.
    session_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
