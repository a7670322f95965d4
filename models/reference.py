"""Reference data: administrative units and the population registry stand-in."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import BigIntPK, UTCDateTime


class AdministrativeUnit(Base):
    """A district or commune, valid for a period: units change, so they are data."""

    __tablename__ = "administrative_units"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class Resident(Base):
    """A person in the national population registry (the stand-in imported from CSV)."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    national_id: Mapped[str] = mapped_column(String(12), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(6))
    district_code: Mapped[str] = mapped_column(
        String(10), ForeignKey("administrative_units.code"), index=True
    )
    guardian_national_id: Mapped[str | None] = mapped_column(String(12), index=True)
    # The phone registered to the person (carriers hold subscriptions under the ID number).
    phone: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Agency(Base):
    """A deciding agency (department, district or commune people's committee)."""

    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(16))
    district_code: Mapped[str | None] = mapped_column(String(10), ForeignKey("administrative_units.code"))
