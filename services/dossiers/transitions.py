"""Moving a dossier: the one place a state changes, checked against states.MOVES.

Each move locks the dossier row (SELECT ... FOR UPDATE), so of two concurrent moves the
second sees the first's result and is refused when it no longer applies; the history row
and the owner's notification are written in the same transaction as the move.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.dossiers import Dossier, DossierEvent
from services.clock import clock
from services.context import Context
from services.dossiers import deadlines, notices
from services.dossiers.actors import Actor
from services.dossiers.states import DECIDED, NOTE_REQUIRED, allowed_moves, may_move
from services.errors import InvalidTransition, NotFound, ValidationFailed


def lock_dossier(session: Session, code: str) -> Dossier:
    dossier = session.scalar(select(Dossier).where(Dossier.code == code).with_for_update(of=Dossier))
    if dossier is None:
        raise NotFound("No such dossier.", code="dossier_not_found")
    return dossier


def require_move(dossier: Dossier, to: str, actor: Actor) -> None:
    if not may_move(dossier.status, to, actor.kind):
        raise InvalidTransition(f"A dossier in {dossier.status!r} cannot move to {to!r}.",
                                current=dossier.status, allowed=allowed_moves(dossier.status, actor.kind))


def _check_reasons(to: str, note: str | None, missing_documents: list[str] | None) -> list[str] | None:
    errors: dict[str, list[str]] = {}
    if to in NOTE_REQUIRED and not (note or "").strip():
        errors["note"] = ["Say why: the citizen reads this."]
    documents = [d.strip() for d in missing_documents or [] if d and d.strip()]
    if to == "supplement_requested" and not documents:
        errors["missing_documents"] = ["List at least one missing document."]
    elif to != "supplement_requested" and missing_documents:
        errors["missing_documents"] = ["Only when asking for more documents."]
    if errors:
        raise ValidationFailed("This move needs more information.", errors=errors)
    return documents or None


def _apply_deadlines(dossier: Dossier, to: str, now) -> None:
    if to == "received":
        deadlines.start_clock(dossier, dossier.procedure.processing_days, now)
    elif to == "supplement_requested":
        deadlines.pause_clock(dossier, now)
    elif dossier.status == "supplement_requested":
        deadlines.resume_clock(dossier, now)
    if to in DECIDED:
        deadlines.finish(dossier, now)


def record(session: Session, dossier: Dossier, from_status: str | None, actor: Actor, *,
           note: str | None = None, missing_documents: list[str] | None = None) -> DossierEvent:
    event = DossierEvent(dossier_id=dossier.id, from_status=from_status, to_status=dossier.status,
                         actor_kind=actor.kind, actor_account_id=actor.account_id,
                         actor_agency_code=actor.agency_code, note=note,
                         missing_documents=missing_documents, created_at=clock.now())
    session.add(event)
    return event


def move(ctx: Context, dossier: Dossier, to: str, actor: Actor, *,
         note: str | None = None, missing_documents: list[str] | None = None) -> Dossier:
    """Move a locked dossier to `to`: history row and owner notification, or nothing at all."""
    require_move(dossier, to, actor)
    documents = _check_reasons(to, note, missing_documents)
    note = (note or "").strip() or None
    session, now = ctx.session, ctx.clock.now()
    previous = dossier.status
    _apply_deadlines(dossier, to, now)
    dossier.status, dossier.updated_at = to, now
    record(session, dossier, previous, actor, note=note, missing_documents=documents)
    notices.status_changed(ctx, dossier, note=note, missing_documents=documents)
    session.flush()
    return dossier
