"""Agencies that decide procedures or receive dossiers, valid for a period, with their successors."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reference import Agency, AgencySuccessor
from services.bulk import upsert
from services.messages import lazy_text
from services.reference import fields
from services.reference.file_import import RowRejected

AGENCY_COLUMNS = ("code", "name", "level", "district_code")  # required; unit_code, valid_from, valid_to optional
SUCCESSOR_COLUMNS = ("agency_code", "successor_code", "is_default")
# city, department, district / commune people's committee, ward police, public-administration service centre
AGENCY_LEVELS = ("city", "department", "district", "commune", "police", "centre")
BOOLEANS = {"true": True, "false": False}


def agency_parser(unit_codes: set[str]) -> Callable[[dict[str, str]], dict[str, Any]]:
    def parse(row: dict[str, str]) -> dict[str, Any]:
        parsed = {
            "code": fields.required(row, "code"),
            "name": fields.required(row, "name"),
            "level": fields.one_of(row, "level", AGENCY_LEVELS),
            "district_code": fields.known(row, "district_code", unit_codes, optional=True),
            "unit_code": row.get("unit_code") or None,
            "valid_from": fields.iso_date(row, "valid_from", optional=True),
            "valid_to": fields.iso_date(row, "valid_to", optional=True),
        }
        if parsed["valid_from"] and parsed["valid_to"] and parsed["valid_to"] < parsed["valid_from"]:
            raise RowRejected(lazy_text("imports.valid_to_before_valid_from"))
        return parsed

    return parse


def load_agencies(session: Session, agencies: list[dict[str, Any]]) -> None:
    upsert(session, Agency.__table__, agencies, key=["code"])


def successor_parser(agency_codes: set[str]) -> Callable[[dict[str, str]], dict[str, Any]]:
    def parse(row: dict[str, str]) -> dict[str, Any]:
        return {
            "agency_code": fields.known(row, "agency_code", agency_codes),
            "successor_code": fields.known(row, "successor_code", agency_codes),
            "is_default": BOOLEANS[fields.one_of(row, "is_default", tuple(BOOLEANS))],
        }

    return parse


def load_successors(session: Session, successors: list[dict[str, Any]]) -> None:
    upsert(session, AgencySuccessor.__table__, successors, key=["agency_code", "successor_code"])


def agency_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Agency.code)))
