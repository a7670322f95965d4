"""Writing and reading the data-access log: staff and agency systems looking up or changing a
person's dossiers, identity or signatures, shown to the person at GET /me/data-access."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models.data_access import DataAccessEntry, DataArea
from models.identity import Account, PrincipalKind
from services.context import Context
from services.errors import Unauthenticated
from services.pagination import Page, paginate
from services.messages import lazy_text


def record(ctx: Context, national_id: str, area: DataArea, action: str, resource: str | None = None) -> None:
    """Write one entry about the person with `national_id`, by the caller, stamped now."""
    caller = ctx.principal
    staff = ctx.session.get(Account, caller.account_id) if caller.account_id else None
    ctx.session.add(DataAccessEntry(
        subject_hash=ctx.id_hasher(national_id), at=ctx.clock.now(), area=area, action=action,
        resource=resource, actor_kind=caller.kind, actor_account_id=caller.account_id,
        actor_name=staff.full_name if staff else None, agency_code=caller.agency_code))
    ctx.session.flush()


def _view(entry: DataAccessEntry) -> dict[str, Any]:
    return {"id": entry.id, "at": entry.at, "area": entry.area, "action": entry.action,
            "resource": entry.resource,
            "actor": "agency_system" if entry.actor_kind == PrincipalKind.AGENCY_KEY else "officer",
            "actor_name": entry.actor_name, "agency_code": entry.agency_code}


def list_mine(ctx: Context, *, limit: int, cursor: str | None) -> Page:
    """The caller's entries, newest first."""
    account = ctx.session.get(Account, ctx.principal.account_id)
    if account is None:
        raise Unauthenticated(lazy_text("data_access.tracker.account_active"), code="account_inactive")
    stmt = select(DataAccessEntry).where(DataAccessEntry.subject_hash == account.national_id_hash)
    page = paginate(ctx.session, stmt, [DataAccessEntry.at, DataAccessEntry.id], limit=limit, cursor=cursor)
    return Page([_view(e) for e in page.items], page.next_cursor)
