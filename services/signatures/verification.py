"""Checking a signed PDF: intact, chained to the city CA, and not revoked when it was signed.

The signing time that counts is the signing service's own record of the signature (its
ledger), because only this service holds holders' keys. A signature the ledger does not
know has only the signer's claimed time: if its certificate is revoked, the answer is
indeterminate, never valid.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import (CertRevTrustPolicy, RevocationCheckingPolicy,
                                               RevocationCheckingRule)
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.signatures import Certificate, DocumentSignature
from services.context import Context
from services.errors import ValidationFailed
from services.identity import national_id as cccd
from services.signatures import certificates
from services.signatures.authority import CertificateAuthority, CertificateAuthorityError
from services.signatures.pdf import UNREADABLE_PDF, read_pdf
from services.signatures.signing import asn1_certificate

log = logging.getLogger(__name__)

# Chain only (pass 1), then the end-entity certificate against the CA's CRL (pass 2). The
# issuing CA is this service's own, so its status is known without an authority CRL.
CHAIN_ONLY = CertRevTrustPolicy(RevocationCheckingPolicy(RevocationCheckingRule.NO_CHECK,
                                                         RevocationCheckingRule.NO_CHECK))
CRL_REQUIRED = CertRevTrustPolicy(RevocationCheckingPolicy(RevocationCheckingRule.CRL_REQUIRED,
                                                           RevocationCheckingRule.NO_CHECK),
                                  retroactive_revinfo=True)


@dataclass
class SignatureReport:
    field_name: str | None
    intact: bool
    chain_trusted: bool
    revoked: bool | None  # revoked at signing time; None when it cannot be established
    revocation_status: str  # good | revoked_after_signing | revoked_before_signing | unknown
    status: str  # valid | invalid | indeterminate
    signer_name: str | None
    signer_masked: str | None
    certificate_serial: str
    signed_at: datetime | None
    signed_at_source: str | None  # signing_service | signer_claimed
    revoked_at: datetime | None = None
    revocation_reason: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.status == "valid"


@dataclass
class VerificationReport:
    signatures: list[SignatureReport]

    def __getattr__(self, name: str):  # the document's answer is its last signature's
        return getattr(self.signatures[-1], name)


def _context(authority: CertificateAuthority, policy: CertRevTrustPolicy, moment: datetime,
             crls: list[bytes] | None = None) -> ValidationContext:
    chain = authority.chain_pem()
    return ValidationContext(trust_roots=[asn1_certificate(p) for p in authority.trust_roots_pem()],
                             other_certs=[asn1_certificate(p) for p in chain[:-1]], moment=moment,
                             crls=crls or [], revinfo_policy=policy)


def _revocation(session: Session, authority: CertificateAuthority, embedded: EmbeddedPdfSignature,
                serial: str, moment: datetime, now: datetime) -> str:
    """good | revoked | unknown at `moment`, from a CRL the CA signs for this serial now."""
    try:
        crl = authority.crl(certificates.revoked_entries(session, now, serial=serial), now=now)
        status = validate_pdf_signature(embedded, _context(authority, CRL_REQUIRED, moment, [crl]),
                                        skip_diff=True)
    except CertificateAuthorityError as exc:
        log.warning("no CRL for verification: %s", exc)
        return "unknown"
    if status.revocation_details is not None:
        return "revoked"
    return "good" if status.trust_problem_indic is None else "unknown"


def _report(session: Session, authority: CertificateAuthority, embedded: EmbeddedPdfSignature,
            now: datetime) -> SignatureReport:
    signer = embedded.signer_cert
    serial = format(signer.serial_number, "X")
    subject = signer.subject.native
    national_id = subject.get("serial_number")
    record = session.scalar(select(Certificate).where(Certificate.serial == serial))
    digest = hashlib.sha256(embedded.signer_info["signature"].native).hexdigest()
    ledger = session.scalar(select(DocumentSignature).where(DocumentSignature.signature_digest == digest))
    attested = ledger.signed_at if ledger and record and ledger.certificate_id == record.id else None
    moment = attested or now

    first = validate_pdf_signature(embedded, _context(authority, CHAIN_ONLY, moment))
    intact = bool(first.intact and first.valid and first.docmdp_ok)
    chain_trusted = first.trust_problem_indic is None and first.validation_path is not None
    report = SignatureReport(
        field_name=embedded.field_name, intact=intact, chain_trusted=chain_trusted, revoked=None,
        revocation_status="unknown", status="invalid", signer_name=subject.get("common_name"),
        signer_masked=cccd.mask(national_id) if national_id and len(national_id) == 12 else None,
        certificate_serial=serial, signed_at=attested or first.signer_reported_dt,
        signed_at_source="signing_service" if attested else "signer_claimed",
        revoked_at=record.revoked_at if record else None,
        revocation_reason=record.revocation_reason if record else None)
    if not intact:
        report.problems.append("document_changed_after_signing")
    if not chain_trusted:
        report.problems.append(f"untrusted_chain:{first.trust_problem_indic}")
        return report
    at_moment = _revocation(session, authority, embedded, serial, moment, now)
    if at_moment == "revoked":
        report.revoked = True if attested else None
        report.revocation_status = "revoked_before_signing" if attested else "unknown"
    elif at_moment == "good":
        report.revoked = False
        revoked_later = record is not None and record.revoked_at is not None
        report.revocation_status = "revoked_after_signing" if revoked_later else "good"
    if report.revoked is None:
        report.problems.append("revocation_status_unknown")
        report.status = "indeterminate" if intact else "invalid"
    elif intact and not report.revoked:
        report.status = "valid"
    return report


def verify(ctx: Context, authority: CertificateAuthority, data: bytes, *, max_bytes: int) -> VerificationReport:
    session = ctx.session
    reader = read_pdf(data, max_bytes)
    try:
        embedded = reader.embedded_signatures
        if not embedded:
            raise ValidationFailed.on_field("file", "This PDF carries no signature.", "not_signed")
        now = ctx.clock.now()
        return VerificationReport([_report(session, authority, signature, now) for signature in embedded])
    except UNREADABLE_PDF as exc:  # a corrupted /ByteRange, a nested field tree, read only now
        raise ValidationFailed.on_field("file", "The PDF cannot be read.", "unreadable_pdf") from exc
