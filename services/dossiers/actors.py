"""Who acts on a dossier: its owner, an officer of an agency, or an agency's own system.

"Not yours" and "not there" are one answer (404 `dossier_not_found`, one text): a caller who
may not see a dossier learns nothing about whether it exists. Staff reads of one dossier are
written to its owner's data tracker (GET /me/data-access); the owner's own reads are not."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.data_access import DataArea
from models.dossiers import Dossier, DossierActorKind, DossierStatus
from models.identity import Account, PrincipalKind, Role
from models.reference import Resident
from services.context import Context
from services.data_access import tracker
from services.dossiers.states import RECEIVING_CENTRE_MOVES
from services.errors import Forbidden, NotFound
from services.identity.accounts import find_account
from services.identity.principal import Principal
from services.reference.agency_timeline import check_not_ended, hanoi_day
from services.messages import lazy_text


@dataclass(frozen=True)
class Actor:
    kind: DossierActorKind
    account_id: uuid.UUID | None = None
    agency_code: str | None = None


def agency_actor(principal: Principal) -> Actor:
    kind = DossierActorKind.AGENCY_KEY if principal.kind == PrincipalKind.AGENCY_KEY else DossierActorKind.OFFICER
    if kind == DossierActorKind.OFFICER and not principal.has_role(Role.OFFICER):
        raise Forbidden(lazy_text("dossiers.actors.only_agency_officers_agency"), code="forbidden_role")
    if not principal.agency_code:
        raise Forbidden(lazy_text("dossiers.actors.account_belongs_no_agency"), code="forbidden_role")
    return Actor(kind, principal.account_id, principal.agency_code)


def acting_agency(ctx: Context) -> Actor:
    """The calling officer or agency system, refused (403 agency_ended) once its agency ended."""
    actor = agency_actor(ctx.principal)
    check_not_ended(ctx.session, actor.agency_code, hanoi_day(ctx.clock.now()))
    return actor


def not_found() -> NotFound:
    """The one answer for "not yours or not there": the same code and text either way."""
    return NotFound(lazy_text("dossiers.actors.no_such_dossier"), code="dossier_not_found")


def sees(agency_code: str | None, dossier: Dossier) -> bool:
    """Whether an agency sees the dossier: its deciding agency or its receiving centre."""
    return agency_code is not None and agency_code in (dossier.agency_code, dossier.receiving_centre_code)


def check_agency(dossier: Dossier, actor: Actor, move: tuple[DossierStatus, DossierStatus] | None = None) -> None:
    """The deciding agency does everything; the receiving centre only its moves
    (states.RECEIVING_CENTRE_MOVES); any other agency is told there is no such dossier."""
    if actor.agency_code == dossier.agency_code:
        return
    if not sees(actor.agency_code, dossier):
        raise not_found()
    if move not in RECEIVING_CENTRE_MOVES:
        raise Forbidden(lazy_text("dossiers.actors.deciding_agency_makes_move"), code="other_agency")


def resident_of(session: Session, account: Account) -> Resident | None:
    return session.scalar(select(Resident).where(Resident.national_id == account.national_id))


def owner_account_id(ctx: Context, dossier: Dossier) -> uuid.UUID | None:
    """The owner's citizen account; a dossier filed at a counter is linked once its owner has one."""
    if dossier.owner_account_id is None:
        resident = ctx.session.get(Resident, dossier.owner_resident_id)
        account = find_account(ctx.session, ctx.id_hasher, resident.national_id) if resident else None
        if account is not None and account.role == Role.CITIZEN:
            dossier.owner_account_id = account.id
    return dossier.owner_account_id


def is_owner(ctx: Context, dossier: Dossier, account_id: uuid.UUID | None) -> bool:
    return account_id is not None and owner_account_id(ctx, dossier) == account_id


def owner_actor(ctx: Context, dossier: Dossier) -> Actor:
    """The caller acting as the owner; anyone else is told there is no such dossier."""
    principal = ctx.principal
    if principal.kind != PrincipalKind.ACCOUNT or not is_owner(ctx, dossier, principal.account_id):
        raise not_found()
    return Actor(DossierActorKind.OWNER, principal.account_id)


def is_staff(principal: Principal) -> bool:
    return principal.kind == PrincipalKind.AGENCY_KEY or principal.has_role(Role.OFFICER)


def readable_dossier(ctx: Context, code: str) -> Dossier:
    """The owner, or an officer of the deciding agency or the receiving centre; anyone else: 404."""
    principal = ctx.principal
    dossier = ctx.session.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is not None:
        if principal.has_role(Role.OFFICER):
            if sees(principal.agency_code, dossier):
                return dossier
        elif is_owner(ctx, dossier, principal.account_id):
            return dossier
    raise not_found()


def staff_read(ctx: Context, dossier: Dossier, action: str) -> None:
    """An officer's or agency system's read of one dossier, written to its owner's data tracker."""
    if is_staff(ctx.principal):
        owner = ctx.session.get(Resident, dossier.owner_resident_id)
        tracker.record(ctx, owner.national_id, DataArea.DOSSIERS, action, dossier.code)
