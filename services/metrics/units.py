"""The units metrics are reported for: the city, and the units of one level valid on a day."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.reference import AdministrativeUnit
from services.errors import ValidationFailed
from services.metrics.periods import Period
from services.messages import lazy_text

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


# The stored unit levels each reported level reads: from 1 July 2025 Hanoi's 126 commune-level
# units are 51 wards and 75 communes, reported together as level `commune`.
STORED_LEVELS = {"district": ("district",), "commune": ("commune", "ward")}


def units_at(session: Session, level: str, day: date) -> list[ReportUnit]:
    """The units of `level` valid on `day` (the city alone for level `city`), by code."""
    if level == "city":
        return [CITY]
    rows = session.execute(
        select(AdministrativeUnit.code, AdministrativeUnit.name)
        .where(AdministrativeUnit.level.in_(STORED_LEVELS[level]), AdministrativeUnit.valid_from <= day,
               or_(AdministrativeUnit.valid_to.is_(None), AdministrativeUnit.valid_to >= day))
        .order_by(AdministrativeUnit.code))
    return [ReportUnit(code, name, level) for code, name in rows]


def sub_city_level(session: Session, period: Period) -> str:
    """The level a period is computed on: the units valid on its last day, communes first.

    So periods from 1 July 2025, and a year or quarter straddling that day (2025, 2025-Q3),
    are on the 2025 wards and communes; earlier periods on the districts."""
    return "commune" if units_at(session, "commune", period.last_day) else "district"


def check_level(session: Session, period: Period, level: str | None, unit_code: str | None,
                units: str | None = None) -> str:
    """The level asked for (or that of `unit_code`, or the period's own), if it existed then
    (with `units="2025"`, on the 2025 units: city and commune)."""
    existed = ("city", "commune" if units == "2025" else sub_city_level(session, period))
    asked = _level_of_unit(session, level, unit_code) if unit_code else (level or existed[1])
    if asked not in existed:
        raise ValidationFailed.on_field(
            "level", lazy_text("metrics.units.level_not_in_period", asked=asked, label=period.label, items=', '.join(existed)),
            "level_not_in_period")
    return asked


def _level_of_unit(session: Session, level: str | None, unit_code: str) -> str:
    if unit_code == CITY_CODE:
        if level not in (None, "city"):
            raise ValidationFailed.on_field("level", lazy_text("metrics.units.city_reported_level_city"), "level_mismatch")
        return "city"
    # A code names a unit per period (issue 11): the latest period's unit.
    unit = session.scalars(select(AdministrativeUnit).where(AdministrativeUnit.code == unit_code)
                           .order_by(AdministrativeUnit.valid_from.desc().nulls_last())).first()
    if unit is None:
        raise ValidationFailed.on_field("unit_code", lazy_text("metrics.units.no_such_administrative_unit"), "unknown_unit")
    own = next((name for name, stored in STORED_LEVELS.items() if unit.level in stored), unit.level)
    if level not in (None, own):
        raise ValidationFailed.on_field("level", lazy_text("metrics.units.unit_unit_code_s", unit_code=unit_code, level=unit.level), "level_mismatch")
    return own
