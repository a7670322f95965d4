"""Signature requests: submit, follow, cancel; the counter's queue, approval and rejection."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.data_access import DataArea
from models.identity import Account, AccountStatus
from models.signatures import (OPEN_REQUEST_STATES, ServiceCounter, SignatureActorKind as Actor,
                               SignatureProvider, SignatureRequest, SignatureRequestStatus as S)
from services.clock import clock
from services.context import Context
from services.data_access import tracker
from services.errors import Conflict, ValidationFailed
from services.identity.accounts import raise_assurance
from services.pagination import Page, paginate
from services.signatures import access, certificates, workflow
from services.signatures.appointments import check_appointment
from services.signatures.authority import CertificateAuthority
from services.signatures.catalogues import check_counter_open
from services.signatures.key_vault import KeyVault
from services.signatures.profile import KeyAlgorithm
from services.messages import DEFAULT_LANGUAGE, LazyText, lazy_text, translate
from services.reference.agency_timeline import hanoi_day


def certificate_issued_note(serial: str) -> str:
    """The history note of an issuance. A history note is stored text that people read later
    (the request's history, the notice of the move), beside the officers' own notes, which they
    write in Vietnamese: so it is stored in Vietnamese, the catalogue's source language, and not
    in the language of whoever happened to make the request move."""
    return translate(DEFAULT_LANGUAGE, "signatures.history.certificate_issued", serial=serial)


def _open_request_of(session: Session, account_id: uuid.UUID) -> SignatureRequest | None:
    return session.scalar(select(SignatureRequest).where(
        SignatureRequest.account_id == account_id, SignatureRequest.status.in_(OPEN_REQUEST_STATES)))


def _refuse_second(session: Session, account_id: uuid.UUID) -> None:
    existing = _open_request_of(session, account_id)
    if existing is not None:
        raise Conflict(lazy_text("signatures.requests.already_open_signature_request"), code="open_request_exists",
                       existing_id=str(existing.public_id))
    certificate = certificates.valid_certificate_of(session, account_id, clock.now())
    if certificate is not None:
        raise Conflict(lazy_text("signatures.requests.already_hold_valid_certificate"), code="certificate_exists",
                       existing_id=certificate.serial)


def submit(ctx: Context, *, provider_code: str, counter_code: str | None = None,
           appointment_date: date | None = None) -> SignatureRequest:
    """The counter channel: the identity is checked in person at `counter_code` on `appointment_date`."""
    session, principal = ctx.session, ctx.principal
    missing = {name: [lazy_text("signatures.requests.needed_for_counter")]
               for name, value in (("counter_code", counter_code), ("appointment_date", appointment_date))
               if value is None}
    if missing:
        raise ValidationFailed(lazy_text("signatures.requests.counter_channel_needs_counter"),
                               errors=missing, code="visit_required")
    if session.get(SignatureProvider, provider_code) is None:
        raise ValidationFailed.on_field("provider_code", lazy_text("signatures.requests.provider_programme"), "unknown_provider")
    counter = session.get(ServiceCounter, counter_code)
    if counter is None:
        raise ValidationFailed.on_field("counter_code", lazy_text("signatures.requests.one_stop_counter"), "unknown_counter")
    now = ctx.clock.now()
    check_appointment(appointment_date, now)
    check_counter_open(session, counter, appointment_date)
    _refuse_second(session, principal.account_id)
    request = SignatureRequest(account_id=principal.account_id, provider_code=provider_code,
                               counter_code=counter_code, appointment_date=appointment_date,
                               status=S.SUBMITTED, created_at=now, updated_at=now)
    try:
        with session.begin_nested():
            session.add(request)
    except IntegrityError:  # a concurrent submit of the same citizen won the race
        _refuse_second(session, principal.account_id)
        raise
    workflow.record(session, request, None, S.SUBMITTED, actor_id=principal.account_id,
                    actor_role=Actor.OWNER, note=None)
    return request


def get(ctx: Context, request_id: uuid.UUID) -> SignatureRequest:
    session, principal = ctx.session, ctx.principal
    request = session.scalar(select(SignatureRequest).where(SignatureRequest.public_id == request_id))
    if access.check_reader(session, principal, _today(ctx), request) == Actor.OFFICER:
        _tracked(ctx, request, "request_viewed")
    return request


def _tracked(ctx: Context, request: SignatureRequest, action: str) -> None:
    """An officer's look-up or decision, written to the applicant's data-access log."""
    tracker.record(ctx, request.applicant.national_id, DataArea.SIGNATURES, action,
                   f"signature-request/{request.public_id}")


def _today(ctx: Context) -> date:
    return hanoi_day(ctx.clock.now())


def _locked_for_officer(ctx: Context, request_id: uuid.UUID) -> SignatureRequest:
    """The request to decide, locked, if it is at one of the officer's counters; an officer
    whose agency ended gets 403 before anything is looked up."""
    counters = access.officer_counters(ctx.session, ctx.principal, _today(ctx))
    request = _locked(ctx.session, request_id)
    if request.counter_code not in counters:
        raise access.no_such("request")
    return request


def _locked(session: Session, request_id: uuid.UUID) -> SignatureRequest:
    request = session.scalar(select(SignatureRequest).where(SignatureRequest.public_id == request_id)
                             .with_for_update().execution_options(populate_existing=True))
    if request is None:
        raise access.no_such("request")
    return request


def list_mine(ctx: Context, *, limit: int, cursor: str | None) -> Page[SignatureRequest]:
    session, account_id = ctx.session, ctx.principal.account_id
    return paginate(session, select(SignatureRequest).where(SignatureRequest.account_id == account_id),
                    [SignatureRequest.created_at, SignatureRequest.id], limit=limit, cursor=cursor)


def queue(ctx: Context, *, limit: int, cursor: str | None,
          status: str | None = None, day: date | None = None) -> Page[SignatureRequest]:
    """The requests booked at the officer's counter(s), oldest first."""
    session, principal = ctx.session, ctx.principal
    stmt = select(SignatureRequest).where(
        SignatureRequest.counter_code.in_(access.officer_counters(session, principal, _today(ctx))))
    if status:
        stmt = stmt.where(SignatureRequest.status == status)
    if day:
        stmt = stmt.where(SignatureRequest.appointment_date == day)
    return paginate(session, stmt, [SignatureRequest.created_at, SignatureRequest.id], limit=limit,
                    cursor=cursor, descending=False)


def cancel(ctx: Context, request_id: uuid.UUID) -> SignatureRequest:
    session, principal = ctx.session, ctx.principal
    request = _locked(session, request_id)
    if not access.is_owner(principal, request.account_id):
        raise access.no_such("request")
    workflow.move(session, request, S.CANCELLED, actor_id=principal.account_id, actor_role=Actor.OWNER)
    return request


def reject(ctx: Context, request_id: uuid.UUID, reason: str) -> SignatureRequest:
    session, principal = ctx.session, ctx.principal
    request = _locked_for_officer(ctx, request_id)
    workflow.move(session, request, S.REJECTED, actor_id=principal.account_id, actor_role=Actor.OFFICER,
                  note=reason)
    request.reject_reason = reason
    _tracked(ctx, request, "request_rejected")
    return request


def approve(ctx: Context, authority: CertificateAuthority, vault: KeyVault,
            request_id: uuid.UUID, note: str | LazyText | None = None) -> SignatureRequest:
    """The in-person check passed: level 2, then the CA issues; all in the caller's transaction.
    `note` is the officer's own words, or a system text kept in Vietnamese like every history note."""
    session, principal = ctx.session, ctx.principal
    request = _locked_for_officer(ctx, request_id)
    workflow.move(session, request, S.APPROVED, actor_id=principal.account_id, actor_role=Actor.OFFICER,
                  note=translate(DEFAULT_LANGUAGE, note) if isinstance(note, LazyText) else note)
    account = session.get(Account, request.account_id)
    if account.status != AccountStatus.ACTIVE:
        raise Conflict(lazy_text("signatures.requests.citizen_s_account_locked"), code="account_inactive")
    raise_assurance(session, account, officer_id=principal.account_id,
                    agency_code=principal.agency_code, method="in_person")
    _tracked(ctx, request, "request_approved")
    tracker.record(ctx, account.national_id, DataArea.IDENTITY, "level_raised", "level 2 (in_person)")
    certificate = certificates.issue(session, authority, vault, account, provider_code=request.provider_code,
                                     counter_code=request.counter_code, request_id=request.id,
                                     algorithm=KeyAlgorithm(ctx.settings.signature_key_algorithm))
    workflow.move(session, request, S.ISSUED, actor_id=None, actor_role=Actor.AUTHORITY,
                  note=certificate_issued_note(certificate.serial))
    session.flush()
    session.expire(request, ["certificate"])
    return request
