"""A resident's consent to let one facility read the record.

Consent is explicit, recorded and withdrawable: every grant and every revocation is a new
numbered version (who, for whom, which facility, when, until when, from which session);
versions are never changed, so what was consented to at any moment can be proven.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.health import ConsentAction, ConsentStatus, Facility, HealthConsent
from services.clock import clock
from services.errors import Conflict, NotFound, ValidationFailed
from services.health.subjects import Subject
from services.identity.principal import Principal
from services.messages import lazy_text

MAX_DURATION = timedelta(days=5 * 366)


def versions(session: Session, resident_id: int, facility_code: str) -> list[HealthConsent]:
    """Newest first."""
    return list(session.scalars(select(HealthConsent).where(
        HealthConsent.resident_id == resident_id, HealthConsent.facility_code == facility_code)
        .order_by(HealthConsent.version.desc())))


def status_of(version: HealthConsent | None, now: datetime) -> ConsentStatus:
    if version is None or version.action == ConsentAction.REVOKE:
        return ConsentStatus.REVOKED if version else ConsentStatus.NONE
    if version.expires_at is not None and version.expires_at <= now:
        return ConsentStatus.EXPIRED
    return ConsentStatus.ACTIVE


def has_active_consent(session: Session, resident_id: int, facility_code: str) -> bool:
    latest = session.scalars(select(HealthConsent).where(
        HealthConsent.resident_id == resident_id, HealthConsent.facility_code == facility_code)
        .order_by(HealthConsent.version.desc()).limit(1)).first()
    return status_of(latest, clock.now()) == ConsentStatus.ACTIVE


def _facility(session: Session, facility_code: str) -> Facility:
    facility = session.get(Facility, facility_code)
    if facility is None:
        raise NotFound(lazy_text("health.consents.no_such_facility_catalogue"), code="facility_not_found")
    return facility


def _view(facility: Facility, history: list[HealthConsent]) -> dict[str, Any]:
    latest = history[0]
    return {"facility_code": facility.code, "facility_name": facility.name,
            "status": status_of(latest, clock.now()), "version": latest.version,
            "expires_at": latest.expires_at if latest.action == ConsentAction.GRANT else None,
            "updated_at": latest.recorded_at,
            "history": [{"version": v.version, "action": v.action, "expires_at": v.expires_at,
                         "recorded_at": v.recorded_at, "channel": v.channel}
                        for v in history]}


def read_consent(session: Session, subject: Subject, facility_code: str) -> dict[str, Any]:
    facility = _facility(session, facility_code)
    history = versions(session, subject.resident.id, facility_code)
    if not history:
        raise NotFound(lazy_text("health.consents.facility_never_been_given"), code="consent_not_found")
    return _view(facility, history)


def _append(session: Session, subject: Subject, principal: Principal, facility_code: str, action: ConsentAction,
            expires_at: datetime | None, previous: HealthConsent | None) -> None:
    entry = HealthConsent(resident_id=subject.resident.id, facility_code=facility_code,
                          version=(previous.version if previous else 0) + 1, action=action,
                          expires_at=expires_at, recorded_at=clock.now(), recorded_by=subject.actor.id,
                          channel="app", session_id=principal.session_id)
    try:
        with session.begin_nested():
            session.add(entry)
    except IntegrityError:
        raise Conflict(lazy_text("health.consents.consent_changed_same_moment"),
                       code="consent_changed") from None


def grant(session: Session, subject: Subject, principal: Principal, facility_code: str,
          expires_at: datetime | None) -> dict[str, Any]:
    """Grant (or renew) read access; granting what is already granted adds no version."""
    facility = _facility(session, facility_code)
    now = clock.now()
    if expires_at is not None and not now < expires_at <= now + MAX_DURATION:
        raise ValidationFailed.on_field("expires_at", lazy_text("health.consents.must_future_most_5"),
                                        "invalid_expiry")
    history = versions(session, subject.resident.id, facility_code)
    latest = history[0] if history else None
    if not (status_of(latest, now) == ConsentStatus.ACTIVE and latest.expires_at == expires_at):
        _append(session, subject, principal, facility_code, ConsentAction.GRANT, expires_at, latest)
        history = versions(session, subject.resident.id, facility_code)
    return _view(facility, history)


def revoke(session: Session, subject: Subject, principal: Principal, facility_code: str) -> None:
    """Withdraw consent at once: the next read by the facility is refused."""
    _facility(session, facility_code)
    history = versions(session, subject.resident.id, facility_code)
    if not history or history[0].action != ConsentAction.GRANT:
        raise NotFound(lazy_text("health.consents.facility_no_consent_withdraw"), code="consent_not_found")
    _append(session, subject, principal, facility_code, ConsentAction.REVOKE, None, history[0])
