"""What a health provider does: write a batch for a patient from its own facility, and read a
patient's summary with consent or, in an emergency, by breaking the glass (always logged).

A provider never learns who is in the population registry: a read without consent answers
403 `consent_required` whether or not the number is known, and a write or an emergency read
needs the patient's date of birth as on the ID card: an unknown number, a wrong date and a
missing date all answer the same 422 `patient_not_matched`."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.health import AccessAction
from models.identity import Account
from models.reference import Resident
from services.context import Context
from services.errors import Forbidden, ValidationFailed
from services.health import records, summaries
from services.health.access_log import record_access
from services.health.batch import Context as BatchContext, parse_batch
from services.health.consents import has_active_consent
from services.health.subjects import actor_of, provider_facility, resident_with_record
from services.identity.national_id import NationalIdHasher
from services.messages import lazy_text
from services.notifications.inbox import notify


PATIENT_NOT_MATCHED = lazy_text("health.provider.patient_not_matched")


def matched_patient(session: Session, national_id: str, date_of_birth: date | None) -> tuple[Resident, int | None]:
    """The patient whose ID number and date of birth (as on the card) both match; one answer
    for an unknown number, a known number with another date, and no date."""
    found = resident_with_record(session, national_id)
    if found is None or date_of_birth is None or found[0].date_of_birth != date_of_birth:
        raise ValidationFailed.on_field("date_of_birth", PATIENT_NOT_MATCHED, "patient_not_matched")
    return found


def write_batch(ctx: Context, national_id: str, raw: dict[str, Any], *,
                date_of_birth: date | None) -> dict[str, Any]:
    """Validate and store a batch; entries already stored (same source_id) are skipped."""
    session, now = ctx.session, ctx.clock.now()
    facility = provider_facility(session, ctx.principal)
    resident, record_id = matched_patient(session, national_id, date_of_birth)
    batch = parse_batch(raw, BatchContext(now=now, born=resident.date_of_birth))
    if record_id is None:
        record_id = records.ensure_records(session, [resident.id])[resident.id]
    heights = records.latest_heights(session, [record_id]).get(record_id, [])
    errors = records.add_derived(batch, heights, resident.date_of_birth)
    if errors:
        raise ValidationFailed(lazy_text("health.provider.some_entries_valid"), errors=errors, code="invalid_health_entry")
    created, skipped = records.store(session, records.rows_for(batch, record_id, facility.code, now))
    if any(created.values()):
        summaries.refresh(session, record_id)
        record_access(session, resident.id, actor_of(session, ctx.principal),
                      resource=f"records ({sum(created.values())})",
                      facility_code=facility.code, purpose="treatment", granted=True, action=AccessAction.WRITE)
    return {"created": created, "skipped_duplicates": skipped}


def _owner_account_ids(session: Session, id_hasher: NationalIdHasher, resident) -> list:
    """Who hears about a break-the-glass read: the person, or the guardian of a child."""
    numbers = [n for n in (resident.national_id, resident.guardian_national_id) if n]
    hashes = [id_hasher(n) for n in numbers]
    return list(session.scalars(select(Account.id).where(Account.national_id_hash.in_(hashes))))


CONSENT_REQUIRED = lazy_text("health.provider.consent_required")
# What the person is told after an emergency read, by whether a consent was active at the time.
EMERGENCY_NOTICE = {
    True: lazy_text("health.emergency_access.body.with_consent"),
    False: lazy_text("health.emergency_access.body.without_consent"),
}


def _patient_or_consent_required(session: Session, national_id: str, date_of_birth: date | None,
                                 emergency: bool) -> tuple[Resident, int | None]:
    """Without an emergency, someone not in the registry answers exactly like a patient who gave
    no consent; in an emergency, like a known number with another date of birth."""
    if emergency:
        return matched_patient(session, national_id, date_of_birth)
    found = resident_with_record(session, national_id)
    if found is None:
        raise Forbidden(CONSENT_REQUIRED, code="consent_required")
    return found


def read_summary(ctx: Context, national_id: str, *, purpose: str, emergency_reason: str | None,
                 date_of_birth: date | None = None) -> dict[str, Any]:
    session, principal = ctx.session, ctx.principal
    facility = provider_facility(session, principal)
    emergency_reason = (emergency_reason or "").strip() or None
    resident, record_id = _patient_or_consent_required(session, national_id, date_of_birth,
                                                       emergency_reason is not None)
    staff = actor_of(session, principal)
    consented = has_active_consent(session, resident.id, facility.code)
    allowed = emergency_reason is not None or consented
    record_access(session, resident.id, staff, resource="summary", facility_code=facility.code,
                  purpose="emergency" if emergency_reason else purpose, granted=allowed,
                  emergency_reason=emergency_reason)
    if not allowed:
        raise Forbidden(CONSENT_REQUIRED, code="consent_required", keep_changes=True)
    if emergency_reason:
        body = EMERGENCY_NOTICE[consented].filled(facility=facility.name, name=resident.full_name,
                                                  reason=emergency_reason)
        for account_id in _owner_account_ids(session, ctx.id_hasher, resident):
            notify(session, account_id, kind="health_emergency_access",
                   title=lazy_text("health.emergency_access.title"), body=body, reference=f"health-access:{resident.id}")
    return {**summaries.read(session, resident, record_id, for_staff=True).body, "facility_code": facility.code,
            "emergency": emergency_reason is not None}
