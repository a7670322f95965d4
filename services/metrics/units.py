"""The units metrics are reported for: the city, and the units of one level valid on a day."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.reference import AdministrativeUnit
from services.errors import ValidationFailed

# Hanoi's statistical province code; the city row of every report. Units below it are data.
CITY_CODE = "01"
CITY_NAME = "Thành phố Hà Nội"
LEVELS = ("city", "district", "commune")


@dataclass(frozen=True)
class ReportUnit:
    code: str
    name: str
    level: str


CITY = ReportUnit(CITY_CODE, CITY_NAME, "city")


def units_at(session: Session, level: str, day: date) -> list[ReportUnit]:
    """The units of `level` valid on `day` (the city alone for level `city`), by code."""
    if level == "city":
        return [CITY]
    rows = session.execute(
        select(AdministrativeUnit.code, AdministrativeUnit.name)
        .where(AdministrativeUnit.level == level, AdministrativeUnit.valid_from <= day,
               or_(AdministrativeUnit.valid_to.is_(None), AdministrativeUnit.valid_to >= day))
        .order_by(AdministrativeUnit.code))
    return [ReportUnit(code, name, level) for code, name in rows]


def resolve_level(session: Session, level: str | None, unit_code: str | None) -> str:
    """The level asked for; with only `unit_code`, that unit's own level."""
    if unit_code is None or unit_code == CITY_CODE:
        if unit_code == CITY_CODE and level not in (None, "city"):
            raise ValidationFailed.on_field("level", "The city is reported at level city.", "level_mismatch")
        return "city" if unit_code == CITY_CODE else (level or "district")
    # A code names a unit per period (issue 11): the latest period's unit.
    unit = session.scalars(select(AdministrativeUnit).where(AdministrativeUnit.code == unit_code)
                           .order_by(AdministrativeUnit.valid_from.desc().nulls_last())).first()
    if unit is None:
        raise ValidationFailed.on_field("unit_code", "No such administrative unit.", "unknown_unit")
    if level not in (None, unit.level):
        raise ValidationFailed.on_field("level", f"Unit {unit_code} is a {unit.level}.", "level_mismatch")
    return unit.level
