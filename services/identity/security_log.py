"""The account's security log: sign-ins, new devices, level changes, recoveries.

Written by `record` in the caller's transaction (with the event it describes); read by the
citizen at GET /me/security-events, newest first.
"""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.identity import AuthSession, SecurityEvent, SecurityEventKind
from services.clock import clock
from services.context import Context
from services.identity.preferences import language_of
from services.messages import LazyText, translate
from services.pagination import Page, paginate


def record(session: Session, account_id: uuid.UUID, kind: SecurityEventKind, *,
           detail: str | LazyText | None = None, device_name: str | None = None,
           actor_account_id: uuid.UUID | None = None) -> SecurityEvent:
    """A security log entry; a catalogue text is written in the account's language."""
    if isinstance(detail, LazyText):
        detail = translate(language_of(session, account_id), detail)
    event = SecurityEvent(account_id=account_id, kind=kind, detail=detail, device_name=device_name,
                          actor_account_id=actor_account_id, created_at=clock.now())
    session.add(event)
    return event


def signed_in(session: Session, account_id: uuid.UUID, device_name: str | None, how: str) -> None:
    """A sign-in, and a new device when no earlier session of the account had its name.
    Call it before the new session is added."""
    seen = device_name is None or session.scalar(select(AuthSession.id).where(
        AuthSession.account_id == account_id, AuthSession.device_name == device_name).limit(1)) is not None
    record(session, account_id, SecurityEventKind.SIGN_IN, device_name=device_name, detail=how)
    if not seen:
        record(session, account_id, SecurityEventKind.NEW_DEVICE, device_name=device_name, detail=how)


def own_events(ctx: Context, *, limit: int, cursor: str | None) -> Page[SecurityEvent]:
    stmt = select(SecurityEvent).where(SecurityEvent.account_id == ctx.principal.account_id)
    return paginate(ctx.session, stmt, [SecurityEvent.created_at, SecurityEvent.id], limit=limit, cursor=cursor)
