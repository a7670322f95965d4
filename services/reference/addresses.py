"""Where residents live and lived: placing a registry row in the unit timeline, keeping each
resident's address history, and `unit_of(resident, on=day)`.

A history row is a unit and the period the person lived there as far as the registry knows:
the unit's own validity (a pre-2025 ward to 2025-06-30, its 2025 successor from 2025-07-01),
cut where a later import records a move (the old row ends the day before the import, the new
one starts on it). Nothing is guessed into the history: a person known only by a 2025 unit has
no pre-2025 row, and one known only by a 2024 district has no 2025 row (count them through the
crosswalk).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session, aliased, object_session
from sqlalchemy.sql.elements import ColumnElement

from models.reference import AdministrativeUnit, Resident, ResidentAddress, UnitSuccession
from services.clock import clock
from services.messages import lazy_text
from services.reference.file_import import RowRejected
from services.reference.units import valid_on
from services.reference.units_2025 import VALID_FROM as UNITS_2025_FROM
from services.signatures.appointments import local_today


@dataclass(frozen=True)
class OldWard:
    unit: AdministrativeUnit
    default_successor: str


class UnitCatalogue:
    """The units a registry row may name, read once per import: the 2024 districts, the
    commune-level units of today, and the pre-2025 wards the crosswalk converts."""

    def __init__(self, session: Session) -> None:
        unit = AdministrativeUnit
        rows = session.scalars(select(unit).where(unit.level.in_(("district", "commune")))
                               .order_by(unit.valid_from.is_not(None), unit.valid_from)).all()
        self.districts = {u.code: u for u in rows if u.level == "district"}
        self.current = {u.code: u for u in rows if u.level == "commune" and u.valid_to is None}
        old, new = aliased(unit), aliased(unit)
        pieces = session.execute(select(old, new.code, UnitSuccession.is_default)
                                 .join(UnitSuccession, UnitSuccession.old_unit_id == old.id)
                                 .join(new, new.id == UnitSuccession.new_unit_id)).all()
        self.old_wards = {ward.code: OldWard(ward, code) for ward, code, default in pieces if default}
        districts_of: dict[str, Counter[str]] = {}
        for ward, code, _default in pieces:
            districts_of.setdefault(code, Counter())[ward.parent_code] += 1
        # the district most of a 2025 unit's old wards were in (the lowest code on a tie)
        self.main_district = {code: min(c, key=lambda d: (-c[d], d)) for code, c in districts_of.items()}

    def place(self, unit_code: str | None, district_code: str | None) -> dict[str, Any]:
        """{district_code, unit_code, old_ward_code, district_derived} of a registry row; RowRejected
        when neither code is given or one names no unit a person can live in."""
        if district_code and district_code not in self.districts:
            raise RowRejected(lazy_text("imports.field.not_in_catalogue", name="district_code", value=district_code))
        if not unit_code:
            if not district_code:
                raise RowRejected(lazy_text("imports.address.unit_code_empty"))
            return _placed(district_code, None, None)
        code = self._known_form(unit_code)
        old = self.old_wards.get(code)
        if old and district_code == old.unit.parent_code:  # an old (district, ward) pair
            return _placed(district_code, old.default_successor, code)
        if code in self.current:
            derived = district_code is None
            return _placed(district_code or self.main_district.get(code), code, None, derived=derived)
        if old and district_code is None:
            return _placed(old.unit.parent_code, old.default_successor, code)
        if old:
            raise RowRejected(lazy_text("imports.address.ward_of_other_district", code=code,
                                        district=old.unit.parent_code, given=district_code))
        raise RowRejected(lazy_text("imports.address.unit_unknown", code=unit_code))

    def _known_form(self, code: str) -> str:
        """The code, with the leading zeros a spreadsheet dropped put back when that names a unit."""
        padded = code.zfill(5) if code.isdigit() else code
        return code if code in self.current or code in self.old_wards else padded


def _placed(district_code: str | None, unit_code: str | None, old_ward_code: str | None, *,
            derived: bool = False) -> dict[str, Any]:
    return {"district_code": district_code, "unit_code": unit_code, "old_ward_code": old_ward_code,
            "district_derived": derived}


def record_addresses(session: Session, residents: Iterable[tuple[int, dict[str, Any]]]) -> None:
    """Bring each (resident id, placed row) pair's history up to date: the first import writes
    the places the row names; a later one adds what is new, or records a move."""
    residents = list(residents)
    catalogue = UnitCatalogue(session)
    have: dict[int, list[ResidentAddress]] = {}
    for row in session.scalars(select(ResidentAddress).where(
            ResidentAddress.resident_id.in_([rid for rid, _ in residents])).order_by(ResidentAddress.id)):
        have.setdefault(row.resident_id, []).append(row)
    today = local_today(clock.now())
    new_rows: list[dict[str, Any]] = []
    for resident_id, placed in residents:
        wanted = _places(catalogue, placed)
        if wanted:
            new_rows += _merge(session, resident_id, have.get(resident_id, []), wanted, placed.get("address"), today)
    session.flush()
    if new_rows:
        session.execute(insert(ResidentAddress), new_rows)


def _places(catalogue: UnitCatalogue, placed: dict[str, Any]) -> list[AdministrativeUnit]:
    places = []
    if placed.get("old_ward_code") in catalogue.old_wards:
        places.append(catalogue.old_wards[placed["old_ward_code"]].unit)
    elif placed.get("district_code") in catalogue.districts and not placed.get("district_derived"):
        places.append(catalogue.districts[placed["district_code"]])
    if placed.get("unit_code") in catalogue.current:
        places.append(catalogue.current[placed["unit_code"]])
    return places


def _merge(session: Session, resident_id: int, have: list[ResidentAddress], wanted: list[AdministrativeUnit],
           address: str | None, today: date) -> list[dict[str, Any]]:
    """Update the rows `have` in place; return the rows to add."""
    current = wanted[-1]
    moved = [row for unit in wanted if unit.valid_to is not None
             for row in _moved_before_its_end(session, resident_id, have, unit, today)]
    open_row = next((row for row in have if row.valid_to is None), None)
    if open_row is not None and open_row.unit_id != current.id and current.valid_to is None:
        start = max(today, current.valid_from or today)
        _end(session, have, open_row, start - timedelta(days=1))
        return [*moved, {"resident_id": resident_id, "unit_id": current.id, "address": address,
                         "valid_from": start, "valid_to": None}]
    held = {row.unit_id: row for row in have}
    if current.id in held and address and held[current.id].address != address:
        held[current.id].address = address
    return [*moved, *({"resident_id": resident_id, "unit_id": unit.id,
                       "address": address if unit is current else None,
                       "valid_from": unit.valid_from, "valid_to": unit.valid_to}
                      for unit in wanted if unit.id not in held and unit.id not in {row["unit_id"] for row in moved})]


def _moved_before_its_end(session: Session, resident_id: int, have: list[ResidentAddress],
                          unit: AdministrativeUnit, today: date) -> list[dict[str, Any]]:
    """A unit that ends (a pre-2025 ward or district) named while it is still valid, where the
    history has the person elsewhere today: a move on `today` (the row of today ends the day
    before, the unit starts today); nothing when the history already says so or does not say."""
    if not _covers(unit.valid_from, unit.valid_to, today):
        return []
    here = next((row for row in have if row.valid_to is not None and _covers(row.valid_from, row.valid_to, today)),
                None)
    if here is None or here.unit_id == unit.id:
        return []
    _end(session, have, here, today - timedelta(days=1))
    return [{"resident_id": resident_id, "unit_id": unit.id, "address": None, "valid_from": today,
             "valid_to": unit.valid_to}]


def _covers(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


def _end(session: Session, have: list[ResidentAddress], row: ResidentAddress, last_day: date) -> None:
    row.valid_to = last_day
    if row.valid_from and row.valid_to < row.valid_from:
        session.delete(row)  # they moved on the day they came: that row never held
        have.remove(row)


def unit_of(resident: Resident, *, on: date) -> AdministrativeUnit | None:
    """The unit `resident` lived in on `on`, from their address history (None when the history
    does not say: e.g. before 2025-07-01 for a person known only by a 2025 unit)."""
    session = object_session(resident)
    return session.scalars(addresses_on(on).where(ResidentAddress.resident_id == resident.id)
                           .with_only_columns(AdministrativeUnit)
                           .order_by(ResidentAddress.valid_from.desc().nulls_last(), ResidentAddress.id.desc())
                           ).first()


def home_unit_code(resident: Resident, *, on: date) -> str | None:
    """The owner's home unit a dossier filed on `on` keeps: from 2025-07-01 the ward or commune
    the address history places them in that day, before it the district (an old ward read as its
    district). Where the history does not say, the registry row: its current ward or commune
    from 2025-07-01, its 2024 district before (or when it names no ward or commune)."""
    unit = unit_of(resident, on=on)
    if on >= UNITS_2025_FROM:
        lived = unit.code if unit is not None and unit.level == "commune" else None
        return lived or resident.unit_code or resident.district_code
    if unit is not None:
        return unit.code if unit.level == "district" else unit.parent_code
    return resident.district_code


def addresses_on(on: date | ColumnElement) -> Select:
    """(resident_id, unit id, unit code, unit level) of every resident whose history says where they
    lived on `on`: the bulk form of `unit_of`, to join or group by in SQL. `on` may be a date column
    of an enclosing query (each row's own day)."""
    return (select(ResidentAddress.resident_id, AdministrativeUnit.id, AdministrativeUnit.code,
                   AdministrativeUnit.level)
            .join(AdministrativeUnit, AdministrativeUnit.id == ResidentAddress.unit_id)
            .where(valid_on(on),
                   ResidentAddress.valid_from.is_(None) | (ResidentAddress.valid_from <= on),
                   ResidentAddress.valid_to.is_(None) | (ResidentAddress.valid_to >= on)))
