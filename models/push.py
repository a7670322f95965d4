"""Push delivery bookkeeping: which devices already got a notification still being retried."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import UTCDateTime


class PushReceipt(Base):
    """A device that accepted a notification whose delivery to another device must be retried.

    Kept only while the notification is being retried, so a retry never pushes twice to a
    device that already has it; removed once every device is done.
    """

    __tablename__ = "push_receipts"

    notification_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("notifications.id", ondelete="CASCADE"), primary_key=True)
    device_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
