"""The facility catalogue (hospitals, health stations), loaded from CSV code,name,district_code."""
from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from cachetools import TTLCache
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.health import Facility
from services.bulk import upsert
from services.messages import lazy_text
from services.reference import fields
from services.reference.file_import import RowRejected

FACILITY_COLUMNS = ("code", "name", "district_code")
CODE_SHAPE = re.compile(r"^[A-Za-z0-9._-]{2,40}$")


def facility_parser(unit_codes: set[str]) -> Callable[[dict[str, str]], dict[str, Any]]:
    def parse(row: dict[str, str]) -> dict[str, Any]:
        code = fields.required(row, "code")
        if not CODE_SHAPE.match(code):
            raise RowRejected(lazy_text("imports.facility.code_shape", code=code))
        name = " ".join(fields.required(row, "name").split())
        if len(name) > 300:
            raise RowRejected(lazy_text("imports.facility.name_too_long"))
        return {"code": code, "name": name, "district_code": fields.known(row, "district_code", unit_codes)}

    return parse


def load_facilities(session: Session, facilities: list[dict[str, Any]]) -> None:
    upsert(session, Facility.__table__, facilities, key=["code"])
    with _names_lock:
        _names.clear()


def facility_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Facility.code)))


# Names change rarely and every health read shows some: each process keeps them a few minutes.
_names: TTLCache[str, str] = TTLCache(maxsize=20_000, ttl=300)


_names_lock = threading.Lock()


def facility_names(session: Session, codes: set[str]) -> dict[str, str]:
    with _names_lock:
        known = {code: _names[code] for code in codes if code in _names}
    missing = [code for code in codes if code not in known]
    if missing:
        found = dict(session.execute(select(Facility.code, Facility.name).where(Facility.code.in_(missing))).all())
        with _names_lock:
            _names.update(found)
        known.update(found)
    return known
