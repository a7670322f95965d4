"""The population registry stand-in, loaded from the registry CSV."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from models.reference import Resident
from services.bulk import upsert
from services.clock import clock
from services.errors import ValidationFailed
from services.identity import national_id as cccd
from services.identity.phones import normalize_phone
from services.reference import fields
from services.reference.file_import import RowRejected

RESIDENT_COLUMNS = ("national_id", "full_name", "date_of_birth", "sex", "district_code")
SEXES = ("male", "female")


def resident_parser(district_codes: set[str]) -> Callable[[dict[str, str]], dict[str, Any]]:
    def parse(row: dict[str, str]) -> dict[str, Any]:
        number = fields.required(row, "national_id")
        born = fields.iso_date(row, "date_of_birth")
        sex = fields.one_of(row, "sex", SEXES)
        reasons = cccd.problems(number, born, sex)
        if reasons:
            raise RowRejected("national_id: " + " ".join(reasons))
        guardian = row.get("guardian_national_id") or None
        if guardian and cccd.problems(guardian, None):
            raise RowRejected("guardian_national_id must be 12 digits")
        if guardian == number:
            raise RowRejected("a resident cannot be their own guardian")
        phone = row.get("phone") or None
        try:
            phone = normalize_phone(phone) if phone else None
        except ValidationFailed as exc:
            raise RowRejected("phone must be a Vietnamese mobile number") from exc
        return {
            "national_id": number,
            "full_name": " ".join(fields.required(row, "full_name").split()),
            "date_of_birth": born,
            "sex": sex,
            "district_code": fields.known(row, "district_code", district_codes),
            "guardian_national_id": guardian,
            "phone": phone,
        }

    return parse


def load_residents(session: Session, residents: list[dict[str, Any]]) -> None:
    now = clock.now()
    rows = [{"phone": None, **resident, "updated_at": now} for resident in residents]
    upsert(session, Resident.__table__, rows, key=["national_id"],
           compare=["full_name", "date_of_birth", "sex", "district_code", "guardian_national_id", "phone"])
