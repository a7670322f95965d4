"""Administrative units (city, districts, wards, communes, townships) with their validity periods.

A code names a unit only together with a date: every 2025 Hanoi code was a pre-2025 ward's.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reference import AdministrativeUnit
from services.bulk import upsert
from services.messages import lazy_text
from services.reference import fields
from services.reference.file_import import RowRejected

UNIT_COLUMNS = ("code", "name", "level", "valid_from", "valid_to")  # optional: kind, parent_code
LEVELS = ("city", "district", "commune")
# kind -> its level (tier): a ward, a commune and a township are all commune-level units.
LEVEL_OF_KIND = {"city": "city", "district": "district", "ward": "commune", "commune": "commune",
                 "township": "commune"}
KINDS = tuple(LEVEL_OF_KIND)
IDENTITY = ("code", "level", "valid_from")


def parse_unit(row: dict[str, str]) -> dict[str, Any]:
    level = fields.one_of(row, "level", LEVELS)
    kind = fields.one_of(row, "kind", KINDS) if row.get("kind") else level
    if LEVEL_OF_KIND[kind] != level:
        raise RowRejected(lazy_text("imports.unit.kind_not_of_level", kind=kind, level=level))
    unit = {
        "code": fields.required(row, "code"),
        "name": fields.required(row, "name"),
        "level": level,
        "kind": kind,
        "parent_code": row.get("parent_code") or None,
        "valid_from": fields.iso_date(row, "valid_from"),
        "valid_to": fields.iso_date(row, "valid_to", optional=True),
    }
    if unit["valid_to"] and unit["valid_to"] < unit["valid_from"]:
        raise RowRejected(lazy_text("imports.valid_to_before_valid_from"))
    return unit


def load_units(session: Session, units: list[dict[str, Any]]) -> None:
    upsert(session, AdministrativeUnit.__table__, units, key=list(IDENTITY))


def unit_codes(session: Session, level: str = "district") -> set[str]:
    """The codes of every unit of `level` ever held (districts: what `district_code` columns name)."""
    return set(session.scalars(select(AdministrativeUnit.code).where(AdministrativeUnit.level == level)))


def valid_on(on: date):  # noqa: ANN201 (a SQL condition)
    """The units valid on `on` (an unknown start counts as valid)."""
    unit = AdministrativeUnit
    return ((unit.valid_from.is_(None) | (unit.valid_from <= on))
            & (unit.valid_to.is_(None) | (unit.valid_to >= on)))


def unit_on(session: Session, code: str, on: date) -> AdministrativeUnit | None:
    """The unit `code` named on `on` (the highest level if two tiers share the code then)."""
    return session.scalars(select(AdministrativeUnit).where(AdministrativeUnit.code == code, valid_on(on))
                           .order_by(AdministrativeUnit.level)).first()
