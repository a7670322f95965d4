"""Which actions need which assurance level: one table, one check.

Level 1: the ID card's printed details and a phone matched the registry. Level 2: the person
was checked in person at a counter, or signed in with a level-2 national e-ID. Anything that
reads sensitive data or acts in the citizen's name legally needs level 2.
"""
from __future__ import annotations

from enum import StrEnum

from services.errors import Forbidden
from services.identity.principal import Principal
from services.messages import lazy_text


class Sensitive(StrEnum):
    HEALTH_RECORD = "health_record"            # own record and a child's (guardian)
    SIGNING = "signing"                        # signing challenges and signing
    CERTIFICATES = "certificates"              # listing, renewing, revoking one's certificates
    DOSSIER_FILING = "dossier_filing"
    DOSSIER_DETAILS = "dossier_details"


REQUIRED_LEVEL: dict[Sensitive, int] = {
    Sensitive.HEALTH_RECORD: 2,
    Sensitive.SIGNING: 2,
    Sensitive.CERTIFICATES: 2,
    Sensitive.DOSSIER_FILING: 2,
    Sensitive.DOSSIER_DETAILS: 2,
}
# How a citizen reaches level 2: sign in with the national e-ID, or an in-person check at a counter.
HOW = ("eid", "counter")


def require_level(principal: Principal, action: Sensitive) -> None:
    """403 `assurance_level_required` when the caller's level is below what `action` needs."""
    check_level(principal.assurance_level, action)


def check_level(level: int, action: Sensitive) -> None:
    """The same 403 for a level read elsewhere (the account row, fresher than the token)."""
    required = REQUIRED_LEVEL[action]
    if level < required:
        raise Forbidden(lazy_text("identity.assurance.level_2_required"),
                        code="assurance_level_required", required_level=required, how=list(HOW))
