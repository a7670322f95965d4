"""Which unit a resident is counted in on a day: their address history (services/reference/
addresses.py), read as a column of a query over `residents` (or joined to it: accounts, dossiers).
The day is a date, or a column of the enclosing query (a dossier's received day): `Day`.

- `unit_column(on, level)`: the unit the history says the person lived in on `on`, at the level
  the period is reported on: for `district`, an old ward is read as its district. Where the
  history does not say (a person known only by a 2025 unit has no pre-2025 row; one known only by
  a 2024 district has no 2025 row), the registry row: its district for `district`, its current
  ward or commune (else its district, which then counts in the city row only) for `commune`.
- `unit_2025_column(on)` (`?units=2025`): the unit the history gives on 2025-07-01; where it has
  no 2025 unit, the crosswalk's default new unit of the old ward it names on `on` (one unit, so
  a person of a split ward is counted once); else the registry row's current unit, else its
  district (the city row only).
When a person's history has two rows on the same day, the later-starting one is read, as
`unit_of` does.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from models.reference import AdministrativeUnit, Resident, ResidentAddress, UnitSuccession
from services.reference.addresses import addresses_on

REFORM_DAY = date(2025, 7, 1)  # the first day of Hanoi's 126 wards and communes
Day = date | ColumnElement  # a day, or a date column of the enclosing query


def _lived(on: Day, column: ColumnElement, *joins: tuple) -> ColumnElement:
    """`column` of the history row covering `on` of the resident of the enclosing query."""
    found = addresses_on(on).with_only_columns(column)
    for target, condition in joins:
        found = found.join(target, condition)
    return (found.where(ResidentAddress.resident_id == Resident.id)
            .order_by(ResidentAddress.valid_from.desc().nulls_last(), ResidentAddress.id.desc())
            .limit(1).scalar_subquery())


def unit_column(on: Day, level: str) -> ColumnElement:
    """The resident's unit on `on` at the reported `level` (`district` or `commune`)."""
    unit = AdministrativeUnit
    if level == "district":
        lived = _lived(on, case((unit.level == "district", unit.code), else_=unit.parent_code))
        return func.coalesce(lived, Resident.district_code)
    return func.coalesce(_lived(on, unit.code), Resident.unit_code, Resident.district_code)


def unit_2025_column(on: Day) -> ColumnElement:
    """The resident's 2025 unit for a period ending on `on` re-expressed on the 2025 units."""
    new = aliased(AdministrativeUnit)
    default = (UnitSuccession, and_(UnitSuccession.old_unit_id == ResidentAddress.unit_id,
                                    UnitSuccession.is_default == true()))
    old_ward_default = _lived(on, new.code, default, (new, new.id == UnitSuccession.new_unit_id))
    return func.coalesce(_lived(REFORM_DAY, AdministrativeUnit.code), old_ward_default,
                         Resident.unit_code, Resident.district_code)
