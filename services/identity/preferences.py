"""An account's preferences, read where no request is there to ask (notifications, texts, logs)."""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.identity import Account
from services.messages import DEFAULT_LANGUAGE


def language_of(session: Session, account_id: uuid.UUID | None) -> str:
    """An account's preference (Vietnamese for an unknown account, or none)."""
    language = session.scalar(select(Account.language).where(Account.id == account_id)) if account_id else None
    return language or DEFAULT_LANGUAGE
