"""Free digital signatures: catalogues, requests with their history, certificates, signatures."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.identity import Account
from models.types import BigIntPK, UTCDateTime, enum_column, new_public_id



class SignatureRequestStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    ISSUED = "issued"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class RequestChannel(StrEnum):
    """Where identity is checked: at a counter, or online by a level-2 e-ID (Decree 23/2025 art. 34)."""

    COUNTER = "counter"
    ONLINE = "online"


class SignatureActorKind(StrEnum):
    """Who moves a request: its owner, a counter officer, or the certificate authority."""

    OWNER = "owner"
    OFFICER = "officer"
    AUTHORITY = "authority"


class CertificateStatus(StrEnum):
    """Computed from the dates and revoked_at, never stored."""

    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"


# A citizen has at most one request in these states (enforced by a partial unique index).
OPEN_REQUEST_STATES = (SignatureRequestStatus.SUBMITTED, SignatureRequestStatus.APPROVED)
_OPEN = text("status IN ({})".format(", ".join(f"'{state.value}'" for state in OPEN_REQUEST_STATES)))


class SignatureProvider(Base):
    """A licensed certificate-authority partner taking part in the free programme."""

    __tablename__ = "signature_providers"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class ServiceCounter(Base):
    """A one-stop counter of a department or district where identity is checked in person."""

    __tablename__ = "service_counters"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    agency_code: Mapped[str] = mapped_column(String(40), ForeignKey("agencies.code"), index=True)
    district_code: Mapped[str | None] = mapped_column(String(10))


class SignatureRequest(Base):
    __tablename__ = "signature_requests"
    __table_args__ = (
        Index("ix_signature_requests_account_created", "account_id", "created_at", "id"),
        # The officer's queue: one counter, by status and appointment day.
        Index("ix_signature_requests_queue", "counter_code", "status", "appointment_date", "id"),
        Index("uq_signature_requests_one_open", "account_id", unique=True,
              sqlite_where=_OPEN, postgresql_where=_OPEN),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(unique=True, index=True, default=new_public_id)  # the id shown outside
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    provider_code: Mapped[str] = mapped_column(String(40), ForeignKey("signature_providers.code"))
    counter_code: Mapped[str | None] = mapped_column(String(40), ForeignKey("service_counters.code"))
    appointment_date: Mapped[date | None] = mapped_column(Date)
    channel: Mapped[RequestChannel] = mapped_column(enum_column(RequestChannel, 10),
                                                    server_default=RequestChannel.COUNTER.value)
    status: Mapped[SignatureRequestStatus] = mapped_column(enum_column(SignatureRequestStatus, 12))
    reject_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    history: Mapped[list[SignatureRequestEvent]] = relationship(
        order_by="SignatureRequestEvent.id", lazy="selectin")
    applicant: Mapped[Account] = relationship(lazy="selectin")
    certificate: Mapped[Certificate | None] = relationship(
        primaryjoin="SignatureRequest.id == Certificate.request_id", viewonly=True, lazy="selectin")


class SignatureRequestEvent(Base):
    """One state change of a request: who, when, from, to, note (columns named as dossier_events')."""

    __tablename__ = "signature_request_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("signature_requests.id"), index=True)
    from_status: Mapped[SignatureRequestStatus | None] = mapped_column(enum_column(SignatureRequestStatus, 12))
    to_status: Mapped[SignatureRequestStatus] = mapped_column(enum_column(SignatureRequestStatus, 12))
    actor_kind: Mapped[SignatureActorKind] = mapped_column(enum_column(SignatureActorKind, 20))
    actor_account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Certificate(Base):
    """An issued X.509 certificate. Valid / expired is computed from the dates, never stored."""

    __tablename__ = "certificates"
    __table_args__ = (Index("ix_certificates_account_valid_to", "account_id", "valid_to"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("signature_requests.id"))
    renewed_from_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    provider_code: Mapped[str] = mapped_column(String(40), ForeignKey("signature_providers.code"))
    counter_code: Mapped[str | None] = mapped_column(String(40), ForeignKey("service_counters.code"))
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    subject: Mapped[str] = mapped_column(String(400))
    pem: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    revocation_reason: Mapped[str | None] = mapped_column(String(30))
    revoked_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CertificateKey(Base):
    """The holder's private key for remote signing, encrypted at rest (AES-GCM)."""

    __tablename__ = "certificate_keys"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(40))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class DocumentSignature(Base):
    """The signing service's own record of every signature it made (server-attested time)."""

    __tablename__ = "document_signatures"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"), index=True)
    # SHA-256 of the CMS signature value: how a signature found in a PDF is looked up.
    signature_digest: Mapped[str] = mapped_column(String(64), unique=True)
    document_digest: Mapped[str] = mapped_column(String(64))
    document_name: Mapped[str | None] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(Integer)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    level: Mapped[str | None] = mapped_column(String(8))  # PAdES level: B-B, B-T or B-LT

    certificate: Mapped[Certificate] = relationship(lazy="selectin")


class AuthorityCounter(Base):
    """A monotonic number of the CA's services (the TSA's serial), taken with one UPDATE."""

    __tablename__ = "authority_counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class TrustAnchor(Base):
    """A root the verifier trusts besides the city's own (for example the national root)."""

    __tablename__ = "trust_anchors"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the DER
    subject: Mapped[str] = mapped_column(String(400))
    pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AgencySeal(Base):
    """An agency's organisation certificate and its sealed key (results are sealed with it)."""

    __tablename__ = "agency_seals"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(40), ForeignKey("agencies.code"), index=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    subject: Mapped[str] = mapped_column(String(400))
    pem: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime] = mapped_column(UTCDateTime)
    key_id: Mapped[str] = mapped_column(String(40))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
