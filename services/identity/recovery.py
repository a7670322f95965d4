"""Taking an account back: by a level-2 e-ID sign-in, or by an officer after an in-person check.

Every old session ends, the password that was set at sign-up stops working (whoever set it
may not be the owner), the phone becomes the one proven now, the citizen gets an inbox notice,
and the security log keeps the event. An officer's recovery is bound like a level raise (an
open agency that runs a one-stop counter, services/data_access/bindings.py) and is written to
the citizen's data tracker.
"""
from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from models.data_access import DataArea
from models.identity import Account, AssuranceSource, Role, SecurityEventKind
from services.context import Context
from services.data_access import tracker
from services.data_access.bindings import StaffAction, check_bound
from services.errors import NotFound
from services.identity import accounts, security_log
from services.identity.phones import mask_phone, normalize_phone
from services.identity.sessions import SignIn
from services.messages import lazy_text
from services.notifications.inbox import notify

UNUSABLE_PASSWORD = "!"  # no Argon2 hash: every password check fails


def take_over(session: Session, sign_in: SignIn, account: Account, phone: str, *, how: str,
              officer_id: uuid.UUID | None = None) -> int:
    """Hand `account` to the person who proved it is theirs; the sessions it ended."""
    ended = sign_in.end_all(session, account.id, "account_recovered")
    account.phone, account.password_hash = phone, UNUSABLE_PASSWORD
    notify(session, account.id, kind="account_recovered",
           title=lazy_text("account.recovered.title"),
           body=lazy_text("account.recovered.body", phone=mask_phone(phone)))
    security_log.record(session, account.id, SecurityEventKind.RECOVERED, actor_account_id=officer_id,
                        detail=lazy_text("identity.recovery.recovered", how=how, ended=ended, phone=mask_phone(phone)))
    return ended


def raise_level(session: Session, account: Account, level: int, source: AssuranceSource) -> None:
    """The higher of the account's level and `level`, remembering where a rise came from."""
    if level <= account.assurance_level:
        return
    before = account.assurance_level
    account.assurance_level, account.assurance_source = level, source
    security_log.record(session, account.id, SecurityEventKind.LEVEL_CHANGED,
                        detail=f"{before} -> {level} ({source.value})")


def recover_at_counter(ctx: Context, sign_in: SignIn, national_id: str, phone: str) -> Account:
    """POST /officer/accounts/recover: the officer checked the citizen and their phone in person."""
    check_bound(ctx, StaffAction.RAISE_LEVEL)
    account = accounts.find_account(ctx.session, ctx.id_hasher, national_id)
    if account is None or account.role != Role.CITIZEN:
        raise NotFound(lazy_text("identity.recovery.no_citizen_account_id"))
    phone = normalize_phone(phone)
    officer = ctx.principal
    take_over(ctx.session, sign_in, account, phone, how="counter", officer_id=officer.account_id)
    accounts.raise_assurance(ctx.session, account, officer_id=officer.account_id,
                             agency_code=officer.agency_code)
    tracker.record(ctx, national_id, DataArea.IDENTITY, "account_recovered", "level 2 (in_person)")
    return account
