"""`flask units sync`: Hanoi's unit timeline and crosswalk, made equal to the pinned packages.

The units: the 30 districts of data/units_2024.csv (to 2025-06-30), the 526 pre-2025 wards,
communes and townships of data/units_hanoi_2024_wards.csv (to 2025-06-30, start unknown), the
city and its 126 wards and communes from `vietnam-provinces` through `hanoi_units_2025()` (from
2025-07-01). The crosswalk: data/unit_crosswalk_hanoi_2025.csv, one row per (old ward, new
unit). Both committed files are regenerated from `vietnamadminunits` by a unit test. A 2024 unit
is matched by (code, level, valid_from), a unit of today by its open row of (code, level), a
crosswalk piece by (old unit, new unit); running again changes nothing and says so.

A kind can change while the code stays (a commune becomes a ward): the open row ends the day
before `effective` and a row of the new kind starts on it, and the address histories that ran
on in the unit continue in the new row from that day (a history row is of one unit row). A
change dated on or before the row's start corrects the row in place. The 2025 units are read
from the package, or from a CSV (`units_2025_from_file`) when a change is published before the
package has it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, literal, or_, select, update

from models.reference import AdministrativeUnit, ResidentAddress, UnitSuccession
from services.context import Context
from services.reference import fields
from services.reference.unit_tables import DATA, WARDS_2024_FILE, read_crosswalk, read_rows
from services.reference.units import IDENTITY, LEVEL_OF_KIND, parse_unit
from services.reference.units_2025 import HANOI_CODE, VALID_FROM, hanoi_units_2025
from services.signatures.appointments import local_today

DISTRICTS_2024_FILE = "units_2024.csv"
UNIT_FIELDS = ("name", "kind", "parent_code", "valid_to")
PIECE_FIELDS = ("share", "basis", "is_default")


@dataclass(frozen=True)
class KindChange:
    """A unit that kept its code and changed its kind from `on`."""

    code: str
    name: str
    before: str
    after: str
    on: date


@dataclass
class Changes:
    """What one sync did to one table; `changed_codes` names the rows it changed (or removed),
    `kind_changes` the units whose kind changed (each also counted as changed)."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    changed_codes: list[str] = field(default_factory=list)
    kind_changes: list[KindChange] = field(default_factory=list)


@dataclass(frozen=True)
class SyncReport:
    units: Changes
    crosswalk: Changes


