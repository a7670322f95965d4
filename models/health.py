"""Electronic health records: facilities, each resident's record and its entries, consents,
the access log and corrections.

Sized for the whole city (about 8.4 million records, hundreds of millions of entries): every
entry points to its record and to the facility that wrote it, carries the facility's
`source_id` (unique per facility, so a replayed batch adds nothing twice), and the indexes
serve the hot reads without scanning: newest-first lists per record, and the latest value of
each code per record (index on record, code, effective time).
Entries are never updated: a correction is appended in `health_corrections`.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (JSON, BigInteger, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.identity import Role
from models.types import BigIntPK, UTCDateTime, enum_column, new_public_id


class ConditionStatus(StrEnum):
    """FHIR clinical status of a condition."""

    ACTIVE = "active"
    RECURRENCE = "recurrence"
    RELAPSE = "relapse"
    INACTIVE = "inactive"
    REMISSION = "remission"
    RESOLVED = "resolved"


class ConsentAction(StrEnum):
    GRANT = "grant"
    REVOKE = "revoke"


class ConsentStatus(StrEnum):
    """Computed from the latest version and the clock, never stored."""

    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    NONE = "none"


class AccessOutcome(StrEnum):
    GRANTED = "granted"
    DENIED = "denied"


class AccessAction(StrEnum):
    READ = "read"
    WRITE = "write"


class CorrectionStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CORRECTED = "corrected"
    REFUSED = "refused"


class Facility(Base):
    """A health facility (hospital, health station) from the catalogue."""

    __tablename__ = "facilities"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    district_code: Mapped[str] = mapped_column(String(10), index=True)


class HealthRecord(Base):
    """One per resident who has an electronic health record (metrics count these rows)."""

    __tablename__ = "health_records"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    resident_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("residents.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class _Entry:
    """Columns shared by every clinical entry: whose record, which facility, which source row."""

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(unique=True, index=True, default=new_public_id)  # the id shown outside
    record_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("health_records.id"))
    facility_code: Mapped[str] = mapped_column(String(40), ForeignKey("facilities.code"))
    source_id: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _entry_indexes(table: str, *record_order: str) -> tuple[Any, ...]:
    return (UniqueConstraint("facility_code", "source_id", name=f"uq_{table}_facility_source"),
            Index(f"ix_{table}_record_order", "record_id", *record_order, "id"))


class Observation(_Entry, Base):
    """A vital sign or lab value: LOINC code, value in a UCUM unit, effective time."""

    __tablename__ = "observations"
    __table_args__ = (*_entry_indexes("observations", "effective_at"),
                      Index("ix_observations_record_code_effective", "record_id", "code", "effective_at", "id"))

    code: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime)
    derived: Mapped[bool] = mapped_column(Boolean, default=False)  # computed by the server (BMI)


class Condition(_Entry, Base):
    """A diagnosis (WHO ICD-10) with its onset and clinical status."""

    __tablename__ = "conditions"
    __table_args__ = _entry_indexes("conditions")

    code: Mapped[str] = mapped_column(String(8))
    onset_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ConditionStatus] = mapped_column(enum_column(ConditionStatus, 16))


class Allergy(_Entry, Base):
    __tablename__ = "allergies"
    __table_args__ = _entry_indexes("allergies")

    substance: Mapped[str] = mapped_column(String(200))
    reaction: Mapped[str | None] = mapped_column(String(200))


class RiskFactor(_Entry, Base):
    """Smoking, alcohol, physical inactivity, family history, ... as assessed by a facility."""

    __tablename__ = "risk_factors"
    __table_args__ = _entry_indexes("risk_factors")

    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(200))


class Immunization(_Entry, Base):
    __tablename__ = "immunizations"
    __table_args__ = _entry_indexes("immunizations", "given_on")

    vaccine: Mapped[str] = mapped_column(String(200))
    given_on: Mapped[date] = mapped_column(Date)
    dose_number: Mapped[int] = mapped_column(Integer)


class Encounter(_Entry, Base):
    """A visit: when, why, the diagnoses made (ICD-10 codes) and the summary."""

    __tablename__ = "encounters"
    __table_args__ = _entry_indexes("encounters", "start_at")

    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(500))
    diagnoses: Mapped[list[str]] = mapped_column(JSON)
    summary: Mapped[str | None] = mapped_column(Text)


class HealthConsent(Base):
    """One version of a resident's consent to one facility; versions are only ever added."""

    __tablename__ = "health_consents"
    __table_args__ = (UniqueConstraint("resident_id", "facility_code", "version",
                                       name="uq_health_consents_version"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    resident_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("residents.id"))
    facility_code: Mapped[str] = mapped_column(String(40), ForeignKey("facilities.code"))
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[ConsentAction] = mapped_column(enum_column(ConsentAction, 8))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    channel: Mapped[str] = mapped_column(String(16))
    session_id: Mapped[uuid.UUID | None] = mapped_column()


class HealthAccessLog(Base):
    """A read (or a provider's write) of a record by someone other than its owner or guardian,
    granted or denied."""

    __tablename__ = "health_access_log"
    __table_args__ = (Index("ix_health_access_log_resident_time", "resident_id", "accessed_at", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    resident_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("residents.id"))
    accessed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accessor_account_id: Mapped[uuid.UUID | None] = mapped_column()
    accessor_role: Mapped[Role] = mapped_column(enum_column(Role, 20))
    accessor_name: Mapped[str | None] = mapped_column(String(200))
    facility_code: Mapped[str | None] = mapped_column(String(40))
    purpose: Mapped[str] = mapped_column(String(40))
    resource: Mapped[str] = mapped_column(String(60))
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency_reason: Mapped[str | None] = mapped_column(String(500))
    outcome: Mapped[AccessOutcome] = mapped_column(enum_column(AccessOutcome, 8))
    action: Mapped[AccessAction] = mapped_column(enum_column(AccessAction, 8), default=AccessAction.READ,
                                                 server_default=AccessAction.READ.value)


class CorrectionRequest(Base):
    """A citizen's request to correct one entry, answered by the facility that wrote it."""

    __tablename__ = "health_correction_requests"
    __table_args__ = (Index("ix_health_correction_requests_resident", "resident_id", "created_at", "id"),
                      Index("ix_health_correction_requests_facility", "facility_code", "created_at", "id"),
                      Index("ix_health_correction_requests_resource", "resource_type", "resource_id"))

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(unique=True, index=True, default=new_public_id)  # the id shown outside
    resident_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("residents.id"))
    resource_type: Mapped[str] = mapped_column(String(16))
    resource_id: Mapped[int] = mapped_column(BigInteger)
    facility_code: Mapped[str] = mapped_column(String(40), ForeignKey("facilities.code"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[CorrectionStatus] = mapped_column(enum_column(CorrectionStatus, 16))
    requested_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledge_by: Mapped[datetime] = mapped_column(UTCDateTime)
    resolve_by: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    resolution_note: Mapped[str | None] = mapped_column(Text)


class HealthCorrection(Base):
    """A correction appended to an entry, with its provenance; the entry itself is untouched."""

    __tablename__ = "health_corrections"
    __table_args__ = (Index("ix_health_corrections_resource", "resource_type", "resource_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(unique=True, index=True, default=new_public_id)  # the id shown outside
    request_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("health_correction_requests.id"),
                                            unique=True)
    resource_type: Mapped[str] = mapped_column(String(16))
    resource_id: Mapped[int] = mapped_column(BigInteger)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    previous: Mapped[dict[str, Any]] = mapped_column(JSON)
    facility_code: Mapped[str] = mapped_column(String(40), ForeignKey("facilities.code"))
    corrected_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HealthSummary(Base):
    """The summary of one record as the API shows it (without the person block, which lives in
    the registry), rewritten in the transaction of every write to the record; read with one
    lookup of the primary key, its version is the ETag."""

    __tablename__ = "health_summaries"

    record_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("health_records.id"), primary_key=True,
                                           autoincrement=False)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
