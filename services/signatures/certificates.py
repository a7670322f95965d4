"""Certificates: issuance through the CA, the holder's list, revocation, renewal, the CRL."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.identity import Account
from models.signatures import Certificate, CertificateKey, CertificateStatus, SignatureActorKind
from services.clock import clock
from services.context import Context
from services.errors import NotFound, Unavailable, ValidationFailed
from services.identity.national_id import last4_mask
from services.messages import lazy_text
from services.notifications.inbox import notify
from services.pagination import Page, paginate
from services.reference.agency_timeline import hanoi_day
from services.signatures import access
from services.signatures.authority import (REVOCATION_REASONS, CertificateAuthority,
                                           CertificateAuthorityError, CertificateSubject, RevokedEntry)
from services.signatures.key_vault import KeyVault, SealedKey
from services.signatures.profile import KeyAlgorithm, new_holder_key
from services.signatures.workflow import check_certificate_move

log = logging.getLogger(__name__)

RENEWAL_WINDOW = timedelta(days=30)
# Revoked certificates stay on the published CRL this long after they expire (RFC 5280 5.1.2.6).
CRL_KEEP_AFTER_EXPIRY = timedelta(days=7)


def status_of(certificate: Certificate, now: datetime) -> CertificateStatus:
    if certificate.revoked_at is not None:
        return CertificateStatus.REVOKED
    if certificate.valid_to <= now:
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


def valid_certificate_of(session: Session, account_id: uuid.UUID, now: datetime) -> Certificate | None:
    return session.scalar(select(Certificate).where(
        Certificate.account_id == account_id, Certificate.revoked_at.is_(None),
        Certificate.valid_to > now).order_by(Certificate.valid_to.desc()).limit(1))


def issue(session: Session, authority: CertificateAuthority, vault: KeyVault, account: Account, *,
          provider_code: str, counter_code: str | None, request_id: int | None = None,
          renewed_from: Certificate | None = None,
          algorithm: KeyAlgorithm = KeyAlgorithm.ECDSA_P256) -> Certificate:
    """A new key pair (`algorithm`, Circular 15/2025) and certificate for `account`; nothing is
    written if the CA fails."""
    now = clock.now()
    key = new_holder_key(algorithm)
    try:
        issued = authority.issue(CertificateSubject(account.full_name, account.national_id),
                                 key.public_pem, not_before=now)
    except CertificateAuthorityError as exc:
        log.warning("certificate authority failed: %s", exc)
        raise Unavailable(lazy_text("signatures.certificates.certificate_authority_did_issue"),
                          code="certificate_authority_unavailable") from exc
    certificate = Certificate(
        account_id=account.id, request_id=request_id, provider_code=provider_code,
        counter_code=counter_code, renewed_from_id=renewed_from.id if renewed_from else None,
        serial=issued.serial, subject=issued.subject, pem=issued.pem, valid_from=issued.valid_from,
        valid_to=issued.valid_to, created_at=now)
    session.add(certificate)
    session.flush()
    sealed = vault.seal(key, issued.serial)
    session.add(CertificateKey(certificate_id=certificate.id, key_id=sealed.key_id, ciphertext=sealed.ciphertext))
    return certificate


def sealed_key_of(session: Session, certificate: Certificate) -> SealedKey:
    row = session.get(CertificateKey, certificate.id)
    if row is None:
        raise NotFound(lazy_text("signatures.certificates.certificate_no_key_remote"), code="no_signing_key")
    return SealedKey(row.key_id, row.ciphertext)


def list_mine(ctx: Context, *, limit: int, cursor: str | None) -> Page[Certificate]:
    session, account_id = ctx.session, ctx.principal.account_id
    return paginate(session, select(Certificate).where(Certificate.account_id == account_id),
                    [Certificate.created_at, Certificate.id], limit=limit, cursor=cursor)


def _by_serial(session: Session, serial: str, *, lock: bool = False) -> Certificate:
    stmt = select(Certificate).where(Certificate.serial == serial.upper().lstrip("0"))
    certificate = session.scalar(stmt.with_for_update() if lock else stmt)
    if certificate is None:
        raise NotFound(lazy_text("signatures.certificates.no_such_certificate"))
    return certificate


def _revoke(certificate: Certificate, reason: str, by: uuid.UUID | None, now: datetime) -> None:
    check_certificate_move(status_of(certificate, now), CertificateStatus.REVOKED)
    # Whole seconds, as a CRL states it: the record and the CRL never disagree.
    certificate.revoked_at = now.replace(microsecond=0)
    certificate.revocation_reason, certificate.revoked_by = reason, by


@dataclass(frozen=True)
class StaffCertificate:
    """A certificate as an officer sees it: the holder's ID number masked (last 4), no PEM."""

    serial: str
    subject: str
    valid_from: datetime
    valid_to: datetime
    revoked_at: datetime | None
    revocation_reason: str | None
    provider_code: str
    counter_code: str
    pem: None = None


