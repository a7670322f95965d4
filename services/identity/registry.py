"""The national population registry, behind a protocol so a real HTTP adapter can replace it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reference import Resident


@dataclass(frozen=True)
class RegistryRecord:
    national_id: str
    full_name: str
    date_of_birth: date
    sex: str
    district_code: str
    guardian_national_id: str | None = None
    phone: str | None = None  # the phone registered to the person, E.164


class PopulationRegistry(Protocol):
    def lookup(self, national_id: str) -> RegistryRecord | None: ...


class TablePopulationRegistry:
    """The development and test stand-in: the `residents` table imported from CSV."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def lookup(self, national_id: str) -> RegistryRecord | None:
        resident = self._session.scalar(select(Resident).where(Resident.national_id == national_id))
        if resident is None:
            return None
        return RegistryRecord(resident.national_id, resident.full_name, resident.date_of_birth,
                              resident.sex, resident.district_code, resident.guardian_national_id,
                              resident.phone)
