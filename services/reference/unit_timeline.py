"""Reading the unit timeline: the units valid on a day, and one unit with its periods (its rows
under one code, level and parent: a kind changed while the code stayed) and its predecessors
and successors through the crosswalk (a district's successors are its wards' successors)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from models.reference import AdministrativeUnit, UnitSuccession
from services.context import Context
from services.errors import NotFound, ValidationFailed
from services.pagination import Page, paginate
from services.signatures.appointments import local_today
from services.reference.units import unit_on, valid_on
from services.reference.ward_conversion import UnknownUnitCode
from services.messages import lazy_text


@dataclass(frozen=True)
class Link:
    """A predecessor or successor: the other unit, and the old unit's share in the new one
    (none when the link goes through a district's wards)."""

    unit: AdministrativeUnit
    share: Decimal | None
    basis: str
    is_default: bool | None


@dataclass(frozen=True)
class UnitView:
    unit: AdministrativeUnit
    periods: list[AdministrativeUnit]
    predecessors: list[Link]
    successors: list[Link]


def list_units(ctx: Context, *, at: date | None = None, kind: str | None = None, parent: str | None = None,
               limit: int, cursor: str | None) -> Page[AdministrativeUnit]:
    """The units valid on `at` (today by default), of `kind` and under `parent` when given, by code."""
    day = at or local_today(ctx.clock.now())
    kinds = _kinds_on(ctx, day)
    if not kinds:
        raise ValidationFailed.on_field("at", lazy_text("reference.unit_timeline.no_unit_known_value", value=day), "no_units_on_date")
    if kind and kind not in kinds:
        raise ValidationFailed.on_field(
            "kind", lazy_text("reference.unit_timeline.no_unit_kind_kind", kind=kind, value=day, items=', '.join(kinds)),
            "kind_not_in_period")
    stmt = select(AdministrativeUnit).where(valid_on(day))
    if kind:
        stmt = stmt.where(AdministrativeUnit.kind == kind)
    if parent:
        if unit_on(ctx.session, parent, day) is None:
            unknown = lazy_text("units.parent_unknown", parent=parent, day=day)
            raise UnknownUnitCode(unknown, errors={"parent": [unknown]})
        stmt = stmt.where(AdministrativeUnit.parent_code == parent)
    return paginate(ctx.session, stmt, [AdministrativeUnit.code, AdministrativeUnit.id],
                    limit=limit, cursor=cursor, descending=False)


def show_unit(ctx: Context, code: str, *, at: date | None = None) -> UnitView:
    """The unit `code` names on `at` (today by default) with its predecessors and successors."""
    day = at or local_today(ctx.clock.now())
    unit = unit_on(ctx.session, code, day)
    if unit is None:
        raise NotFound(lazy_text("reference.unit_timeline.no_unit_code_code", code=code, value=day), code="unknown_unit_code")
    periods = _periods(ctx, unit)
    return UnitView(unit, periods, _links(ctx, periods, backwards=True), _links(ctx, periods, backwards=False))


def _periods(ctx: Context, unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The rows of the same unit, oldest first: same code, level and parent (a pre-2025 ward that
    lent its code to a 2025 unit lay in a district, so it is a predecessor, not a period)."""
    same = AdministrativeUnit
    return list(ctx.session.scalars(select(same).where(
        same.code == unit.code, same.level == unit.level,
        same.parent_code.is_(None) if unit.parent_code is None else same.parent_code == unit.parent_code)
        .order_by(same.valid_from.is_not(None), same.valid_from)))


def _kinds_on(ctx: Context, day: date) -> list[str]:
    return sorted(ctx.session.scalars(select(AdministrativeUnit.kind).where(valid_on(day)).distinct()))


def _links(ctx: Context, periods: list[AdministrativeUnit], *, backwards: bool) -> list[Link]:
    here, there = ((UnitSuccession.new_unit_id, UnitSuccession.old_unit_id) if backwards
                   else (UnitSuccession.old_unit_id, UnitSuccession.new_unit_id))
    rows = ctx.session.execute(
        select(AdministrativeUnit, UnitSuccession).join(UnitSuccession, there == AdministrativeUnit.id)
        .where(here.in_([unit.id for unit in periods])).order_by(AdministrativeUnit.code)).all()
    links = [Link(other, piece.share, piece.basis, piece.is_default) for other, piece in rows]
    district = periods[-1]
    if not links and district.level == "district" and not backwards:
        links = _district_successors(ctx, district)
    return links


def _district_successors(ctx: Context, district: AdministrativeUnit) -> list[Link]:
    """The new units any ward of `district` went to (wards valid when the district ended)."""
    ward, new = aliased(AdministrativeUnit), aliased(AdministrativeUnit)
    ids = (select(UnitSuccession.new_unit_id).join(ward, ward.id == UnitSuccession.old_unit_id)
           .where(ward.parent_code == district.code, ward.level == "commune",
                  func.coalesce(ward.valid_to, district.valid_to) == district.valid_to))
    units = ctx.session.scalars(select(new).where(new.id.in_(ids)).order_by(new.code))
    return [Link(other, None, "through_wards", None) for other in units]
