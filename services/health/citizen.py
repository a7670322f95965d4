"""What a citizen does with their own record, or a guardian with a child's: each function
first settles whose record it is (services.health.subjects.own_or_ward), then acts."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from services.health import access_log, consents, corrections, fhir, reading
from services.health.subjects import own_or_ward
from services.identity.principal import Principal
from services.pagination import Page


def summary(session: Session, principal: Principal, subject: str | None) -> dict[str, Any]:
    who = own_or_ward(session, principal, subject)
    return reading.summary(session, who.resident, who.record_id)


def observations(session: Session, principal: Principal, *, subject: str | None, limit: int, cursor: str | None,
                 code: str | None = None, from_: datetime | None = None, to: datetime | None = None) -> Page:
    return reading.list_observations(session, own_or_ward(session, principal, subject), limit=limit,
                                     cursor=cursor, code=code, from_=from_, to=to)


def encounters(session: Session, principal: Principal, *, subject: str | None, limit: int,
               cursor: str | None) -> Page:
    return reading.list_encounters(session, own_or_ward(session, principal, subject), limit=limit, cursor=cursor)


def immunizations(session: Session, principal: Principal, *, subject: str | None, limit: int,
                  cursor: str | None) -> Page:
    return reading.list_immunizations(session, own_or_ward(session, principal, subject), limit=limit,
                                      cursor=cursor)


def entry(session: Session, principal: Principal, subject: str | None, resource_type: str,
          entry_id: int) -> dict[str, Any]:
    return reading.one_entry(session, own_or_ward(session, principal, subject), resource_type, entry_id)


def fhir_bundle(session: Session, principal: Principal, subject: str | None) -> dict[str, Any]:
    return fhir.bundle(session, own_or_ward(session, principal, subject))


def access_entries(session: Session, principal: Principal, *, subject: str | None, limit: int,
                   cursor: str | None) -> Page:
    who = own_or_ward(session, principal, subject)
    return access_log.list_access(session, who.resident.id, limit=limit, cursor=cursor)


def read_consent(session: Session, principal: Principal, subject: str | None, facility_code: str) -> dict[str, Any]:
    return consents.read_consent(session, own_or_ward(session, principal, subject), facility_code)


def grant_consent(session: Session, principal: Principal, subject: str | None, facility_code: str,
                  expires_at: datetime | None) -> dict[str, Any]:
    return consents.grant(session, own_or_ward(session, principal, subject), principal, facility_code, expires_at)


def revoke_consent(session: Session, principal: Principal, subject: str | None, facility_code: str) -> None:
    consents.revoke(session, own_or_ward(session, principal, subject), principal, facility_code)


def request_correction(session: Session, principal: Principal, subject: str | None, *, resource_type: str,
                       resource_id: int, reason: str) -> dict[str, Any]:
    return corrections.open_request(session, own_or_ward(session, principal, subject), resource_type,
                                    resource_id, reason)


def correction_requests(session: Session, principal: Principal, *, subject: str | None, limit: int,
                        cursor: str | None) -> Page:
    return corrections.list_for_subject(session, own_or_ward(session, principal, subject), limit=limit,
                                        cursor=cursor)
