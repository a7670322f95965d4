"""Who is calling: a signed-in account or an agency system with an API key."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from models.identity import PrincipalKind, Role

ROLES = tuple(Role)
# The one role an agency system's API key carries; no account has it.
AGENCY_SYSTEM = "agency_system"


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    account_id: uuid.UUID | None = None
    roles: tuple[str, ...] = ()
    assurance_level: int = 0
    session_id: uuid.UUID | None = None
    token_id: str | None = None
    token_expires_at: int | None = None
    agency_code: str | None = None
    facility_code: str | None = None
    district_code: str | None = None

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def caller_key(self) -> str:
        """A stable name of the caller, used to scope idempotency keys."""
        if self.kind == PrincipalKind.AGENCY_KEY:
            return f"agency:{self.agency_code}"
        return f"account:{self.account_id}"
