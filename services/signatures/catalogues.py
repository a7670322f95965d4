"""Catalogues: certificate-authority providers and the one-stop counters that check identity."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reference import Agency
from models.signatures import ServiceCounter, SignatureProvider
from services.bulk import upsert
from services.context import Context
from services.pagination import Page, paginate
from services.reference import fields

PROVIDER_COLUMNS = ("code", "name")
COUNTER_COLUMNS = ("code", "name", "agency_code", "district_code")


def parse_provider(row: dict[str, str]) -> dict[str, Any]:
    return {"code": fields.required(row, "code"), "name": fields.required(row, "name")}


def agency_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Agency.code)))


def counter_parser(agencies: set[str], units: set[str]) -> Callable[[dict[str, str]], dict[str, Any]]:
    def parse(row: dict[str, str]) -> dict[str, Any]:
        return {
            "code": fields.required(row, "code"),
            "name": fields.required(row, "name"),
            "agency_code": fields.known(row, "agency_code", agencies),
            "district_code": fields.known(row, "district_code", units, optional=True),
        }

    return parse


def load_providers(session: Session, rows: list[dict[str, Any]]) -> None:
    upsert(session, SignatureProvider.__table__, rows, key=["code"])


def load_counters(session: Session, rows: list[dict[str, Any]]) -> None:
    upsert(session, ServiceCounter.__table__, rows, key=["code"])


def list_providers(ctx: Context, *, limit: int, cursor: str | None) -> Page[SignatureProvider]:
    session = ctx.session
    return paginate(session, select(SignatureProvider), [SignatureProvider.code], limit=limit,
                    cursor=cursor, descending=False)


def list_counters(ctx: Context, *, limit: int, cursor: str | None, agency_code: str | None = None,
                  district_code: str | None = None) -> Page[ServiceCounter]:
    session = ctx.session
    stmt = select(ServiceCounter)
    if agency_code:
        stmt = stmt.where(ServiceCounter.agency_code == agency_code)
    if district_code:
        stmt = stmt.where(ServiceCounter.district_code == district_code)
    return paginate(session, stmt, [ServiceCounter.code], limit=limit, cursor=cursor, descending=False)


def counters_of_officer(session: Session, agency_code: str | None) -> list[str]:
    """The counters an officer serves: the counter named by their agency code, or every
    counter of their agency."""
    if not agency_code:
        return []
    return list(session.scalars(select(ServiceCounter.code).where(
        (ServiceCounter.code == agency_code) | (ServiceCounter.agency_code == agency_code))))
