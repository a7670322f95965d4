"""Reference data: administrative units and the population registry stand-in."""
from __future__ import annotations

from datetime import date, datetime

from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import BigIntPK, UTCDateTime


class AdministrativeUnit(Base):
    """A city, district, ward, commune or township, valid for a period: units change, so they
    are data. A code is reused across periods (every 2025 Hanoi code was a pre-2025 ward's), so
    a unit is one row per (code, level, valid_from); `level` is its tier (city, district,
    commune), `kind` what it is called (city, district, ward, commune, township).
    An empty `valid_from` is a start the source does not give."""

    __tablename__ = "administrative_units"
    __table_args__ = (UniqueConstraint("code", "level", "valid_from"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    code: Mapped[str] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(String(10))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class UnitSuccession(Base):
    """One piece of the crosswalk: an old unit (valid to `old.valid_to`) went, whole or in part,
    to a new one. `share` is the old unit's share in the new one on `basis` (whole or
    equal_split: the package gives no area or population per piece); `is_default` marks the one
    new unit a person of the old unit is placed in when no street is known."""

    __tablename__ = "unit_successions"
    __table_args__ = (UniqueConstraint("old_unit_id", "new_unit_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    old_unit_id: Mapped[int] = mapped_column(ForeignKey("administrative_units.id", ondelete="CASCADE"))
    new_unit_id: Mapped[int] = mapped_column(ForeignKey("administrative_units.id", ondelete="CASCADE"),
                                             index=True)
    share: Mapped[Decimal] = mapped_column(Numeric(7, 6))
    basis: Mapped[str] = mapped_column(String(16))
    is_default: Mapped[bool] = mapped_column(Boolean)


class Resident(Base):
    """A person in the national population registry (the stand-in imported from CSV)."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    national_id: Mapped[str] = mapped_column(String(12), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(6))
    # The 2024 district (known, or through the crosswalk when only a 2025 unit is) and the
    # current ward or commune; where the person lived when is in ResidentAddress.
    district_code: Mapped[str | None] = mapped_column(String(10), index=True)
    unit_code: Mapped[str | None] = mapped_column(String(10), index=True)
    guardian_national_id: Mapped[str | None] = mapped_column(String(12), index=True)
    # The phone registered to the person (carriers hold subscriptions under the ID number).
    phone: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ResidentAddress(Base):
    """Where a resident lived: one unit over [valid_from, valid_to] (empty ends are unknown)."""

    __tablename__ = "resident_addresses"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("administrative_units.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class Agency(Base):
    """A deciding agency (department, district or commune people's committee, ward police) or a
    public-administration service centre that receives dossiers."""

    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(16))
    district_code: Mapped[str | None] = mapped_column(String(10))
    # The 2025 unit a commune committee or service centre serves ("01": the city), a plain code.
    unit_code: Mapped[str | None] = mapped_column(String(10), index=True)
    # Agencies end and are merged: open-ended on either side when unknown.
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class AgencySuccessor(Base):
    """Who took over an agency that ended: one successor, or many (a district's commune committees)
    with one default, where a dossier goes when nothing says which."""

    __tablename__ = "agency_successors"

    agency_code: Mapped[str] = mapped_column(String(40), ForeignKey("agencies.code"), primary_key=True)
    successor_code: Mapped[str] = mapped_column(String(40), ForeignKey("agencies.code"), primary_key=True)
    is_default: Mapped[bool] = mapped_column(Boolean)
