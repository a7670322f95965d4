"""Reading dossiers: the owner's list, the detail with its timeline, the public lookup."""
from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from models.dossiers import Dossier, DossierEvent, DossierExtension, DossierStatus
from models.reference import Resident
from services.clock import clock
from services.context import Context
from services.dossiers import deadlines
from services.dossiers.actors import is_staff, readable_dossier, resident_of, staff_read
from services.dossiers.states import PORTAL_STATUS, STATE_LABELS
from services.errors import NotFound
from services.identity import national_id as cccd
from services.identity.accounts import current_account
from services.messages import LazyText
from services.pagination import Page, paginate
from services.messages import lazy_text

PUBLIC_MISSES_ALLOWED = 10  # wrong last-4 guesses per code and hour before lookups stop answering
PUBLIC_MISS_WINDOW = 3600
MAX_CODE_LENGTH = 60


@dataclass
class DossierSummary:
    code: str
    procedure_code: str
    procedure_name: str
    agency_code: str
    channel: str
    status: str
    status_label: LazyText  # written in the reader's language by the response schema
    portal_status: int
    submitted_at: datetime
    received_at: datetime | None
    due_at: datetime
    finished_at: datetime | None
    on_time: bool | None
    is_overdue: bool
    amount_due_vnd: int | None


@dataclass
class DossierDetail(DossierSummary):
    original_due_at: datetime | None = None
    form: dict[str, Any] = field(default_factory=dict)
    owner: dict[str, str] = field(default_factory=dict)
    supplement_request: dict[str, Any] | None = None
    timeline: list[dict[str, Any]] = field(default_factory=list)
    extensions: list[dict[str, Any]] = field(default_factory=list)
    home_unit_code: str | None = None
    receiving_unit_code: str | None = None
    receiving_centre_code: str | None = None


def summary(dossier: Dossier, now: datetime | None = None) -> DossierSummary:
    return DossierSummary(
        code=dossier.code, procedure_code=dossier.procedure_code, procedure_name=dossier.procedure.name,
        agency_code=dossier.agency_code, channel=dossier.channel, status=dossier.status,
        status_label=STATE_LABELS[dossier.status], portal_status=PORTAL_STATUS[dossier.status],
        submitted_at=dossier.submitted_at, received_at=dossier.received_at, due_at=dossier.due_at,
        finished_at=dossier.finished_at, on_time=dossier.on_time,
        is_overdue=deadlines.is_overdue(dossier, now or clock.now()), amount_due_vnd=dossier.amount_due_vnd)


def _timeline(session: Session, dossier: Dossier) -> list[dict[str, Any]]:
    events = session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
                             .order_by(DossierEvent.id))
    return [{"from_status": e.from_status, "to_status": e.to_status,
             "portal_status": PORTAL_STATUS[e.to_status], "actor": e.actor_kind,
             "agency_code": e.actor_agency_code, "note": e.note,
             "missing_documents": e.missing_documents, "at": e.created_at} for e in events]


def _extensions(session: Session, dossier: Dossier) -> list[dict[str, Any]]:
    rows = session.scalars(select(DossierExtension).where(DossierExtension.dossier_id == dossier.id)
                           .order_by(DossierExtension.id))
    return [{"previous_due_at": x.previous_due_at, "new_due_at": x.new_due_at, "apology": x.apology,
             "at": x.created_at} for x in rows]


def last_supplement_request(session: Session, dossier: Dossier) -> DossierEvent | None:
    """The event of the dossier's current request for more documents, if it waits on one."""
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
        return None
    return session.scalar(select(DossierEvent).where(
        DossierEvent.dossier_id == dossier.id, DossierEvent.to_status == DossierStatus.SUPPLEMENT_REQUESTED)
        .order_by(DossierEvent.id.desc()).limit(1))


def detail(session: Session, dossier: Dossier, *, staff: bool) -> DossierDetail:
    """The whole dossier; staff see the owner's ID number only by its last four digits."""
    owner = session.get(Resident, dossier.owner_resident_id)
    masked = cccd.last4_mask(owner.national_id) if staff else cccd.mask(owner.national_id)
    timeline = _timeline(session, dossier)
    asked = next((e for e in reversed(timeline) if e["to_status"] == DossierStatus.SUPPLEMENT_REQUESTED), None)
    return DossierDetail(
        **vars(summary(dossier)), original_due_at=dossier.original_due_at, form=dossier.form,
        owner={"full_name": owner.full_name, "national_id_masked": masked},
        supplement_request=({"note": asked["note"], "missing_documents": asked["missing_documents"],
                             "requested_at": asked["at"]}
                            if asked and dossier.status == DossierStatus.SUPPLEMENT_REQUESTED else None),
        timeline=timeline, extensions=_extensions(session, dossier), home_unit_code=dossier.district_code,
        receiving_unit_code=dossier.receiving_unit_code, receiving_centre_code=dossier.receiving_centre_code)


def for_viewer(ctx: Context, code: str) -> DossierDetail:
    """The owner, or an officer of the dossier's agency (API.md); anyone else: 404. An officer's
    read is written to the owner's data tracker."""
    dossier = readable_dossier(ctx, code)
    staff_read(ctx, dossier, "dossier_viewed")
    return detail(ctx.session, dossier, staff=is_staff(ctx.principal))


def list_mine(ctx: Context, *, status: str | None, limit: int,
              cursor: str | None) -> Page[DossierSummary]:
    """The signed-in citizen's dossiers, newest first, including those filed at a counter."""
    session = ctx.session
    resident = resident_of(session, current_account(ctx))
    if resident is None:
        return Page([], None)
    stmt = (select(Dossier).options(joinedload(Dossier.procedure, innerjoin=True))
            .where(Dossier.owner_resident_id == resident.id))
    if status:
        stmt = stmt.where(Dossier.status == status)
    page = paginate(session, stmt, [Dossier.submitted_at, Dossier.id], limit=limit, cursor=cursor)
    now = ctx.clock.now()
    return Page([summary(d, now) for d in page.items], page.next_cursor)


def public_status(ctx: Context, code: str, id_last4: str) -> DossierSummary:
    """Status by code and the owner's last four ID digits; a miss looks like an unknown code.

    Wrong guesses are counted per code, so the four digits cannot be found by trying them all.
    """
    miss = NotFound(lazy_text("dossiers.views.no_dossier_matches_code"), code="dossier_not_found")
    if len(code) > MAX_CODE_LENGTH:
        raise miss
    session, kv, counter = ctx.session, ctx.kv, f"dossiers:public-misses:{code}"
    if int(kv.get(counter) or 0) >= PUBLIC_MISSES_ALLOWED:
        raise miss
    row = session.execute(select(Dossier, Resident.national_id)
                          .join(Resident, Resident.id == Dossier.owner_resident_id)
                          .where(Dossier.code == code)).first()
    if row is None or not hmac.compare_digest(row[1][-4:].encode(), id_last4.encode()):
        with kv.pipeline() as pipe:
            pipe.incr(counter).expire(counter, PUBLIC_MISS_WINDOW).execute()
        raise miss
    return summary(row[0], ctx.clock.now())
