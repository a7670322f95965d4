"""Who may see or act on a request or certificate: its owner, or an officer (of its counter,
except for revocation, which any counter takes). Anyone else, another counter's officer
included, gets the one answer of a request that does not exist."""
from __future__ import annotations

from sqlalchemy.orm import Session

from models.identity import Role
from models.signatures import SignatureActorKind as Actor
from services.errors import Forbidden, NotFound
from services.identity.principal import Principal
from services.signatures.catalogues import counters_of_officer
from services.messages import lazy_text


NO_SUCH = {"request": lazy_text("signatures.access.no_such_request"),
           "certificate": lazy_text("signatures.access.no_such_certificate")}


def no_such(what: str) -> NotFound:
    """The one answer for "not yours or not there": the same text and code either way."""
    return NotFound(NO_SUCH[what], code="not_found")


def is_owner(principal: Principal, account_id) -> bool:
    return principal.account_id is not None and principal.account_id == account_id


def check_reader(session: Session, principal: Principal, account_id, counter_code: str, what: str) -> Actor:
    """The owner or an officer of its counter; anyone else (a stranger citizen, an officer of
    another counter) gets the 404 of a missing one."""
    if is_owner(principal, account_id):
        return Actor.OWNER
    if principal.has_role(Role.OFFICER) and counter_code in counters_of_officer(session, principal.agency_code):
        return Actor.OFFICER
    raise no_such(what)


def check_officer(session: Session, principal: Principal, counter_code: str, what: str) -> None:
    if not principal.has_role(Role.OFFICER):
        raise Forbidden(lazy_text("signatures.access.only_officer_counter_can"), code="forbidden_role")
    if counter_code not in counters_of_officer(session, principal.agency_code):
        raise no_such(what)


def check_revoker(principal: Principal, account_id) -> Actor:
    """The owner or an officer: the holder, or an officer of any counter (API.md: "owner or officer";
    a holder whose phone was stolen asks at the nearest counter); a stranger citizen gets 404."""
    if is_owner(principal, account_id):
        return Actor.OWNER
    if principal.has_role(Role.OFFICER):
        return Actor.OFFICER
    raise no_such("certificate")
