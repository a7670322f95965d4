"""Correction requests: a citizen asks, the facility that wrote the entry acknowledges within
2 working days and settles within 10, either appending a correction (the original entry is
never overwritten) or refusing with a reason."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from models.health import CorrectionRequest, CorrectionStatus as S, HealthCorrection
from models.identity import Role
from models.reference import Resident
from services.clock import clock
from services.calendar.business_days import add_business_days
from services.context import Context
from services.errors import Conflict, NotFound, ValidationFailed
from services.health import codes, summaries
from services.health.batch import Context as BatchContext, check_item
from services.health.entries import BY_RESOURCE_TYPE, RESOURCE_TYPES
from services.health.facilities import facility_names
from services.health.reading import owned_entry
from services.health.subjects import Subject
from services.health.views import corrections_of, current_values, to_json_value
from services.identity.national_id import last4_mask
from services.identity.principal import Principal
from services.messages import lazy_text
from services.notifications.inbox import notify
from services.pagination import Page, paginate
from services.state_machine import Moves, StateMachine

ACKNOWLEDGE_WITHIN, RESOLVE_WITHIN = 2, 10  # working days
# (from, to) -> who may make the move: the facility that wrote the entry.
_FACILITY = frozenset({Role.HEALTH_PROVIDER})
MOVES: Moves = {
    (S.OPEN, S.ACKNOWLEDGED): _FACILITY,
    (S.OPEN, S.CORRECTED): _FACILITY,
    (S.OPEN, S.REFUSED): _FACILITY,
    (S.ACKNOWLEDGED, S.CORRECTED): _FACILITY,
    (S.ACKNOWLEDGED, S.REFUSED): _FACILITY,
}
CORRECTIONS = StateMachine("request", tuple(S), MOVES)
OPEN_STATUSES = (S.OPEN, S.ACKNOWLEDGED)
OUTCOMES = tuple(s.value for s in (S.CORRECTED, S.REFUSED))
CORRECTION_TITLES = {S.CORRECTED: lazy_text("health.correction.made.title"),
                     S.REFUSED: lazy_text("health.correction.refused.title")}


def _view(request: CorrectionRequest, names: dict[str, str], *, patient: Resident | None = None,
          source_id: str | None = None) -> dict[str, Any]:
    now = clock.now()
    model = BY_RESOURCE_TYPE[request.resource_type].model
    public_id = object_session(request).scalar(select(model.public_id).where(model.id == request.resource_id))
    view = {"id": request.public_id, "resource_type": request.resource_type, "resource_id": public_id,
            "facility_code": request.facility_code, "facility_name": names.get(request.facility_code),
            "reason": request.reason, "status": request.status, "created_at": request.created_at,
            "acknowledge_by": request.acknowledge_by, "resolve_by": request.resolve_by,
            "acknowledged_at": request.acknowledged_at, "resolved_at": request.resolved_at,
            "resolution_note": request.resolution_note,
            "overdue": request.status in OPEN_STATUSES and now > request.resolve_by}
    if patient is not None:
        view["patient"] = {"national_id_masked": last4_mask(patient.national_id), "full_name": patient.full_name,
                           "date_of_birth": patient.date_of_birth}
        view["resource_source_id"] = source_id
    return view


def open_request(session: Session, subject: Subject, resource_type: str, resource_id: uuid.UUID,
                 reason: str) -> dict[str, Any]:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on_field("reason", lazy_text("health.corrections.say_what_wrong_entry"), "reason_required")
    if resource_type not in RESOURCE_TYPES:
        raise ValidationFailed.on_field("resource_type", lazy_text("health.corrections.one_items_s", items=', '.join(RESOURCE_TYPES)))
    entry = owned_entry(session, subject, resource_type, resource_id)
    pending = session.scalar(select(CorrectionRequest.id).where(
        CorrectionRequest.resource_type == resource_type, CorrectionRequest.resource_id == entry.id,
        CorrectionRequest.status.in_(OPEN_STATUSES)))
    if pending is not None:
        raise Conflict(lazy_text("health.corrections.correction_entry_already_being"), code="correction_pending",
                       request_id=pending)
    now = clock.now()
    request = CorrectionRequest(
        resident_id=subject.resident.id, resource_type=resource_type, resource_id=entry.id,
        facility_code=entry.facility_code, reason=reason, status=S.OPEN, requested_by=subject.actor.id,
        created_at=now, acknowledge_by=add_business_days(now, ACKNOWLEDGE_WITHIN),
        resolve_by=add_business_days(now, RESOLVE_WITHIN))
    session.add(request)
    session.flush()
    return _view(request, facility_names(session, {request.facility_code}))


def list_for_subject(session: Session, subject: Subject, *, limit: int, cursor: str | None) -> Page:
    stmt = select(CorrectionRequest).where(CorrectionRequest.resident_id == subject.resident.id)
    page = paginate(session, stmt, [CorrectionRequest.created_at, CorrectionRequest.id], limit=limit, cursor=cursor)
    names = facility_names(session, {r.facility_code for r in page.items})
    return Page([_view(r, names) for r in page.items], page.next_cursor)


def list_for_facility(ctx: Context, *, limit: int, cursor: str | None,
                      status: str | None = None) -> Page:
    """The facility's queue, newest first, with the patient masked for staff."""
    stmt = (select(CorrectionRequest).where(CorrectionRequest.facility_code == ctx.principal.facility_code))
    if status:
        stmt = stmt.where(CorrectionRequest.status == status)
    page = paginate(ctx.session, stmt, [CorrectionRequest.created_at, CorrectionRequest.id], limit=limit, cursor=cursor)
    names = facility_names(ctx.session, {r.facility_code for r in page.items})
    items = []
    for request in page.items:
        entry = ctx.session.get(BY_RESOURCE_TYPE[request.resource_type].model, request.resource_id)
        items.append(_view(request, names, patient=ctx.session.get(Resident, request.resident_id),
                           source_id=entry.source_id if entry else None))
    return Page(items, page.next_cursor)


