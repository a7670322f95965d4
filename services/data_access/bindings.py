"""Where a staff action on a citizen's data may be done: bound to the officer's own agency.

| action                  | the officer's (or agency key's) agency must be ...            |
| ----------------------- | ------------------------------------------------------------- |
| file a counter dossier  | the procedure's deciding agency, or the receiving centre     |
| raise to level 2        | an agency that runs a one-stop counter (service_counters)    |

Any counter in the city will do (Decree 118/2025: a citizen goes to whichever counter they
like), not the citizen's home unit's. And whatever the action, the agency must not have ended
(403 `agency_ended`, naming its successors).
"""
from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from sqlalchemy import select

from models.signatures import ServiceCounter
from services.context import Context
from services.errors import Forbidden
from services.messages import LazyText, lazy_text
from services.reference.agency_timeline import check_not_ended, hanoi_day


class StaffAction(StrEnum):
    FILE_COUNTER_DOSSIER = "file_counter_dossier"
    RAISE_LEVEL = "raise_level"


def _receives_procedure(ctx: Context, agency_code: str, receiving: frozenset[str]) -> bool:
    return agency_code in receiving


def _runs_one_stop_counter(ctx: Context, agency_code: str, receiving: frozenset[str]) -> bool:
    return ctx.session.scalar(select(ServiceCounter.code).where(
        (ServiceCounter.agency_code == agency_code) | (ServiceCounter.code == agency_code)).limit(1)) is not None


BOUND_TO: dict[StaffAction, tuple[Callable[[Context, str, frozenset[str]], bool], str, LazyText]] = {
    StaffAction.FILE_COUNTER_DOSSIER: (_receives_procedure, "other_agency",
                                       lazy_text("access.bindings.other_agency")),
    StaffAction.RAISE_LEVEL: (_runs_one_stop_counter, "not_identity_counter",
                              lazy_text("access.bindings.not_identity_counter")),
}


def check_bound(ctx: Context, action: StaffAction, receiving: frozenset[str] = frozenset()) -> None:
    """Forbidden unless the caller's agency may do `action` (the table above) and has not ended;
    `receiving`: the agencies that may take the case (for a counter dossier, its deciding
    agency and centre)."""
    allowed, code, text = BOUND_TO[action]
    agency = ctx.principal.agency_code
    if not agency or not allowed(ctx, agency, receiving):
        raise Forbidden(text, code=code)
    check_not_ended(ctx.session, agency, hanoi_day(ctx.clock.now()))
