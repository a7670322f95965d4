"""Who acts on a dossier: its owner, an officer of an agency, or an agency's own system."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.dossiers import Dossier, DossierActorKind
from models.identity import Account, PrincipalKind, Role
from models.reference import Resident
from services.errors import Forbidden, NotFound
from services.identity.principal import Principal


@dataclass(frozen=True)
class Actor:
    kind: DossierActorKind
    account_id: uuid.UUID | None = None
    agency_code: str | None = None


def agency_actor(principal: Principal) -> Actor:
    kind = DossierActorKind.AGENCY_KEY if principal.kind == PrincipalKind.AGENCY_KEY else DossierActorKind.OFFICER
    if kind == DossierActorKind.OFFICER and not principal.has_role(Role.OFFICER):
        raise Forbidden("Only agency officers and agency systems do this.", code="forbidden_role")
    if not principal.agency_code:
        raise Forbidden("This account belongs to no agency.", code="forbidden_role")
    return Actor(kind, principal.account_id, principal.agency_code)


def check_agency(dossier: Dossier, actor: Actor) -> None:
    if actor.agency_code != dossier.agency_code:
        raise Forbidden("This dossier belongs to another agency.", code="other_agency")


def resident_of(session: Session, account: Account) -> Resident | None:
    return session.scalar(select(Resident).where(Resident.national_id == account.national_id))


def is_owner(session: Session, dossier: Dossier, account_id: uuid.UUID | None) -> bool:
    """True for the dossier's account, or the account of its registry owner (linked on the way)."""
    if account_id is None:
        return False
    if dossier.owner_account_id is not None:
        return dossier.owner_account_id == account_id
    account = session.get(Account, account_id)
    resident = resident_of(session, account) if account is not None else None
    if resident is None or resident.id != dossier.owner_resident_id:
        return False
    dossier.owner_account_id = account_id
    return True


def owner_actor(session: Session, dossier: Dossier, principal: Principal) -> Actor:
    """The owner acting; anyone else is told there is no such dossier."""
    if principal.kind != PrincipalKind.ACCOUNT or not is_owner(session, dossier, principal.account_id):
        raise NotFound("No such dossier.", code="dossier_not_found")
    return Actor(DossierActorKind.OWNER, principal.account_id)
