"""Agencies over time: which were open on a day, who took over one that ended, and which
successor a dossier goes to (the one serving its unit, else the default)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reference import Agency, AgencySuccessor
from services.calendar.business_days import HANOI
from services.errors import Forbidden
from services.reference.ward_conversion import UnknownUnitCode, default_successor
from services.messages import LazyText, lazy_text

# A chain of takeovers longer than this is a loop in the data.
MAX_TAKEOVERS = 5


def hanoi_day(moment: datetime) -> date:
    """The calendar day in Hanoi: agencies open and close on Hanoi's days."""
    return moment.astimezone(HANOI).date()


def is_open(agency: Agency, day: date) -> bool:
    return (agency.valid_from is None or agency.valid_from <= day) and (agency.valid_to is None or day <= agency.valid_to)


def has_ended(agency: Agency, day: date) -> bool:
    return agency.valid_to is not None and agency.valid_to < day


def successors(session: Session, agency_code: str) -> list[tuple[Agency, bool]]:
    """(successor, is_default) pairs of an agency, by code."""
    rows = session.execute(select(Agency, AgencySuccessor.is_default)
                           .join(AgencySuccessor, AgencySuccessor.successor_code == Agency.code)
                           .where(AgencySuccessor.agency_code == agency_code).order_by(Agency.code))
    return [(agency, is_default) for agency, is_default in rows]


def _as_2025_units(unit_codes: Iterable[str | None]) -> list[str]:
    """Each known unit code, then (for a pre-2025 ward code) the 2025 unit it mostly went to."""
    found = []
    for code in filter(None, unit_codes):
        found.append(code)
        try:
            found.append(default_successor(code))
        except UnknownUnitCode:
            pass
    return found


def successor_for(session: Session, agency: Agency, unit_codes: Iterable[str | None]) -> Agency | None:
    """The one successor of an ended agency for a dossier of these units (receiving unit first,
    then the owner's): the successor serving the first of them, else the default successor."""
    pairs = successors(session, agency.code)
    by_unit = {successor.unit_code: successor for successor, _ in pairs if successor.unit_code}
    for code in _as_2025_units(unit_codes):
        if code in by_unit:
            return by_unit[code]
    return next((successor for successor, is_default in pairs if is_default), pairs[0][0] if pairs else None)


def open_agency(session: Session, agency: Agency, day: date, unit_codes: Iterable[str | None] = ()) -> Agency:
    """`agency`, or if it ended before `day` the successor that took its work over on `day`."""
    units = list(unit_codes)
    for _ in range(MAX_TAKEOVERS):
        if not has_ended(agency, day):
            return agency
        successor = successor_for(session, agency, units)
        if successor is None:
            return agency
        agency = successor
    raise LookupError(f"agency successors loop from {agency.code}")


def taken_over_by(session: Session, agency: Agency) -> tuple[list[dict[str, str]], str | LazyText]:
    """The successors of an agency as `[{code, name}]` (an answer's `successors`), and their
    names as a text names them ("none" if unknown)."""
    found = [{"code": successor.code, "name": successor.name} for successor, _ in successors(session, agency.code)]
    return found, ", ".join(s["name"] for s in found) or lazy_text("units.agency.no_successor")


def check_not_ended(session: Session, agency_code: str, day: date) -> None:
    """403 agency_ended, naming the successor(s), when the agency closed before `day`."""
    agency = session.get(Agency, agency_code)
    if agency is None or not has_ended(agency, day):
        return
    heirs, names = taken_over_by(session, agency)
    raise Forbidden(lazy_text("reference.agency_timeline.agency_ended", name=agency.name, value=agency.valid_to,
                              value2=names), code="agency_ended", successors=heirs)
