"""Moving a dossier: the one place a state changes, checked against states.MOVES by the
shared state machine (services/state_machine.py).

Each move locks the dossier row (SELECT ... FOR UPDATE), so of two concurrent moves the
second sees the first's result and is refused when it no longer applies; the history row
and the owner's notification are written in the same transaction as the move.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.dossiers import Dossier, DossierEvent, DossierStatus
from services import state_machine
from services.clock import clock
from services.context import Context
from services.dossiers import deadlines, notices
from services.dossiers.actors import Actor, not_found
from services.dossiers.states import DECIDED, DOSSIERS, NOTE_REQUIRED, WAITING_ON_CITIZEN
from services.errors import ValidationFailed
from services.messages import DEFAULT_LANGUAGE, LazyText, lazy_text, translate

# A note is a person's own words (str) or a text the system writes (a catalogue LazyText).
Note = str | LazyText


def lock_dossier(session: Session, code: str) -> Dossier:
    dossier = session.scalar(select(Dossier).where(Dossier.code == code).with_for_update(of=Dossier))
    if dossier is None:
        raise not_found()
    return dossier


def require_move(dossier: Dossier, to: DossierStatus, actor: Actor) -> None:
    DOSSIERS.check(dossier.status, to, actor.kind)


def _check_reasons(to: DossierStatus, note: Note | None, missing_documents: list[str] | None) -> list[str] | None:
    errors: dict[str, list[LazyText]] = {}
    if to in NOTE_REQUIRED and not written_note(note):
        errors["note"] = [lazy_text("dossier.reason.note_required")]
    documents = [d.strip() for d in missing_documents or [] if d and d.strip()]
    if to == DossierStatus.SUPPLEMENT_REQUESTED and not documents:
        errors["missing_documents"] = [lazy_text("dossier.reason.documents_required")]
    elif to != DossierStatus.SUPPLEMENT_REQUESTED and missing_documents:
        errors["missing_documents"] = [lazy_text("dossier.reason.documents_only_for_supplement")]
    if errors:
        raise ValidationFailed(lazy_text("dossiers.transitions.move_needs_more_information"), errors=errors)
    return documents or None


def written_note(note: Note | None) -> Note | None:
    """The note as it will be kept: a person's words stripped (None when blank), a system text as it is."""
    return note if isinstance(note, LazyText) else (note or "").strip() or None


def _stored(note: Note | None) -> str | None:
    # The history keeps one text for every later reader, so a system note is stored in Vietnamese (the source language).
    return translate(DEFAULT_LANGUAGE, note) if isinstance(note, LazyText) else note


def _apply_deadlines(dossier: Dossier, previous: DossierStatus, to: DossierStatus, now) -> None:
    if previous in WAITING_ON_CITIZEN:
        deadlines.resume_clock(dossier, now)  # nothing to resume when the clock never started
    elif to == DossierStatus.RECEIVED:
        deadlines.start_clock(dossier, dossier.procedure.processing_days, now)
    if to in WAITING_ON_CITIZEN and dossier.received_at is not None:
        deadlines.pause_clock(dossier, now)
    if to in DECIDED:
        deadlines.finish(dossier, now)


def _who(actor: Actor) -> dict:
    return {"actor_account_id": actor.account_id, "actor_agency_code": actor.agency_code}


def record(session: Session, dossier: Dossier, from_status: DossierStatus | None, actor: Actor, *,
           note: Note | None = None, missing_documents: list[str] | None = None) -> DossierEvent:
    """The history row of a dossier reaching its current status (from None: it was filed)."""
    return state_machine.record(session, DOSSIERS, dossier, from_status, actor.kind, now=clock.now(),
                                note=_stored(note), missing_documents=missing_documents, **_who(actor))


def move(ctx: Context, dossier: Dossier, to: DossierStatus, actor: Actor, *,
         note: Note | None = None, missing_documents: list[str] | None = None) -> Dossier:
    """Move a locked dossier to `to`: history row and owner notification (a system note in the
    owner's language there), or nothing at all."""
    require_move(dossier, to, actor)  # a refused move is 409 before a missing reason is 422
    documents = _check_reasons(to, note, missing_documents)
    note = written_note(note)
    session, now = ctx.session, ctx.clock.now()
    previous = dossier.status
    state_machine.move(session, DOSSIERS, dossier, to, actor.kind, now=now, note=_stored(note),
                       missing_documents=documents, **_who(actor))
    _apply_deadlines(dossier, previous, to, now)
    notices.status_changed(ctx, dossier, note=note, missing_documents=documents)
    if to in DECIDED:
        notices.rating_invited(ctx, dossier)
    session.flush()
    return dossier
