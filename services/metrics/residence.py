"""Which unit a resident is counted in on a day: the one place to switch to the address history.

Today the registry holds each resident's current unit only (`residents.district_code`: a
2024 district code, or a 2025 ward or commune code once the registry holds those), so both
functions answer the current unit whatever the day. When the units branch's address history
lands (its `unit_of(resident, on=date)` in services/reference), `unit_on` calls it and
`unit_column` becomes the same lookup as SQL (the history row whose validity covers `on`);
services/metrics/sources.py reads residents' units only through `unit_column`.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.sql.elements import ColumnElement

from models.reference import Resident
from services.context import Context


def unit_column(on: date) -> ColumnElement:  # noqa: ARG001 - the day matters once history exists
    """The resident's unit on `on`, as a column of a query over `residents` (today: current unit)."""
    return Resident.district_code


def unit_on(ctx: Context, resident_ids: Iterable[int], on: date) -> dict[int, str]:
    """resident id -> the unit the resident lived in on `on` (today: their current unit)."""
    ids = list(resident_ids)
    return dict(ctx.session.execute(select(Resident.id, unit_column(on)).where(Resident.id.in_(ids))).all())
