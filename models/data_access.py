"""The citizen's data tracker: every time staff or another party looked up or changed a
person's dossiers, identity or signatures (health has its own access log)."""
from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.identity import PrincipalKind
from models.types import BigIntPK, UTCDateTime, enum_column


class DataArea(StrEnum):
    DOSSIERS = "dossiers"
    IDENTITY = "identity"
    SIGNATURES = "signatures"


class DataAccessEntry(Base):
    """One look-up or change by someone other than the person; only ever added."""

    __tablename__ = "data_access_log"
    __table_args__ = (Index("ix_data_access_log_subject_time", "subject_hash", "at", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    # Keyed hash of the person's ID number (as accounts.national_id_hash): a person with no
    # account yet finds the entries once they register.
    subject_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    area: Mapped[DataArea] = mapped_column(enum_column(DataArea, 12))
    action: Mapped[str] = mapped_column(String(40))
    resource: Mapped[str | None] = mapped_column(String(80))
    actor_kind: Mapped[PrincipalKind] = mapped_column(enum_column(PrincipalKind, 12))
    actor_account_id: Mapped[uuid.UUID | None] = mapped_column()
    actor_name: Mapped[str | None] = mapped_column(String(200))
    agency_code: Mapped[str | None] = mapped_column(String(40))
