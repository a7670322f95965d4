"""The allowed state moves of requests and certificates, as tables, and how a move is made."""
from __future__ import annotations

import uuid

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from models.signatures import (CertificateStatus as C, SignatureActorKind as Actor, SignatureRequest,
                               SignatureRequestEvent, SignatureRequestStatus as S)
from services import state_machine
from services.clock import clock
from services.messages import LazyText, lazy_text
from services.notifications.inbox import notify
from services.state_machine import Moves, StateMachine

# (from, to) -> who makes the move. Anything else is 409 invalid_transition; a move in the
# table made by someone else is 403 forbidden_move.
REQUEST_MOVES: Moves = {
    # The authority approves an online request once the level-2 holder confirms the texted code.
    (S.SUBMITTED, S.APPROVED): frozenset({Actor.OFFICER, Actor.AUTHORITY}),
    (S.SUBMITTED, S.REJECTED): frozenset({Actor.OFFICER}),
    (S.SUBMITTED, S.CANCELLED): frozenset({Actor.OWNER}),
    (S.APPROVED, S.ISSUED): frozenset({Actor.AUTHORITY}),
}
REQUESTS = StateMachine("request", tuple(S), REQUEST_MOVES, forbid_wrong_actor=True,
                        event=SignatureRequestEvent, subject_column="request_id")

# Certificates: `expired` is reached by time alone (nobody makes it) and is computed, never stored.
CERTIFICATE_MOVES: Moves = {
    (C.VALID, C.REVOKED): frozenset({Actor.OWNER, Actor.OFFICER}),
    (C.VALID, C.EXPIRED): frozenset(),
}
CERTIFICATES = StateMachine("certificate", tuple(C), CERTIFICATE_MOVES)

# What the citizen reads in the inbox when their request reaches a state.
REQUEST_NOTICES: dict[S, tuple[LazyText, LazyText]] = {
    S.SUBMITTED: (lazy_text("signature_request.submitted.title"), lazy_text("signature_request.submitted.body")),
    S.APPROVED: (lazy_text("signature_request.approved.title"), lazy_text("signature_request.approved.body")),
    S.ISSUED: (lazy_text("signature_request.issued.title"), lazy_text("signature_request.issued.body")),
    S.REJECTED: (lazy_text("signature_request.rejected.title"), lazy_text("signature_request.rejected.body")),
    S.CANCELLED: (lazy_text("signature_request.cancelled.title"), lazy_text("signature_request.cancelled.body")),
}


def allowed_moves(status: S) -> list[S]:
    return REQUESTS.allowed(status)


def check_certificate_move(current: C, to: C) -> None:
    CERTIFICATES.check(current, to)


def move(session: Session, request: SignatureRequest, to: S, *, actor_id: uuid.UUID | None,
         actor_role: Actor, note: str | None = None) -> SignatureRequestEvent:
    """Move `request` to `to` if the table allows it for `actor_role`; keep history; notify."""
    event = state_machine.move(session, REQUESTS, request, to, actor_role, now=clock.now(),
                               actor_account_id=actor_id, note=note)
    return _followed(session, request, event)


def record(session: Session, request: SignatureRequest, from_status: S | None, to: S, *,
           actor_id: uuid.UUID | None, actor_role: Actor, note: str | None) -> SignatureRequestEvent:
    """The history row of a request entering `to` without a move (it was just submitted)."""
    now = clock.now()
    request.status, request.updated_at = S(to), now
    event = state_machine.record(session, REQUESTS, request, from_status, actor_role, now=now,
                                 actor_account_id=actor_id, note=note)
    return _followed(session, request, event)


def _followed(session: Session, request: SignatureRequest, event: SignatureRequestEvent) -> SignatureRequestEvent:
    """Keep the loaded history in step and tell the citizen.

    A history not loaded yet is left alone: loading it now would autoflush the new row into the
    list and the append would then show it twice; when it is read, it comes with the row."""
    if "history" not in inspect(request).unloaded:
        request.history.append(event)
    title, body = REQUEST_NOTICES[request.status]
    notify(session, request.account_id, kind=f"signature_request_{request.status}", title=title,
           body=body.filled(counter=request.counter_code or lazy_text("signature_request.online"),
                             day=request.appointment_date or lazy_text("signature_request.today"),
                             note=event.note or ""),
           reference=f"signature-request:{request.id}")
    return event
