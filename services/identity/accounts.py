"""Accounts: the signed-in person, staff created by the CLI, locking, the in-person check."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.data_access import DataArea
from models.identity import (Account, AccountStatus, AssuranceSource, IdentityVerification, Language, Role,
                             SecurityEventKind)
from models.reference import Resident
from services.clock import clock
from services.context import Context
from services.data_access import tracker
from services.data_access.bindings import StaffAction, check_bound
from services.errors import Conflict, NotFound, Unauthenticated, ValidationFailed
from services.identity import national_id as cccd
from services.identity import security_log
from services.identity.passwords import Passwords
from services.identity.sessions import SignIn
from services.messages import lazy_text

# Plain strings (not members) so click and error messages show the stored values.
STAFF_ROLES = tuple(role.value for role in Role if role != Role.CITIZEN)
VERIFICATION_METHODS = ("in_person", "chip")


def current_account(ctx: Context) -> Account:
    """The caller's account, while it is active."""
    return _active(ctx.session.get(Account, ctx.principal.account_id))


def _active(account: Account | None) -> Account:
    if account is None or account.status != AccountStatus.ACTIVE:
        raise Unauthenticated(lazy_text("identity.accounts.account_active"), code="account_inactive")
    return account


@dataclass(frozen=True)
class Profile:
    """The signed-in account as /me shows it: the account, and the ward or commune (2025 code)
    the registry has the person in today."""

    account: Account
    unit_code: str | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.account, name)


def profile(ctx: Context) -> Profile:
    """One round trip: the account and the registry's unit of the person, joined."""
    found = ctx.session.execute(
        select(Account, Resident.unit_code).outerjoin(Resident, Resident.national_id == Account.national_id)
        .where(Account.id == ctx.principal.account_id)).first()
    return Profile(_active(found.Account if found else None), found.unit_code)


def set_language(ctx: Context, language: Language) -> Profile:
    """The language the caller's notifications and texts are written in, and its answers without
    Accept-Language."""
    current_account(ctx).language = language
    return profile(ctx)


def find_account(session: Session, id_hasher: cccd.NationalIdHasher, national_id: str) -> Account | None:
    return session.scalar(select(Account).where(Account.national_id_hash == id_hasher(national_id)))


def create_staff(ctx: Context, passwords: Passwords, *, role: str, national_id: str, full_name: str,
                 password: str, agency_code: str | None = None, facility_code: str | None = None) -> Account:
    if role not in STAFF_ROLES:
        raise ValidationFailed.on_field("role", lazy_text("identity.accounts.one_items_s", items=', '.join(STAFF_ROLES)))
    cccd.check(national_id, None)
    if role == Role.OFFICER and not agency_code:
        raise ValidationFailed.on_field("agency_code", lazy_text("identity.accounts.officer_belongs_agency_counter"))
    if role == Role.HEALTH_PROVIDER and not facility_code:
        raise ValidationFailed.on_field("facility_code", lazy_text("identity.accounts.health_provider_belongs_facility"))
    Passwords.check_policy(password, national_id)
    session, id_hasher = ctx.session, ctx.id_hasher
    if find_account(session, id_hasher, national_id) is not None:
        raise Conflict(lazy_text("identity.accounts.account_already_exists_id"), code="already_registered")
    account = Account(national_id_hash=id_hasher(national_id), national_id=national_id,
                      full_name=full_name, password_hash=passwords.hash(password), role=Role(role),
                      assurance_level=2, assurance_source=AssuranceSource.STAFF,
                      agency_code=agency_code, facility_code=facility_code,
                      status=AccountStatus.ACTIVE, created_at=ctx.clock.now())
    session.add(account)
    session.flush()
    return account


def lock_account(ctx: Context, sign_in: SignIn, national_id: str, reason: str = "locked") -> int:
    """Lock the account and end every session; returns how many sessions were ended."""
    account = find_account(ctx.session, ctx.id_hasher, national_id)
    if account is None:
        raise NotFound(lazy_text("identity.accounts.no_account_id_number"))
    account.status = AccountStatus.LOCKED
    account.locked_at = ctx.clock.now()
    return sign_in.end_all(ctx.session, account.id, reason)


def raise_assurance(session: Session, account: Account, *, officer_id: uuid.UUID | None,
                    agency_code: str | None, method: str = "in_person") -> IdentityVerification:
    """Record an in-person (or chip) check and raise the account to level 2."""
    if method not in VERIFICATION_METHODS:
        raise ValidationFailed.on_field("method", lazy_text("identity.accounts.one_items_s", items=', '.join(VERIFICATION_METHODS)))
    if account.assurance_level < 2:
        security_log.record(session, account.id, SecurityEventKind.LEVEL_CHANGED,
                            detail=lazy_text("identity.accounts.level_raised_at_counter", assurance_level=account.assurance_level), actor_account_id=officer_id)
    account.assurance_level, account.assurance_source = 2, AssuranceSource.COUNTER
    check = IdentityVerification(account_id=account.id, officer_id=officer_id, method=method,
                                 agency_code=agency_code, verified_at=clock.now())
    session.add(check)
    return check


def verify_in_person(ctx: Context, national_id: str, method: str) -> Account:
    """An officer of a one-stop counter checked the citizen in person: assurance level 2.
    The raise is written to the citizen's data-access log."""
    session, officer = ctx.session, ctx.principal
    check_bound(ctx, StaffAction.RAISE_LEVEL)
    account = find_account(session, ctx.id_hasher, national_id)
    if account is None or account.role != Role.CITIZEN:
        raise NotFound(lazy_text("identity.accounts.no_citizen_account_id"))
    raise_assurance(session, account, officer_id=officer.account_id,
                    agency_code=officer.agency_code, method=method)
    tracker.record(ctx, national_id, DataArea.IDENTITY, "level_raised", f"level 2 ({method})")
    return account
