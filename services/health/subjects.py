"""Whose record a request is about: the signed-in citizen, a child in their care, or a
provider's patient; and who is asking (for the access log)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.health import Facility, HealthRecord
from models.identity import Account, AccountStatus
from models.reference import Resident
from services.calendar.business_days import HANOI
from services.context import Context
from services.errors import Forbidden, NotFound, Unauthenticated
from services.identity.principal import Principal
from services.messages import lazy_text

GUARDIAN_UNTIL_AGE = 14  # children under 14 have no account; a guardian reads for them


@dataclass(frozen=True)
class Subject:
    """The person whose record is read, and the account reading it."""

    resident: Resident
    record_id: int | None
    actor: Account
    via_guardian: bool = False


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def resident_with_record(session: Session, national_id: str) -> tuple[Resident, int | None] | None:
    row = session.execute(select(Resident, HealthRecord.id)
                          .outerjoin(HealthRecord, HealthRecord.resident_id == Resident.id)
                          .where(Resident.national_id == national_id)).first()
    return (row[0], row[1]) if row else None


def actor_of(session: Session, principal: Principal) -> Account:
    account = session.get(Account, principal.account_id)
    if account is None or account.status != AccountStatus.ACTIVE:
        raise Unauthenticated(lazy_text("health.subjects.account_active"), code="account_inactive")
    return account


def own_or_ward(ctx: Context, subject: str | None) -> Subject:
    """The signed-in citizen's own record, or (with `subject`) that of a child in their care.

    Anyone who is not the registered guardian of a child under 14 gets the same 403,
    whether or not the number exists.
    """
    session, principal = ctx.session, ctx.principal
    row = session.execute(select(Account, Resident, HealthRecord.id)
                          .outerjoin(Resident, Resident.national_id == Account.national_id)
                          .outerjoin(HealthRecord, HealthRecord.resident_id == Resident.id)
                          .where(Account.id == principal.account_id)).first()
    if row is None or row[0].status != AccountStatus.ACTIVE:
        raise Unauthenticated(lazy_text("health.subjects.account_active"), code="account_inactive")
    actor, own, own_record = row
    if subject is None or subject == actor.national_id:
        if own is None:
            raise NotFound(lazy_text("health.subjects.account_no_entry_population"), code="not_in_registry")
        return Subject(own, own_record, actor)
    found = resident_with_record(session, subject)
    today = ctx.clock.now().astimezone(HANOI).date()
    if (found is None or found[0].guardian_national_id != actor.national_id
            or age_on(found[0].date_of_birth, today) >= GUARDIAN_UNTIL_AGE):
        raise Forbidden(lazy_text("health.subjects.only_registered_guardian_child"),
                        code="not_guardian")
    return Subject(found[0], found[1], actor, via_guardian=True)


def provider_facility(session: Session, principal: Principal) -> Facility:
    """The facility a health provider belongs to; it must be in the catalogue."""
    facility = session.get(Facility, principal.facility_code) if principal.facility_code else None
    if facility is None:
        raise Forbidden(lazy_text("health.subjects.account_s_facility_facility"), code="unknown_facility")
    return facility
