"""The population registry stand-in, loaded from the registry CSV, with each resident's
address history.

A row names where the person lives by `unit_code` (a ward or commune of today, or a pre-2025
Hanoi ward, converted to the unit the crosswalk places its people in) or, in older files, by
`district_code` (a 2024 district). `district_code` stays on the row for the code that reads it
(a 2024 district: given, the old ward's, or, for a person known only by a 2025 unit, the district
most of that unit's old wards were in); where the person lived when is `resident_addresses`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reference import Resident
from services.bulk import upsert
from services.clock import clock
from services.errors import ValidationFailed
from services.identity import national_id as cccd
from services.identity.phones import normalize_phone
from services.messages import lazy_text
from services.reference import fields
from services.reference.addresses import UnitCatalogue, record_addresses
from services.reference.file_import import RowRejected

RESIDENT_COLUMNS = ("national_id", "full_name", "date_of_birth", "sex")  # and unit_code or district_code
SEXES = ("male", "female")
# Keys of a parsed row that describe the address, not the registry row.
ADDRESS_KEYS = ("old_ward_code", "address", "district_derived")


def resident_parser(catalogue: UnitCatalogue) -> Callable[[dict[str, str]], dict[str, Any]]:
    def parse(row: dict[str, str]) -> dict[str, Any]:
        number = fields.required(row, "national_id")
        born = fields.iso_date(row, "date_of_birth")
        sex = fields.one_of(row, "sex", SEXES)
        reasons = cccd.problems(number, born, sex)
        if reasons:
            raise RowRejected(lazy_text("imports.resident.national_id", reasons=reasons))
        guardian = row.get("guardian_national_id") or None
        if guardian and cccd.problems(guardian, None):
            raise RowRejected(lazy_text("imports.resident.guardian_digits"))
        if guardian == number:
            raise RowRejected(lazy_text("imports.resident.own_guardian"))
        address = row.get("address") or None
        if address and len(address) > 300:
            raise RowRejected(lazy_text("imports.resident.address_too_long"))
        phone = row.get("phone") or None
        try:
            phone = normalize_phone(phone) if phone else None
        except ValidationFailed as exc:
            raise RowRejected(lazy_text("imports.resident.phone")) from exc
        return {
            "national_id": number,
            "full_name": " ".join(fields.required(row, "full_name").split()),
            "date_of_birth": born,
            "sex": sex,
            "guardian_national_id": guardian,
            "address": address,
            "phone": phone,
            **catalogue.place(row.get("unit_code") or None, row.get("district_code") or None),
        }

    return parse


def load_residents(session: Session, residents: list[dict[str, Any]]) -> None:
    """Insert or update the registry rows, then their address history (rows without `unit_code`
    or `old_ward_code` are placed by their district)."""
    now = clock.now()
    known = _known_districts(session, [r["national_id"] for r in residents if r.get("district_derived")])
    rows = [{"unit_code": None, "phone": None, **{k: v for k, v in resident.items() if k not in ADDRESS_KEYS},
             **({"district_code": known[resident["national_id"]]} if resident["national_id"] in known else {}),
             "updated_at": now}
            for resident in residents]
    upsert(session, Resident.__table__, rows, key=["national_id"],
           compare=["full_name", "date_of_birth", "sex", "district_code", "unit_code", "guardian_national_id",
                    "phone"])
    ids = dict(session.execute(select(Resident.national_id, Resident.id).where(
        Resident.national_id.in_([row["national_id"] for row in rows]))).all())
    record_addresses(session, [(ids[resident["national_id"]], resident) for resident in residents])


def _known_districts(session: Session, national_ids: list[str]) -> dict[str, str]:
    """The districts already on file for these people: a district the crosswalk only suggests
    does not replace one the registry was given."""
    if not national_ids:
        return {}
    return dict(session.execute(select(Resident.national_id, Resident.district_code).where(
        Resident.national_id.in_(national_ids), Resident.district_code.is_not(None))).all())
