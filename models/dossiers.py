"""Public-service dossiers: the procedure catalogue, dossiers, their timeline and extensions.

Metrics read `procedures` and `dossiers` directly: keep the column names of the data
contract (code, procedure_code, owner_account_id, owner_resident_id, district_code,
channel, status, submitted_at, received_at, due_at, original_due_at, finished_at, on_time).
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.types import BigIntPK, UTCDateTime, enum_column

# JSON documents; JSONB on PostgreSQL (comparable, so a re-import can tell what changed).
Document = JSON().with_variant(JSONB(), "postgresql")


class OnlineLevel(StrEnum):
    """How much of a procedure can be done online (the portal's "full" and "partial" levels)."""

    FULL = "full"
    PARTIAL = "partial"


class DossierStatus(StrEnum):
    """The states of a dossier, in the order a dossier usually meets them."""

    SUBMITTED = "submitted"
    RECEIVED = "received"
    PROCESSING = "processing"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    PAYMENT_REQUESTED = "payment_requested"  # a fee is due: filed unpaid, or asked for by the agency


class DossierActorKind(StrEnum):
    """Who moves a dossier: its owner, an agency officer, or the agency's own system; or the
    operator's `agencies transfer`, handing it from an agency that ended to its successor."""

    OWNER = "owner"
    OFFICER = "officer"
    AGENCY_KEY = "agency_key"
    TRANSFER = "transfer"


class DossierChannel(StrEnum):
    ONLINE = "online"
    COUNTER = "counter"
    POST = "post"


class Procedure(Base):
    """An administrative procedure of the catalogue and the agency that decides it."""

    __tablename__ = "procedures"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    agency_code: Mapped[str] = mapped_column(String(40), ForeignKey("agencies.code"), index=True)
    online_level: Mapped[OnlineLevel] = mapped_column(enum_column(OnlineLevel, 10))
    processing_days: Mapped[int] = mapped_column(Integer)  # business days
    fee: Mapped[int] = mapped_column(Integer)  # VND
    # A lower fee for a dossier filed online (VND); None: online pays `fee` too.
    online_fee_vnd: Mapped[int | None] = mapped_column(Integer)
    form_schema: Mapped[dict[str, Any]] = mapped_column(Document)
    # The documents a dossier hands in: [{code, name, required, types, max_bytes, copies}].
    components: Mapped[list[dict[str, Any]]] = mapped_column(Document, server_default=text("'[]'"))
    # The decision is a document (a certificate, a licence): approving needs the sealed result.
    yields_result: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # Receiving an online dossier needs the application (tờ khai) signed by its owner.
    requires_signed_application: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # Code and name lower-cased without Vietnamese diacritics: "dang ky" finds "Đăng ký".
    search_text: Mapped[str] = mapped_column(String(400))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Dossier(Base):
    __tablename__ = "dossiers"
    __table_args__ = (
        # GET /me/dossiers: one owner's dossiers newest first (keyset on submitted_at, id).
        Index("ix_dossiers_owner_submitted", "owner_resident_id", "submitted_at", "id"),
        # An agency's queue and the metrics' scans by period.
        Index("ix_dossiers_agency_status", "agency_code", "status"),
        Index("ix_dossiers_submitted_at", "submitted_at"),
        # Metrics: dossiers received / decided in a period, over all units (the time range
        # selects, the unit is grouped on, so time goes first).
        Index("ix_dossiers_received_at", "received_at"),
        Index("ix_dossiers_finished_at", "finished_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    procedure_code: Mapped[str] = mapped_column(String(40), ForeignKey("procedures.code"))
    agency_code: Mapped[str] = mapped_column(String(40), ForeignKey("agencies.code"))
    owner_account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    owner_resident_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("residents.id"))
    # The owner's home unit on the filing day (GET: `home_unit_code`): the ward or commune from
    # 2025-07-01, the 2024 district before (services/reference/addresses.home_unit_code). The
    # column keeps the data contract's name.
    district_code: Mapped[str | None] = mapped_column(String(10))
    channel: Mapped[DossierChannel] = mapped_column(enum_column(DossierChannel, 10))
    status: Mapped[DossierStatus] = mapped_column(enum_column(DossierStatus, 24))
    form: Mapped[dict[str, Any]] = mapped_column(Document)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The due date now (moved by extensions and by time waiting on the citizen) ...
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # ... and the statutory one, moved only by time waiting on the citizen: on_time uses it.
    original_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What the owner has to pay now (VND) while payment_requested; None when nothing is owed.
    amount_due_vnd: Mapped[int | None] = mapped_column(BigInteger)
    # Filed anywhere in the city (Decree 118/2025): the service centre that received it and its unit.
    receiving_unit_code: Mapped[str | None] = mapped_column(String(10))
    # A plain code like agency_code's siblings in the events (SQLite adds no key to a table in place).
    receiving_centre_code: Mapped[str | None] = mapped_column(String(40), index=True)

    procedure: Mapped[Procedure] = relationship(viewonly=True)


class DossierEvent(Base):
    """One move of a dossier: who (the owner, an officer, an agency system), from, to, why."""

    __tablename__ = "dossier_events"
    __table_args__ = (Index("ix_dossier_events_dossier", "dossier_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("dossiers.id", ondelete="CASCADE"))
    from_status: Mapped[DossierStatus | None] = mapped_column(enum_column(DossierStatus, 24))
    to_status: Mapped[DossierStatus] = mapped_column(enum_column(DossierStatus, 24))
    actor_kind: Mapped[DossierActorKind] = mapped_column(enum_column(DossierActorKind, 12))
    actor_account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    actor_agency_code: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    missing_documents: Mapped[list[str] | None] = mapped_column(Document)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DossierExtension(Base):
    """A later due date granted by the agency, with the apology sent to the citizen."""

    __tablename__ = "dossier_extensions"
    __table_args__ = (Index("ix_dossier_extensions_dossier", "dossier_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("dossiers.id", ondelete="CASCADE"))
    previous_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    new_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    apology: Mapped[str] = mapped_column(Text)
    actor_kind: Mapped[DossierActorKind] = mapped_column(enum_column(DossierActorKind, 12))
    actor_account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    actor_agency_code: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DossierCodeCounter(Base):
    """The last sequence number handed out per agency and local day (dossier codes)."""

    __tablename__ = "dossier_code_counters"

    agency_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class DossierDocument(Base):
    """A file handed in for one component of a dossier; the bytes sit in the document store
    under their SHA-256 (`storage_key`), so the same file uploaded twice is stored once."""

    __tablename__ = "dossier_documents"
    __table_args__ = (Index("ix_dossier_documents_dossier", "dossier_id", "id"),
                      Index("ix_dossier_documents_storage_key", "storage_key"))

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("dossiers.id", ondelete="CASCADE"))
    component_code: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    pages: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[DossierActorKind] = mapped_column(enum_column(DossierActorKind, 12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DossierResult(Base):
    """The agency's result document (PDF), sealed with an organisation certificate of the agency
    issued by the city CA; its bytes sit in the document store like the dossier's documents."""

    __tablename__ = "dossier_results"

    dossier_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("dossiers.id", ondelete="CASCADE"),
                                            primary_key=True)
    file_name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    agency_code: Mapped[str] = mapped_column(String(40))
    certificate_serial: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
