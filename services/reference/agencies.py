"""Agencies that decide procedures or run one-stop counters."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from models.reference import Agency
from services.bulk import upsert
from services.reference import fields

AGENCY_COLUMNS = ("code", "name", "level", "district_code")
AGENCY_LEVELS = ("city", "department", "district", "commune")


def agency_parser(unit_codes: set[str]) -> Callable[[dict[str, str]], dict[str, Any]]:
    def parse(row: dict[str, str]) -> dict[str, Any]:
        return {
            "code": fields.required(row, "code"),
            "name": fields.required(row, "name"),
            "level": fields.one_of(row, "level", AGENCY_LEVELS),
            "district_code": fields.known(row, "district_code", unit_codes, optional=True),
        }

    return parse


def load_agencies(session: Session, agencies: list[dict[str, Any]]) -> None:
    upsert(session, Agency.__table__, agencies, key=["code"])
