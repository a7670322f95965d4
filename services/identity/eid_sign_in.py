"""Signing citizens in with the national e-ID: the first sign-in opens the account, later
ones sign in; a level-2 sign-in takes back an account opened locally with another phone.

The account's level is the higher of the provider's (`acr`, mapped by EID_ACR_LEVELS) and what
a counter verified, and `assurance_source` says where it came from. Staff keep local accounts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import Session

from models.identity import Account, AccountStatus, AssuranceSource, Role
from services.context import Context
from services.errors import Forbidden, NotFound, ValidationFailed
from services.identity import accounts, recovery, security_log
from services.identity.eid import EidAuthorization, EidClaims, EidRelyingParty
from services.identity.names import same_name
from services.identity.recovery import UNUSABLE_PASSWORD
from services.identity.registry import PopulationRegistry
from services.identity.sessions import SignIn, TokenPair
from services.messages import lazy_text

# Accounts the e-ID may take over when it proves another phone: those opened by local sign-up.
LOCALLY_OPENED = (None, AssuranceSource.SIGN_UP)


@dataclass(frozen=True)
class EidSignedIn:
    account: Account
    pair: TokenPair
    account_created: bool


class EidSignIn:
    def __init__(self, relying_party: EidRelyingParty | None, sign_in: SignIn,
                 registry_for: Callable[[Session], PopulationRegistry]) -> None:
        self._rp = relying_party
        self._sign_in = sign_in
        self._registry_for = registry_for

    def _party(self) -> EidRelyingParty:
        if self._rp is None:
            raise NotFound(lazy_text("identity.eid_sign_in.sign_national_e_id"),
                           code="eid_not_offered")
        return self._rp

    def authorize(self, _ctx: Context, redirect_uri: str, login_hint: str | None = None,
                  acr_values: str | None = None) -> EidAuthorization:
        return self._party().authorization_url(redirect_uri, login_hint=login_hint, acr_values=acr_values)

    def complete(self, ctx: Context, code: str, state: str, device_name: str | None = None) -> EidSignedIn:
        claims = self._party().complete(code, state)
        session = ctx.session
        self._check_registry(session, claims)
        account = accounts.find_account(session, ctx.id_hasher, claims.national_id)
        created = account is None
        if account is None:
            account = self._open(ctx, claims)
        else:
            self._returning(session, account, claims)
        recovery.raise_level(session, account, claims.level, AssuranceSource.EID)
        security_log.signed_in(session, account.id, device_name, f"national e-ID ({claims.acr})")
        return EidSignedIn(account, self._sign_in.open_session(session, account, device_name), created)

    def _check_registry(self, session: Session, claims: EidClaims) -> None:
        record = self._registry_for(session).lookup(claims.national_id)
        if (record is None or not same_name(record.full_name, claims.full_name)
                or record.date_of_birth != claims.date_of_birth):
            raise ValidationFailed(lazy_text("identity.eid_sign_in.e_id_s_details"),
                                   code="identity_mismatch")

    def _open(self, ctx: Context, claims: EidClaims) -> Account:
        record = self._registry_for(ctx.session).lookup(claims.national_id)
        account = Account(
            national_id_hash=ctx.id_hasher(claims.national_id), national_id=claims.national_id,
            full_name=record.full_name if record else claims.full_name, date_of_birth=claims.date_of_birth,
            sex=claims.sex, district_code=record.district_code if record else None, phone=claims.phone,
            password_hash=UNUSABLE_PASSWORD, role=Role.CITIZEN, assurance_level=claims.level,
            assurance_source=AssuranceSource.EID, status=AccountStatus.ACTIVE, created_at=ctx.clock.now())
        ctx.session.add(account)
        ctx.session.flush()
        return account

    def _returning(self, session: Session, account: Account, claims: EidClaims) -> None:
        if account.role != Role.CITIZEN:
            raise Forbidden(lazy_text("identity.eid_sign_in.staff_sign_their_own"), code="staff_local_account")
        if account.status != AccountStatus.ACTIVE:
            raise Forbidden(lazy_text("identity.eid_sign_in.account_locked"), code="account_locked")
        if (claims.level >= 2 and claims.phone and claims.phone != account.phone
                and account.assurance_source in LOCALLY_OPENED):
            recovery.take_over(session, self._sign_in, account, claims.phone, how="national e-ID")
