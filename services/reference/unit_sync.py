"""`flask units sync`: Hanoi's unit timeline and crosswalk, made equal to the pinned packages.

The units: the 30 districts of data/units_2024.csv (to 2025-06-30), the 526 pre-2025 wards,
communes and townships of data/units_hanoi_2024_wards.csv (to 2025-06-30, start unknown), the
city and its 126 wards and communes from `vietnam-provinces` through `hanoi_units_2025()` (from
2025-07-01). The crosswalk: data/unit_crosswalk_hanoi_2025.csv, one row per (old ward, new
unit). Both committed files are regenerated from `vietnamadminunits` by a unit test. A unit is
matched by (code, level, valid_from), a crosswalk piece by (old unit, new unit); running again
changes nothing and says so.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from models.reference import AdministrativeUnit, UnitSuccession
from services.context import Context
from services.reference import fields
from services.reference.unit_tables import DATA, WARDS_2024_FILE, read_crosswalk, read_rows
from services.reference.units import IDENTITY, LEVEL_OF_KIND, parse_unit
from services.reference.units_2025 import HANOI_CODE, hanoi_units_2025

DISTRICTS_2024_FILE = "units_2024.csv"
UNIT_FIELDS = ("name", "kind", "parent_code", "valid_to")
PIECE_FIELDS = ("share", "basis", "is_default")


@dataclass
class Changes:
    """What one sync did to one table; `changed_codes` names the rows it changed (or removed)."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    changed_codes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SyncReport:
    units: Changes
    crosswalk: Changes


def hanoi_timeline() -> list[dict[str, Any]]:
    """Every Hanoi unit row the sync wants: {code, name, level, kind, parent_code, valid_from, valid_to}."""
    districts = [parse_unit(row) for row in read_rows(DATA / DISTRICTS_2024_FILE)]
    wards = [{"code": row["code"], "name": row["name"], "level": "commune", "kind": row["kind"],
              "parent_code": row["district_code"], "valid_from": None,
              "valid_to": fields.iso_date(row, "valid_to")} for row in read_rows(DATA / WARDS_2024_FILE)]
    units_2025 = [{**unit, "level": LEVEL_OF_KIND[unit["kind"]],
                   "parent_code": None if unit["code"] == HANOI_CODE else HANOI_CODE}
                  for unit in hanoi_units_2025()]
    return districts + wards + units_2025


def sync_hanoi(ctx: Context) -> SyncReport:
    """Add or update Hanoi's units and crosswalk in the caller's transaction; report the changes."""
    units = _sync_units(ctx, hanoi_timeline())
    return SyncReport(units, _sync_crosswalk(ctx))


def _identity(unit: AdministrativeUnit | dict[str, Any]) -> tuple:
    get = unit.get if isinstance(unit, dict) else lambda name: getattr(unit, name)
    return tuple(get(name) for name in IDENTITY)


def _sync_units(ctx: Context, wanted: Iterable[dict[str, Any]]) -> Changes:
    have = {_identity(unit): unit for unit in ctx.session.scalars(select(AdministrativeUnit))}
    changes = Changes()
    for row in wanted:
        unit = have.get(_identity(row))
        if unit is None:
            ctx.session.add(AdministrativeUnit(**row))
            changes.added += 1
        elif any(getattr(unit, name) != row[name] for name in UNIT_FIELDS):
            for name in UNIT_FIELDS:
                setattr(unit, name, row[name])
            _note(changes, "changed", row["code"])
        else:
            changes.unchanged += 1
    ctx.session.flush()
    return changes


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
    """({pre-2025 ward code: id}, {2025 unit code: id}) of the rows the sync keeps."""
    unit = AdministrativeUnit
    rows = ctx.session.execute(select(unit.code, unit.id, unit.valid_from).where(
        unit.level == "commune", unit.valid_from.is_(None) | (unit.parent_code == HANOI_CODE))).all()
    old = {code: id_ for code, id_, start in rows if start is None}
    new = {code: id_ for code, id_, start in rows if start is not None}
    return old, new


def _note(changes: Changes, what: str, code: str) -> None:
    setattr(changes, what, getattr(changes, what) + 1)
    changes.changed_codes.append(code)
