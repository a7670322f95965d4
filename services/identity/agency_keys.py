"""API keys for agency systems: shown once, stored as a hash, bound to one agency, valid for
AGENCY_KEY_TTL_DAYS from their creation, revocable by their prefix."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.identity import AgencyApiKey, PrincipalKind
from models.reference import Agency
from services.clock import clock
from services.context import Context
from services.errors import NotFound, Unauthenticated
from services.identity.principal import AGENCY_SYSTEM, Principal
from services.messages import lazy_text


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_agency_key(session: Session, agency_code: str) -> str:
    if session.get(Agency, agency_code) is None:
        raise NotFound(lazy_text("identity.agency_keys.no_agency_agency_code", agency_code=repr(agency_code)))
    prefix = secrets.token_hex(4)
    key = f"ak_{prefix}_{secrets.token_urlsafe(32)}"
    session.add(AgencyApiKey(agency_code=agency_code, key_hash=_digest(key), prefix=prefix,
                             created_at=clock.now()))
    return key


def expires_at(key: AgencyApiKey, ttl_days: int) -> datetime:
    return key.created_at + timedelta(days=ttl_days)


def authenticate_agency_key(session: Session, key: str, *, ttl_days: int) -> Principal:
    """The agency system holding `key`; an unknown, revoked or expired key gets one answer."""
    stored = session.scalar(select(AgencyApiKey).where(AgencyApiKey.key_hash == _digest(key),
                                                       AgencyApiKey.revoked_at.is_(None)))
    if stored is None or expires_at(stored, ttl_days) <= clock.now():
        raise Unauthenticated(lazy_text("identity.agency_keys.unknown_revoked_expired_api"), code="invalid_api_key")
    return Principal(kind=PrincipalKind.AGENCY_KEY, roles=(AGENCY_SYSTEM,), agency_code=stored.agency_code)


@dataclass(frozen=True)
class KeyListing:
    prefix: str
    agency_code: str
    created_at: datetime
    expires_at: datetime
    status: str  # active, expired or revoked


def list_keys(ctx: Context, agency_code: str | None = None) -> list[KeyListing]:
    """Every key (of one agency), oldest first, with its status now."""
    stmt = select(AgencyApiKey).order_by(AgencyApiKey.created_at, AgencyApiKey.id)
    if agency_code:
        stmt = stmt.where(AgencyApiKey.agency_code == agency_code)
    now, ttl = ctx.clock.now(), ctx.settings.agency_key_ttl_days
    return [KeyListing(key.prefix, key.agency_code, key.created_at, expires_at(key, ttl),
                       "revoked" if key.revoked_at else "expired" if expires_at(key, ttl) <= now else "active")
            for key in ctx.session.scalars(stmt)]


def revoke_key(ctx: Context, prefix: str) -> AgencyApiKey:
    """Revoke the key shown as `ak_<prefix>_...`; revoking it again changes nothing."""
    key = ctx.session.scalar(select(AgencyApiKey).where(AgencyApiKey.prefix == prefix.removeprefix("ak_")))
    if key is None:
        raise NotFound(lazy_text("identity.agency_keys.no_api_key_prefix", prefix=repr(prefix)))
    key.revoked_at = key.revoked_at or ctx.clock.now()
    return key
