"""Administrative units (districts, communes) with their validity periods."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reference import AdministrativeUnit
from services.bulk import upsert
from services.reference import fields
from services.reference.file_import import RowRejected

UNIT_COLUMNS = ("code", "name", "level", "valid_from", "valid_to")
LEVELS = ("district", "commune")


def parse_unit(row: dict[str, str]) -> dict[str, Any]:
    unit = {
        "code": fields.required(row, "code"),
        "name": fields.required(row, "name"),
        "level": fields.one_of(row, "level", LEVELS),
        "valid_from": fields.iso_date(row, "valid_from"),
        "valid_to": fields.iso_date(row, "valid_to", optional=True),
    }
    if unit["valid_to"] and unit["valid_to"] < unit["valid_from"]:
        raise RowRejected("valid_to is before valid_from")
    return unit


def load_units(session: Session, units: list[dict[str, Any]]) -> None:
    upsert(session, AdministrativeUnit.__table__, units, key=["code"])


def unit_codes(session: Session) -> set[str]:
    return set(session.scalars(select(AdministrativeUnit.code)))
