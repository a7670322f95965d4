"""Sign-in, refresh-token rotation with reuse detection, logout and the list of devices."""
from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from models.identity import Account, AccountStatus, AuthSession, RefreshToken
from models.notifications import Device
from services.clock import clock
from services.context import Context
from services.errors import Forbidden, NotFound, Unauthenticated
from services.identity import security_log
from services.identity.national_id import NationalIdHasher
from services.identity.passwords import Passwords
from services.identity.throttle import SignInThrottle
from services.identity.tokens import AccessTokens
from services.pagination import Page, paginate
from services.messages import lazy_text


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: uuid.UUID
    token_type: str = "Bearer"


def _hash_refresh(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def revoked_within(session: Session, seconds: int) -> list[tuple[uuid.UUID, int]]:
    """Sessions revoked in the last `seconds`, with the seconds their access tokens may still live."""
    now = clock.now()
    rows = session.execute(select(AuthSession.id, AuthSession.revoked_at).where(
        AuthSession.revoked_at > now - timedelta(seconds=seconds)))
    return [(session_id, int((revoked_at - now).total_seconds()) + seconds) for session_id, revoked_at in rows]


class SignIn:
    def __init__(self, tokens: AccessTokens, passwords: Passwords, id_hasher: NationalIdHasher,
                 throttle: SignInThrottle, refresh_ttl: timedelta) -> None:
        self.tokens = tokens
        self._passwords = passwords
        self._id_hasher = id_hasher
        self._throttle = throttle
        self._refresh_ttl = refresh_ttl

    def sign_in(self, ctx: Context, national_id: str, password: str,
                device_name: str | None) -> TokenPair:
        session, subject = ctx.session, self._id_hasher(national_id)
        self._throttle.check(subject)
        account = session.scalar(select(Account).where(Account.national_id_hash == subject))
        if not self._passwords.verify(account.password_hash if account else None, password):
            self._throttle.record_failure(subject)
            raise Unauthenticated(lazy_text("identity.sessions.id_number_password_wrong"), code="invalid_credentials")
        if account.status != AccountStatus.ACTIVE:
            raise Forbidden(lazy_text("identity.sessions.account_locked"), code="account_locked")
        self._throttle.reset(subject)
        security_log.signed_in(session, account.id, device_name, "password")
        return self.open_session(session, account, device_name)

    def open_session(self, session: Session, account: Account, device_name: str | None) -> TokenPair:
        now = clock.now()
        auth_session = AuthSession(account_id=account.id, device_name=device_name, created_at=now,
                                   last_used_at=now, expires_at=now + self._refresh_ttl)
        session.add(auth_session)
        session.flush()
        return self._pair(session, account, auth_session)

    def _pair(self, session: Session, account: Account, auth_session: AuthSession) -> TokenPair:
        refresh = secrets.token_urlsafe(32)
        session.add(RefreshToken(session_id=auth_session.id, token_hash=_hash_refresh(refresh),
                                 issued_at=clock.now()))
        access = self.tokens.issue(
            subject=account.id, session_id=auth_session.id, roles=[account.role],
            assurance_level=account.assurance_level, agency_code=account.agency_code,
            facility_code=account.facility_code, district_code=account.district_code)
        return TokenPair(access.token, refresh, access.expires_in, auth_session.id)

    def refresh(self, ctx: Context, refresh_token: str) -> TokenPair:
        session = ctx.session
        stored = session.scalar(select(RefreshToken).where(
            RefreshToken.token_hash == _hash_refresh(refresh_token)))
        if stored is None:
            raise Unauthenticated(lazy_text("identity.sessions.unknown_refresh_token"), code="invalid_refresh_token")
        auth_session = session.get(AuthSession, stored.session_id)
        now = ctx.clock.now()
        if auth_session.revoked_at is not None or auth_session.expires_at <= now:
            raise Unauthenticated(lazy_text("identity.sessions.session_ended_sign_again"), code="session_ended")
        # Spend the token atomically: of two concurrent refreshes exactly one wins.
        spent = session.execute(update(RefreshToken).where(
            RefreshToken.id == stored.id, RefreshToken.spent_at.is_(None)).values(spent_at=now))
        if spent.rowcount != 1:
            self._revoke(session, auth_session, "refresh_reuse")
            raise Unauthenticated(lazy_text("identity.sessions.refresh_token_was_already"),
                                  code="refresh_token_reused", keep_changes=True)
        auth_session.last_used_at = now
        account = session.get(Account, auth_session.account_id)
        if account.status != AccountStatus.ACTIVE:
            raise Forbidden(lazy_text("identity.sessions.account_locked"), code="account_locked")
        return self._pair(session, account, auth_session)

    def _revoke(self, session: Session, auth_session: AuthSession, reason: str) -> None:
        if auth_session.revoked_at is None:
            auth_session.revoked_at = clock.now()
            auth_session.revoked_reason = reason
        # No more pushes to the phone of an ended session (a shared or sold phone).
        session.execute(delete(Device).where(Device.session_id == auth_session.id))
        self.tokens.deny_session(auth_session.id)

    def logout(self, ctx: Context) -> None:
        principal = ctx.principal
        auth_session = ctx.session.get(AuthSession, principal.session_id)
        if auth_session is not None:
            self._revoke(ctx.session, auth_session, "logout")
        self.tokens.deny_token(principal.token_id, principal.token_expires_at)

    def list_sessions(self, ctx: Context, *, limit: int, cursor: str | None) -> Page[AuthSession]:
        stmt = select(AuthSession).where(AuthSession.account_id == ctx.principal.account_id,
                                         AuthSession.revoked_at.is_(None),
                                         AuthSession.expires_at > ctx.clock.now())
        return paginate(ctx.session, stmt, [AuthSession.created_at, AuthSession.id],
                        limit=limit, cursor=cursor)

    def end_session(self, ctx: Context, session_id: uuid.UUID) -> None:
        auth_session = ctx.session.get(AuthSession, session_id)
        if (auth_session is None or auth_session.account_id != ctx.principal.account_id
                or auth_session.revoked_at):
            raise NotFound(lazy_text("identity.sessions.no_such_session"))
        self._revoke(ctx.session, auth_session, "ended_by_user")

    def end_all(self, session: Session, account_id: uuid.UUID, reason: str) -> int:
        open_sessions = session.scalars(select(AuthSession).where(
            AuthSession.account_id == account_id, AuthSession.revoked_at.is_(None))).all()
        for auth_session in open_sessions:
            self._revoke(session, auth_session, reason)
        return len(open_sessions)