def hanoi_timeline(units_2025: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Every Hanoi unit row the sync wants: {code, name, level, kind, parent_code, valid_from, valid_to};
    the 2025 units from the package unless given."""
    districts = [parse_unit(row) for row in read_rows(DATA / DISTRICTS_2024_FILE)]
    wards = [{"code": row["code"], "name": row["name"], "level": "commune", "kind": row["kind"],
              "parent_code": row["district_code"], "valid_from": None,
              "valid_to": fields.iso_date(row, "valid_to")} for row in read_rows(DATA / WARDS_2024_FILE)]
    units_2025 = [{**unit, "level": LEVEL_OF_KIND[unit["kind"]],
                   "parent_code": None if unit["code"] == HANOI_CODE else HANOI_CODE}
                  for unit in (units_2025 if units_2025 is not None else hanoi_units_2025())]
    return districts + wards + units_2025


def sync_hanoi(ctx: Context, *, effective: date | None = None,
               units_2025: list[dict[str, Any]] | None = None) -> SyncReport:
    """Add or update Hanoi's units and crosswalk in the caller's transaction; report the changes.
    A kind change takes effect on `effective` (default: today in Hanoi)."""
    units = _sync_units(ctx, hanoi_timeline(units_2025), effective or local_today(ctx.clock.now()))
    return SyncReport(units, _sync_crosswalk(ctx))


def _identity(unit: AdministrativeUnit | dict[str, Any]) -> tuple:
    get = unit.get if isinstance(unit, dict) else lambda name: getattr(unit, name)
    return tuple(get(name) for name in IDENTITY)


def _sync_units(ctx: Context, wanted: Iterable[dict[str, Any]], effective: date) -> Changes:
    rows = ctx.session.scalars(select(AdministrativeUnit)).all()
    have = {_identity(unit): unit for unit in rows}
    current = {(unit.code, unit.level): unit for unit in rows if unit.valid_from and unit.valid_to is None}
    changes = Changes()
    for row in wanted:
        today = row["valid_from"] is not None and row["valid_to"] is None  # a unit of today: its open row
        unit = (today and current.get((row["code"], row["level"]))) or have.get(_identity(row))
        if unit is None:
            ctx.session.add(AdministrativeUnit(**row))
            changes.added += 1
        elif today and unit.kind != row["kind"] and effective > unit.valid_from:
            _change_kind(ctx, unit, row, effective)
            changes.kind_changes.append(KindChange(row["code"], row["name"], unit.kind, row["kind"], effective))
            _note(changes, "changed", row["code"])
        elif any(getattr(unit, name) != row[name] for name in UNIT_FIELDS):
            for name in UNIT_FIELDS:
                setattr(unit, name, row[name])
            _note(changes, "changed", row["code"])
        else:
            changes.unchanged += 1
    ctx.session.flush()
    return changes


def _change_kind(ctx: Context, unit: AdministrativeUnit, row: dict[str, Any], effective: date) -> None:
    """End `unit` the day before `effective` and start a row of the new kind on it; the history
    rows still running in `unit` then go on in the new row."""
    session, last_day = ctx.session, effective - timedelta(days=1)
    unit.valid_to = last_day
    new = AdministrativeUnit(**{**row, "valid_from": effective, "valid_to": None})
    session.add(new)
    session.flush()
    address = ResidentAddress
    running = (address.unit_id == unit.id, or_(address.valid_to.is_(None), address.valid_to >= effective))
    begun = or_(address.valid_from.is_(None), address.valid_from < effective)
    session.execute(insert(address).from_select(
        ["resident_id", "unit_id", "address", "valid_from", "valid_to"],
        select(address.resident_id, literal(new.id), address.address, literal(effective, address.valid_from.type),
               address.valid_to).where(*running, begun)))
    session.execute(update(address).where(*running, begun).values(valid_to=last_day),
                    execution_options={"synchronize_session": False})
    session.execute(update(address).where(*running).values(unit_id=new.id),
                    execution_options={"synchronize_session": False})


def _sync_crosswalk(ctx: Context) -> Changes:
    old_ids, new_ids = _hanoi_unit_ids(ctx)
    have = {(piece.old_unit_id, piece.new_unit_id): piece for piece in ctx.session.scalars(
        select(UnitSuccession).where(UnitSuccession.old_unit_id.in_(old_ids.values())))}
    changes = Changes()
    for row in read_crosswalk():
        key = (old_ids[row["old_ward_code"]], new_ids[row["new_unit_code"]])
        values = {name: row[name] for name in PIECE_FIELDS}
        piece = have.pop(key, None)
        label = f"{row['old_ward_code']}>{row['new_unit_code']}"
        if piece is None:
            ctx.session.add(UnitSuccession(old_unit_id=key[0], new_unit_id=key[1], **values))
            changes.added += 1
        elif any(getattr(piece, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(piece, name, value)
            _note(changes, "changed", label)
        else:
            changes.unchanged += 1
    for stale in have.values():  # a piece the crosswalk no longer holds
        ctx.session.delete(stale)
        _note(changes, "changed", f"-{stale.old_unit_id}>{stale.new_unit_id}")
    ctx.session.flush()
    return changes


def _hanoi_unit_ids(ctx: Context) -> tuple[dict[str, int], dict[str, int]]:
    """({pre-2025 ward code: id}, {2025 unit code: id}) of the rows the sync keeps (a 2025 unit:
    its row of 2025-07-01, whatever kind it took later)."""
    unit = AdministrativeUnit
    rows = ctx.session.execute(select(unit.code, unit.id, unit.valid_from).where(
        unit.level == "commune", unit.valid_from.is_(None) | (unit.parent_code == HANOI_CODE))).all()
    old = {code: id_ for code, id_, start in rows if start is None}
    new = {code: id_ for code, id_, start in rows if start == VALID_FROM}
    return old, new


def _note(changes: Changes, what: str, code: str) -> None:
    setattr(changes, what, getattr(changes, what) + 1)
    changes.changed_codes.append(code)
