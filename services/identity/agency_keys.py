"""API keys for agency systems: shown once, stored as a hash, bound to one agency."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.identity import AgencyApiKey, PrincipalKind
from models.reference import Agency
from services.clock import clock
from services.errors import NotFound, Unauthenticated
from services.identity.principal import AGENCY_SYSTEM, Principal


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_agency_key(session: Session, agency_code: str) -> str:
    if session.get(Agency, agency_code) is None:
        raise NotFound(f"No agency {agency_code!r}.")
    prefix = secrets.token_hex(4)
    key = f"ak_{prefix}_{secrets.token_urlsafe(32)}"
    session.add(AgencyApiKey(agency_code=agency_code, key_hash=_digest(key), prefix=prefix,
                             created_at=clock.now()))
    return key


def authenticate_agency_key(session: Session, key: str) -> Principal:
    stored = session.scalar(select(AgencyApiKey).where(AgencyApiKey.key_hash == _digest(key),
                                                       AgencyApiKey.revoked_at.is_(None)))
    if stored is None:
        raise Unauthenticated("Unknown or revoked API key.", code="invalid_api_key")
    return Principal(kind=PrincipalKind.AGENCY_KEY, roles=(AGENCY_SYSTEM,), agency_code=stored.agency_code)
