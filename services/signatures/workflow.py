"""The allowed state moves of requests and certificates, as tables, and how a move is made."""
from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from models.signatures import SignatureRequest, SignatureRequestEvent
from services.clock import clock
from services.errors import Forbidden, InvalidTransition
from services.notifications.inbox import notify

# from state -> {to state: who makes the move}. Anything else is 409 invalid_transition.
REQUEST_MOVES: dict[str, dict[str, str]] = {
    "submitted": {"approved": "officer", "rejected": "officer", "cancelled": "owner"},
    "approved": {"issued": "authority"},
    "issued": {},
    "rejected": {},
    "cancelled": {},
}
REQUEST_STATES = tuple(REQUEST_MOVES)

# Certificates: `expired` is reached by time alone and is computed, never stored.
CERTIFICATE_MOVES: dict[str, dict[str, str]] = {
    "valid": {"revoked": "owner or officer", "expired": "time"},
    "revoked": {},
    "expired": {},
}

# What the citizen reads in the inbox when their request reaches a state.
REQUEST_NOTICES: dict[str, tuple[str, str]] = {
    "submitted": ("Đã nhận yêu cầu chữ ký số",
                  "Yêu cầu cấp chữ ký số miễn phí của bạn đã được ghi nhận. Hẹn gặp tại quầy {counter} ngày {day}."),
    "approved": ("Đã xác minh danh tính",
                 "Cán bộ đã xác minh trực tiếp danh tính của bạn tại quầy {counter}."),
    "issued": ("Chứng thư số đã được cấp",
               "Chứng thư số của bạn đã được cấp. Bạn có thể ký tài liệu trên ứng dụng."),
    "rejected": ("Yêu cầu chữ ký số bị từ chối", "Lý do: {note}"),
    "cancelled": ("Đã hủy yêu cầu chữ ký số", "Bạn đã hủy yêu cầu cấp chữ ký số."),
}


def allowed_moves(status: str) -> list[str]:
    return list(REQUEST_MOVES.get(status, {}))


def check_certificate_move(current: str, to: str) -> None:
    if to not in CERTIFICATE_MOVES.get(current, {}):
        raise InvalidTransition(f"A {current} certificate cannot become {to}.", current=current,
                                allowed=[s for s, who in CERTIFICATE_MOVES.get(current, {}).items()
                                         if who != "time"])


def move(session: Session, request: SignatureRequest, to: str, *, actor_id: uuid.UUID | None,
         actor_role: str, note: str | None = None) -> SignatureRequestEvent:
    """Move `request` to `to` if the table allows it for `actor_role`; keep history; notify."""
    current = request.status
    movers = REQUEST_MOVES.get(current, {})
    if to not in movers:
        raise InvalidTransition(f"A {current} request cannot become {to}.", current=current,
                                allowed=allowed_moves(current))
    if movers[to] != actor_role:
        raise Forbidden(f"Only the {movers[to]} can make a request {to}.", code="forbidden_move")
    return record(session, request, current, to, actor_id=actor_id, actor_role=actor_role, note=note)


def record(session: Session, request: SignatureRequest, from_status: str | None, to: str, *,
           actor_id: uuid.UUID | None, actor_role: str, note: str | None) -> SignatureRequestEvent:
    now = clock.now()
    request.status, request.updated_at = to, now
    event = SignatureRequestEvent(request_id=request.id, actor_id=actor_id, actor_role=actor_role,
                                  from_status=from_status, to_status=to, note=note, at=now)
    session.add(event)
    request.history.append(event)
    title, body = REQUEST_NOTICES[to]
    notify(session, request.account_id, kind=f"signature_request_{to}", title=title,
           body=body.format(counter=request.counter_code, day=request.appointment_date.isoformat(),
                            note=note or ""),
           reference=f"signature-request:{request.id}")
    return event
