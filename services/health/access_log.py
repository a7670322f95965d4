"""The access log: every read of a record by someone other than its owner or guardian,
granted or denied, and every write by a provider. Entries are only ever added; nothing in the API changes or deletes them."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.health import AccessAction, AccessOutcome, HealthAccessLog
from models.identity import Account, Role
from services.clock import clock
from services.health.facilities import facility_names
from services.pagination import Page, paginate


def record_access(session: Session, resident_id: int, accessor: Account, *, resource: str, purpose: str,
                  granted: bool, facility_code: str | None = None, emergency_reason: str | None = None,
                  action: AccessAction = AccessAction.READ) -> HealthAccessLog:
    staff = accessor.role != Role.CITIZEN
    entry = HealthAccessLog(
        resident_id=resident_id, accessed_at=clock.now(), accessor_account_id=accessor.id,
        accessor_role=accessor.role, accessor_name=accessor.full_name if staff else None,
        facility_code=facility_code, purpose=purpose, resource=resource,
        emergency=emergency_reason is not None, emergency_reason=emergency_reason,
        outcome=AccessOutcome.GRANTED if granted else AccessOutcome.DENIED, action=action)
    session.add(entry)
    session.flush()
    return entry


def list_access(session: Session, resident_id: int, *, limit: int, cursor: str | None) -> Page:
    """Newest first, with the facility's name."""
    stmt = select(HealthAccessLog).where(HealthAccessLog.resident_id == resident_id)
    page = paginate(session, stmt, [HealthAccessLog.accessed_at, HealthAccessLog.id], limit=limit, cursor=cursor)
    names = facility_names(session, {e.facility_code for e in page.items if e.facility_code})
    items = [{"id": e.id, "accessed_at": e.accessed_at, "accessor_role": e.accessor_role,
              "accessor_name": e.accessor_name, "facility_code": e.facility_code,
              "facility_name": names.get(e.facility_code), "purpose": e.purpose, "resource": e.resource,
              "emergency": e.emergency, "emergency_reason": e.emergency_reason, "outcome": e.outcome,
              "action": e.action}
             for e in page.items]
    return Page(items, page.next_cursor)

