"""Catalogues: certificate-authority providers and the one-stop counters that check identity.
A counter is open while its agency is: the counters of the district committees closed with
them on 2025-06-30 and are neither listed nor bookable after that."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.reference import Agency
from models.signatures import ServiceCounter, SignatureProvider
from services.bulk import upsert
from services.context import Context
from services.errors import ValidationFailed
from services.messages import lazy_text
from services.pagination import Page, paginate
from services.reference import fields
from services.reference.agency_timeline import has_ended, hanoi_day, taken_over_by

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
    """The counters open today (their agency has not ended), by code."""
    session = ctx.session
    stmt = (select(ServiceCounter).join(Agency, Agency.code == ServiceCounter.agency_code)
            .where(or_(Agency.valid_to.is_(None), Agency.valid_to >= hanoi_day(ctx.clock.now()))))
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


def check_counter_open(session: Session, counter: ServiceCounter, day: date) -> None:
    """422 `counter_closed` on `counter_code` when the counter's agency ended before `day`,
    naming the agencies that took its work over and their counters."""
    agency = session.get(Agency, counter.agency_code)
    if not has_ended(agency, day):
        return
    heirs, names = taken_over_by(session, agency)
    their_counters = list(session.scalars(select(ServiceCounter.code).where(
        ServiceCounter.agency_code.in_([heir["code"] for heir in heirs])).order_by(ServiceCounter.code)))
    message = lazy_text("signatures.counters.closed", counter=counter.code, agency=agency.name,
                        ended=agency.valid_to, successors=names)
    raise ValidationFailed(message, errors={"counter_code": [message]}, code="counter_closed",
                           successors=heirs, successor_counters=their_counters)
