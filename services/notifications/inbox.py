"""Writing to and reading the inbox, and registering devices for push."""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.notifications import Device, Notification, PushStatus
from services.clock import clock
from services.context import Context
from services.errors import NotFound
from services.identity.preferences import language_of
from services.messages import LazyText, translate
from services.pagination import Page, paginate
from services.messages import lazy_text

PLATFORMS = ("android", "ios")


def notify(session: Session, account_id: uuid.UUID, *, kind: str, title: LazyText,
           body: LazyText | Sequence[LazyText | str], reference: str | None = None) -> Notification:
    """Add an inbox entry in the caller's transaction, written in the recipient's language (no
    request is there to ask); push delivery sends the same texts later. A body given as lines
    joins them, texts of the catalogue and the person's own words (a note, a name) alike."""
    now = clock.now()
    language = language_of(session, account_id)
    entry = Notification(account_id=account_id, kind=kind, title=translate(language, title)[:200],
                         body=_body(language, body),
                         reference=reference, created_at=now, push_status=PushStatus.PENDING,
                         push_attempts=0, push_next_attempt_at=now)
    session.add(entry)
    return entry


def _body(language: str, body: LazyText | Sequence[LazyText | str]) -> str:
    lines = [body] if isinstance(body, LazyText) else body
    return "\n".join(translate(language, line) if isinstance(line, LazyText) else line
                     for line in lines if line)


@dataclass
class InboxPage:
    page: Page[Notification]
    unread: int


def list_inbox(ctx: Context, *, limit: int, cursor: str | None, unread_only: bool = False) -> InboxPage:
    """The caller's inbox, newest first, with the number of unread entries."""
    session, account_id = ctx.session, ctx.principal.account_id
    stmt = select(Notification).where(Notification.account_id == account_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    page = paginate(session, stmt, [Notification.created_at, Notification.id], limit=limit, cursor=cursor)
    unread = session.scalar(select(func.count()).select_from(Notification).where(
        Notification.account_id == account_id, Notification.read_at.is_(None)))
    return InboxPage(page, unread or 0)


def mark_read(ctx: Context, notification_id: uuid.UUID) -> Notification:
    entry = ctx.session.scalar(select(Notification).where(Notification.public_id == notification_id))
    if entry is None or entry.account_id != ctx.principal.account_id:
        raise NotFound(lazy_text("notifications.inbox.no_such_notification"))
    entry.read_at = entry.read_at or ctx.clock.now()
    return entry


def register_device(ctx: Context, *, platform: str, push_token: str) -> Device:
    """The caller's phone, for push, until the session that registered it ends."""
    return save_device(ctx.session, ctx.principal.account_id, platform, push_token,
                       session_id=ctx.principal.session_id)


def save_device(session: Session, account_id: uuid.UUID, platform: str, push_token: str,
                session_id: uuid.UUID | None = None) -> Device:
    """Idempotent per token: a token moved to another account follows the newest sign-in."""
    device = session.scalar(select(Device).where(Device.push_token == push_token))
    if device is None:
        device = Device(account_id=account_id, platform=platform, push_token=push_token,
                        registered_at=clock.now(), session_id=session_id)
        session.add(device)
    else:
        device.account_id, device.platform, device.registered_at = account_id, platform, clock.now()
        device.session_id = session_id
    session.flush()
    return device
