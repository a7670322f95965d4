"""Fees paid online: one row per payment created at a gateway for a dossier, and its receipt."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import BigIntPK, UTCDateTime, enum_column


class PaymentStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_dossier", "dossier_id", "id"),
                      Index("ix_payments_paid_at", "paid_at"))

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("dossiers.id", ondelete="CASCADE"))
    gateway: Mapped[str] = mapped_column(String(40))
    gateway_ref: Mapped[str] = mapped_column(String(64), unique=True)
    reference: Mapped[str] = mapped_column(String(25))  # the transfer content (VietQR purpose)
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[PaymentStatus] = mapped_column(enum_column(PaymentStatus, 10))
    qr_payload: Mapped[str] = mapped_column(Text)
    pay_url: Mapped[str] = mapped_column(String(500))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    receipt_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