def for_staff(session: Session, certificate: Certificate) -> StaffCertificate:
    national_id = session.get(Account, certificate.account_id).national_id
    return StaffCertificate(
        serial=certificate.serial, subject=certificate.subject.replace(national_id, last4_mask(national_id)),
        valid_from=certificate.valid_from, valid_to=certificate.valid_to, revoked_at=certificate.revoked_at,
        revocation_reason=certificate.revocation_reason, provider_code=certificate.provider_code,
        counter_code=certificate.counter_code)


def revoke(ctx: Context, serial: str, reason: str) -> Certificate | StaffCertificate:
    session, principal = ctx.session, ctx.principal
    if reason not in REVOCATION_REASONS:
        raise ValidationFailed.on_field("reason", lazy_text("signatures.certificates.one_items_s", items=', '.join(REVOCATION_REASONS)), "invalid_reason")
    access.check_officer_open(session, principal, hanoi_day(ctx.clock.now()))
    certificate = _by_serial(session, serial, lock=True)
    reader = access.check_revoker(principal, certificate.account_id)
    _revoke(certificate, reason, principal.account_id, ctx.clock.now())
    notify(session, certificate.account_id, kind="certificate_revoked", title=lazy_text("certificate.revoked.title"),
           body=lazy_text("certificate.revoked.body", serial=certificate.serial, reason=reason),
           reference=f"certificate:{certificate.serial}")
    return certificate if reader == SignatureActorKind.OWNER else for_staff(session, certificate)


def renew(ctx: Context, authority: CertificateAuthority, vault: KeyVault,
          serial: str) -> Certificate:
    """A new certificate (new key) without a counter visit; the old one is superseded."""
    session, principal = ctx.session, ctx.principal
    old = _by_serial(session, serial, lock=True)
    if not access.is_owner(principal, old.account_id):
        raise NotFound(lazy_text("signatures.certificates.no_such_certificate"))
    now = ctx.clock.now()
    check_certificate_move(status_of(old, now), CertificateStatus.REVOKED)  # revoked or expired: 409
    renewable_from = old.valid_to - RENEWAL_WINDOW
    if now < renewable_from:
        raise ValidationFailed(lazy_text("signatures.certificates.certificate_can_renewed_from"),
                               errors={"serial": [lazy_text("signatures.certificates.too_early_renew")]}, code="renewal_too_early",
                               renewable_from=renewable_from.isoformat())
    account = session.get(Account, old.account_id)
    new = issue(session, authority, vault, account, provider_code=old.provider_code,
                counter_code=old.counter_code, renewed_from=old,
                algorithm=KeyAlgorithm(ctx.settings.signature_key_algorithm))
    _revoke(old, "superseded", principal.account_id, now)
    notify(session, account.id, kind="certificate_renewed", title=lazy_text("certificate.renewed.title"),
           body=lazy_text("certificate.renewed.body", serial=new.serial, valid_to=new.valid_to.date(),
                          old_serial=old.serial),
           reference=f"certificate:{new.serial}")
    return new


def revoked_entries(session: Session, now: datetime, serial: str | None = None) -> list[RevokedEntry]:
    stmt = select(Certificate.serial, Certificate.revoked_at, Certificate.revocation_reason).where(
        Certificate.revoked_at.is_not(None))
    stmt = stmt.where(Certificate.serial == serial) if serial else stmt.where(
        Certificate.valid_to > now - CRL_KEEP_AFTER_EXPIRY)
    return [RevokedEntry(s, at, reason) for s, at, reason in session.execute(stmt.order_by(Certificate.id))]


def published_chain(ctx: Context, authority: CertificateAuthority) -> dict[str, object]:
    """The root and the issuing CA certificate in PEM, as `GET /ca/certificates` publishes them."""
    root, issuing = authority.ca_certificates()
    return {"root": root, "issuing": issuing, "certificates": [root, issuing]}


# The CA certificates published one by one in DER, where the certificates' authority-information
# access (caIssuers) points: an issuing CA certificate names root.cer, an end entity issuing.cer.
PUBLISHED_CERTIFICATES = {"root": 0, "issuing": 1}  # name -> place in authority.ca_certificates()


def published_certificate(ctx: Context, authority: CertificateAuthority, name: str) -> bytes:
    """The root's or the issuing CA's certificate in DER (`application/pkix-cert`, RFC 5280 4.2.2.1)."""
    if name not in PUBLISHED_CERTIFICATES:
        raise NotFound(lazy_text("signatures.certificates.no_such_certificate"))
    pem = authority.ca_certificates()[PUBLISHED_CERTIFICATES[name]]
    return x509.load_pem_x509_certificate(pem.encode()).public_bytes(Encoding.DER)


def current_crl(ctx: Context, authority: CertificateAuthority) -> bytes:
    """The issuing CA's CRL (DER), signed now."""
    session = ctx.session
    now = ctx.clock.now()
    try:
        return authority.crl(revoked_entries(session, now), now=now)
    except CertificateAuthorityError as exc:
        raise Unavailable(lazy_text("signatures.certificates.certificate_authority_cannot_sign"),
                          code="certificate_authority_unavailable") from exc
