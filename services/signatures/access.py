"""Who may see or act on a request or certificate: its owner, or an officer (of its counter,
except for revocation, which any counter takes). Anyone else, another counter's officer
included, gets the one answer of a request that does not exist. An officer whose agency ended
acts on nothing: 403 `agency_ended`, naming its successors, before anything is looked up."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from models.identity import Role
from models.signatures import ServiceCounter, SignatureActorKind as Actor, SignatureRequest
from services.errors import Forbidden, NotFound
from services.identity.principal import Principal
from services.reference.agency_timeline import check_not_ended
from services.signatures.catalogues import counters_of_officer
from services.messages import lazy_text


NO_SUCH = {"request": lazy_text("signatures.access.no_such_request"),
           "certificate": lazy_text("signatures.access.no_such_certificate")}


def no_such(what: str) -> NotFound:
    """The one answer for "not yours or not there": the same text and code either way."""
    return NotFound(NO_SUCH[what], code="not_found")


def is_owner(principal: Principal, account_id) -> bool:
    return principal.account_id is not None and principal.account_id == account_id


def check_officer_open(session: Session, principal: Principal, day: date) -> None:
    """403 `agency_ended` for an officer whose agency (or whose counter's agency, for an officer
    registered with a counter code) ended before `day`; nothing for anyone else."""
    if not principal.has_role(Role.OFFICER) or not principal.agency_code:
        return
    counter = session.get(ServiceCounter, principal.agency_code)
    check_not_ended(session, counter.agency_code if counter else principal.agency_code, day)


def officer_counters(session: Session, principal: Principal, day: date) -> list[str]:
    """The counters an officer serves on `day`: 403 for anyone else, and for an officer whose
    agency ended."""
    if not principal.has_role(Role.OFFICER):
        raise Forbidden(lazy_text("signatures.access.only_officer_counter_can"), code="forbidden_role")
    check_officer_open(session, principal, day)
    return counters_of_officer(session, principal.agency_code)


def check_reader(session: Session, principal: Principal, day: date, request: SignatureRequest | None) -> Actor:
    """The owner or an officer of its counter; anyone else (a stranger citizen, an officer of
    another counter) gets the 404 of a missing one, and so does everybody for a missing one,
    except an officer whose agency ended, who gets 403 whether it exists or not."""
    if request is not None and is_owner(principal, request.account_id):
        return Actor.OWNER
    if principal.has_role(Role.OFFICER):
        counters = officer_counters(session, principal, day)  # an ended agency: 403, found or not
        if request is not None and request.counter_code in counters:
            return Actor.OFFICER
    raise no_such("request")


def check_revoker(principal: Principal, account_id) -> Actor:
    """The owner or an officer: the holder, or an officer of any counter (API.md: "owner or officer";
    a holder whose phone was stolen asks at the nearest counter); a stranger citizen gets 404."""
    if is_owner(principal, account_id):
        return Actor.OWNER
    if principal.has_role(Role.OFFICER):
        return Actor.OFFICER
    raise no_such("certificate")
