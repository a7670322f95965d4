"""Accounts, sign-in sessions with their refresh tokens, in-person checks, agency keys."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import BigIntPK, UTCDateTime, enum_column


class Role(StrEnum):
    CITIZEN = "citizen"
    OFFICER = "officer"
    HEALTH_PROVIDER = "health_provider"
    ANALYST = "analyst"
    ADMIN = "admin"


class AccountStatus(StrEnum):
    ACTIVE = "active"
    LOCKED = "locked"


class AssuranceSource(StrEnum):
    """Where an account's assurance level came from."""

    SIGN_UP = "sign_up"      # ID card details and the phone on record (level 1)
    COUNTER = "counter"      # an in-person check by an officer (level 2)
    EID = "eid"              # the national e-ID provider's `acr`
    STAFF = "staff"          # a staff account created by an administrator


class SecurityEventKind(StrEnum):
    SIGN_IN = "sign_in"
    NEW_DEVICE = "new_device"
    LEVEL_CHANGED = "level_changed"
    RECOVERED = "recovered"


class Language(StrEnum):
    """The language an account reads its notifications, texts and (without Accept-Language) answers in."""

    VI = "vi"
    EN = "en"


class PrincipalKind(StrEnum):
    """Who calls the API: a signed-in account or an agency system with an API key."""

    ACCOUNT = "account"
    AGENCY_KEY = "agency_key"


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # Looked up by a keyed hash; the number itself is stored once and only shown masked.
    national_id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    national_id: Mapped[str] = mapped_column(String(12))
    full_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(6))
    district_code: Mapped[str | None] = mapped_column(String(10), index=True)
    phone: Mapped[str | None] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, 20), default=Role.CITIZEN)
    assurance_level: Mapped[int] = mapped_column(Integer, default=1)
    assurance_source: Mapped[AssuranceSource | None] = mapped_column(enum_column(AssuranceSource, 10))
    agency_code: Mapped[str | None] = mapped_column(String(40))
    facility_code: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[AccountStatus] = mapped_column(enum_column(AccountStatus, 10), default=AccountStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[Language] = mapped_column(enum_column(Language, 2), default=Language.VI,
                                               server_default=Language.VI.value)


class AuthSession(Base):
    """One signed-in device: a family of rotating refresh tokens."""

    __tablename__ = "auth_sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"), index=True)
    device_name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(40))


class RefreshToken(Base):
    """Stored only as a hash; spent on first use."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("auth_sessions.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    spent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IdentityVerification(Base):
    """An in-person (or chip) check that raised an account to assurance level 2."""

    __tablename__ = "identity_verifications"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"), index=True)
    officer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    method: Mapped[str] = mapped_column(String(20))
    agency_code: Mapped[str | None] = mapped_column(String(40))
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SecurityEvent(Base):
    """What happened to an account's security, for the citizen to read (GET /me/security-events)."""

    __tablename__ = "security_events"
    __table_args__ = (Index("ix_security_events_account_created", "account_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[SecurityEventKind] = mapped_column(enum_column(SecurityEventKind, 20))
    detail: Mapped[str | None] = mapped_column(String(200))
    device_name: Mapped[str | None] = mapped_column(String(100))
    actor_account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AgencyApiKey(Base):
    """A key an agency's own system calls the agency endpoints with; only its hash is kept."""

    __tablename__ = "agency_api_keys"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(40), ForeignKey("agencies.code"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
