"""Online issuance for level-2 citizens (Decree 23/2025 art. 34): no counter, no appointment.

`submit` opens the request and texts a one-time code to the phone on record; `confirm` checks
the code and has the CA issue at once, with the same profile and the same one-open-request rule
as the counter path. Below level 2 the citizen is sent to a counter or to the e-ID sign-in.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models.identity import Account
from models.signatures import RequestChannel, SignatureProvider, SignatureRequest
from models.signatures import SignatureActorKind as Actor
from models.signatures import SignatureRequestStatus as S
from services.context import Context
from services.errors import BadRequest, Conflict, NotFound, ValidationFailed
from services.identity.assurance import Sensitive, check_level
from services.identity.otp import OtpChallenges
from services.identity.sms import SmsSender
from services.signatures import certificates, workflow
from services.signatures.authority import CertificateAuthority
from services.signatures.key_vault import KeyVault
from services.signatures.profile import KeyAlgorithm
from services.signatures.requests import _refuse_second, certificate_issued_note
from services.messages.sms import send_sms
from services.messages import DEFAULT_LANGUAGE, lazy_text, translate

CHALLENGE_KEY = "signature-request:{id}:challenge"


@dataclass(frozen=True)
class OnlineRequest:
    id: int
    public_id: uuid.UUID
    status: str
    challenge_id: str
    expires_at: datetime
    otp: str


def submit(ctx: Context, challenges: OtpChallenges, sms: SmsSender, *, provider_code: str) -> OnlineRequest:
    session, principal = ctx.session, ctx.principal
    account = session.get(Account, principal.account_id)
    check_level(account.assurance_level, Sensitive.CERTIFICATES)  # the row: fresher than the token
    if session.get(SignatureProvider, provider_code) is None:
        raise ValidationFailed.on_field("provider_code", lazy_text("signatures.online.provider_programme"), "unknown_provider")
    if not account.phone:
        raise ValidationFailed(lazy_text("signatures.online.account_no_phone_number"), code="no_phone")
    _refuse_second(session, account.id)
    now = ctx.clock.now()
    request = SignatureRequest(account_id=account.id, provider_code=provider_code, channel=RequestChannel.ONLINE,
                               status=S.SUBMITTED, created_at=now, updated_at=now)
    try:
        with session.begin_nested():
            session.add(request)
    except IntegrityError:  # a concurrent submit of the same citizen won the race
        _refuse_second(session, account.id)
        raise
    workflow.record(session, request, None, S.SUBMITTED, actor_id=account.id, actor_role=Actor.OWNER, note=None)
    issued = challenges.issue({"account_id": str(account.id), "request_id": request.id})
    ctx.kv.set(CHALLENGE_KEY.format(id=request.id), issued.challenge_id, exat=int(issued.expires_at.timestamp()))
    send_sms(sms, account.phone, "online_issuance_code", account.language, code=issued.otp)
    return OnlineRequest(request.id, request.public_id, request.status, issued.challenge_id, issued.expires_at,
                         issued.otp)


def confirm(ctx: Context, authority: CertificateAuthority, vault: KeyVault, challenges: OtpChallenges,
            request_id: uuid.UUID, otp: str) -> SignatureRequest:
    session, principal = ctx.session, ctx.principal
    request = session.scalar(select(SignatureRequest).where(SignatureRequest.public_id == request_id)
                             .with_for_update())
    if request is None or request.account_id != principal.account_id:
        raise NotFound(lazy_text("signatures.online.no_such_signature_request"))
    if request.channel != RequestChannel.ONLINE:
        raise Conflict(lazy_text("signatures.online.request_checked_counter"), code="not_an_online_request")
    challenge_id = ctx.kv.get(CHALLENGE_KEY.format(id=request.id))
    if not challenge_id:
        raise BadRequest(lazy_text("signatures.online.code_expired_was_already"), code="otp_expired")
    payload = challenges.redeem(challenge_id, otp)
    if payload.get("request_id") != request.id or payload.get("account_id") != str(principal.account_id):
        raise BadRequest(lazy_text("signatures.online.code_was_issued_request"), code="invalid_otp")
    account = session.get(Account, principal.account_id)
    check_level(account.assurance_level, Sensitive.CERTIFICATES)  # the row: fresher than the token
    # A history note is stored and read later by anyone: in Vietnamese (see certificate_issued_note).
    workflow.move(session, request, S.APPROVED, actor_id=None, actor_role=Actor.AUTHORITY,
                  note=translate(DEFAULT_LANGUAGE, "signatures.history.checked_online"))
    certificate = certificates.issue(session, authority, vault, account, provider_code=request.provider_code,
                                     counter_code=None, request_id=request.id,
                                     algorithm=KeyAlgorithm(ctx.settings.signature_key_algorithm))
    workflow.move(session, request, S.ISSUED, actor_id=None, actor_role=Actor.AUTHORITY,
                  note=certificate_issued_note(certificate.serial))
    ctx.kv.delete(CHALLENGE_KEY.format(id=request.id))
    session.flush()
    session.expire(request, ["certificate"])
    return request