def _facility_request(session: Session, principal: Principal, request_id: uuid.UUID) -> CorrectionRequest:
    request = session.scalar(select(CorrectionRequest).where(CorrectionRequest.public_id == request_id)
                             .with_for_update())
    if request is None or request.facility_code != principal.facility_code:
        raise NotFound(lazy_text("health.corrections.no_correction_request_id"), code="not_found")
    return request


def _move(request: CorrectionRequest, to: S) -> None:
    CORRECTIONS.check(request.status, to)
    request.status = S(to)


def acknowledge(ctx: Context, request_id: uuid.UUID) -> dict[str, Any]:
    request = _facility_request(ctx.session, ctx.principal, request_id)
    _move(request, S.ACKNOWLEDGED)
    request.acknowledged_at = ctx.clock.now()
    notify(ctx.session, request.requested_by, kind="health_correction", title=lazy_text("health.correction.received.title"),
           body=lazy_text("health.correction.received.body"),
           reference=f"health-correction:{request.id}")
    return _view(request, facility_names(ctx.session, {request.facility_code}))


def _born(session: Session, request: CorrectionRequest):
    return session.get(Resident, request.resident_id).date_of_birth


def _append_correction(session: Session, principal: Principal, request: CorrectionRequest,
                       changes: dict[str, Any]) -> None:
    kind = BY_RESOURCE_TYPE[request.resource_type]
    allowed = codes.CORRECTABLE_FIELDS[kind.resource_type]
    unknown = sorted(set(changes) - set(allowed))
    if not changes or unknown:
        raise ValidationFailed.on_field(f"changes.{unknown[0]}" if unknown else "changes",
                                        lazy_text("health.corrections.resource_type_s_correction", resource_type=kind.resource_type, items=', '.join(allowed)),
                                        "invalid_correction")
    entry = session.get(kind.model, request.resource_id)
    current = current_values(kind, entry, corrections_of(session, kind.resource_type, [entry.id]).get(entry.id, []))
    merged = {k: to_json_value(v) for k, v in current.items() if k != "derived"}
    merged.update(changes)
    try:
        check_item(kind.batch_key, merged, BatchContext(now=clock.now(), born=_born(session, request)))
    except ValidationFailed as error:
        error.errors = {f"changes.{k}": v for k, v in error.errors.items()}
        raise
    session.add(HealthCorrection(
        request_id=request.id, resource_type=kind.resource_type, resource_id=entry.id,
        changes={k: to_json_value(v) for k, v in changes.items()},
        previous={k: to_json_value(current[k]) for k in changes}, facility_code=request.facility_code,
        corrected_by=principal.account_id, corrected_at=clock.now()))
    summaries.refresh(session, entry.record_id)


def resolve(ctx: Context, request_id: uuid.UUID, *, outcome: str, note: str | None,
            changes: dict[str, Any] | None) -> dict[str, Any]:
    request = _facility_request(ctx.session, ctx.principal, request_id)
    note = (note or "").strip() or None
    if outcome not in OUTCOMES:
        raise ValidationFailed.on_field("outcome", lazy_text("health.corrections.one_items_s", items=', '.join(OUTCOMES)))
    if outcome == S.REFUSED and note is None:
        raise ValidationFailed.on_field("note", lazy_text("health.corrections.refusal_needs_reason"), "reason_required")
    _move(request, outcome)
    if outcome == S.CORRECTED:
        _append_correction(ctx.session, ctx.principal, request, changes or {})
    now = ctx.clock.now()
    request.acknowledged_at = request.acknowledged_at or now
    request.resolved_at, request.resolved_by, request.resolution_note = now, ctx.principal.account_id, note
    notify(ctx.session, request.requested_by, kind="health_correction",
           title=CORRECTION_TITLES[outcome],
           body=[note] if note else lazy_text("health.correction.made.body"),
           reference=f"health-correction:{request.id}")
    ctx.session.flush()
    return _view(request, facility_names(ctx.session, {request.facility_code}))

