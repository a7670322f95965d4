"""Checking a signed PDF: intact, chained to the city CA, and not revoked when it was signed.

The signing time that counts is the signing service's own record of the signature (its
ledger), because only this service holds holders' keys. A signature the ledger does not
know has only the signer's claimed time: if its certificate is revoked, the answer is
indeterminate, never valid.
"""
from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import (CertRevTrustPolicy, RevocationCheckingPolicy,
                                               RevocationCheckingRule)
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.signatures import Certificate, DocumentSignature
from services.context import Context
from services.errors import Unavailable, ValidationFailed
from services.identity import national_id as cccd
from services.signatures import certificates, verdicts
from services.signatures.authority import CertificateAuthority, CertificateAuthorityError
from services.signatures.pdf import read_pdf
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
    trust_anchor: str | None = None  # the root the chain reached (RFC 4514)
    trust_path: list[str] = field(default_factory=list)  # the signer's issuer first, the anchor last
    problems: list[str] = field(default_factory=list)
    summary: str = ""  # one sentence in the reader's language

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


def _revocation(embedded: EmbeddedPdfSignature, authority: CertificateAuthority, crl: bytes | None,
                moment: datetime) -> str:
    """good | revoked | unknown at `moment`, against the CRL made once for this request."""
    if crl is None:
        return "unknown"
    status = validate_pdf_signature(embedded, _context(authority, CRL_REQUIRED, moment, [crl]), skip_diff=True)
    if status.revocation_details is not None:
        return "revoked"
    return "good" if status.trust_problem_indic is None else "unknown"


def _request_crl(session: Session, authority: CertificateAuthority, now: datetime) -> bytes | None:
    """One CRL of every revoked certificate, signed once per verification request."""
    try:
        return authority.crl(certificates.revoked_entries(session, now), now=now)
    except CertificateAuthorityError as exc:
        log.warning("no CRL for verification: %s", exc)
        return None


def _path_names(path) -> tuple[str | None, list[str]]:
    if path is None:
        return None, []
    leaf = path.leaf
    names = [cert.subject.human_friendly for cert in path.iter_certs(include_root=True) if cert is not leaf]
    return path.trust_anchor.authority.name.human_friendly, list(reversed(names))


def _report(session: Session, authority: CertificateAuthority, embedded: EmbeddedPdfSignature,
            now: datetime, crl: bytes | None) -> SignatureReport:
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
    anchor, path = _path_names(first.validation_path if chain_trusted else None)
    report = SignatureReport(
        field_name=embedded.field_name, intact=intact, chain_trusted=chain_trusted, revoked=None,
        revocation_status="unknown", status="invalid", signer_name=subject.get("common_name"),
        signer_masked=cccd.mask(national_id) if national_id and len(national_id) == 12 else None,
        certificate_serial=serial, signed_at=attested or first.signer_reported_dt,
        signed_at_source="signing_service" if attested else "signer_claimed",
        revoked_at=record.revoked_at if record else None,
        revocation_reason=record.revocation_reason if record else None, trust_anchor=anchor,
        trust_path=path)
    if not intact:
        report.problems.append("document_changed_after_signing")
    if not chain_trusted:
        report.problems.append(f"untrusted_chain:{first.trust_problem_indic}")
        return report
    at_moment = _revocation(embedded, authority, crl, moment)
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


# What makes pyHanko give up on a hostile file (a /ByteRange that lies, objects that recurse).
UNREADABLE = (PdfError, ValueError, KeyError, IndexError, TypeError, RecursionError, OverflowError)


class Budget:
    """The time one verification may take; spent, the request ends with 503 and Retry-After."""

    def __init__(self, milliseconds: int) -> None:
        self.deadline = time.monotonic() + milliseconds / 1000

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise Unavailable("Verification took too long; try again shortly.",
                              code="verification_time_exceeded")


def _byte_range_fits(embedded: EmbeddedPdfSignature, size: int) -> bool:
    """Two ranges, the first from byte 0, the second after it, both inside the file."""
    numbers = [int(n) for n in embedded.sig_object["/ByteRange"]]
    if len(numbers) != 4 or min(numbers) < 0:
        return False
    start, first, second, length = numbers
    return start == 0 and first <= second and second + length <= size


def _signatures(data: bytes, max_bytes: int, limit: int) -> list[EmbeddedPdfSignature]:
    reader = read_pdf(data, max_bytes)
    try:
        embedded = reader.embedded_signatures
    except UNREADABLE as exc:
        raise ValidationFailed.on_field("file", "The PDF cannot be read.", "unreadable_pdf") from exc
    if not embedded:
        raise ValidationFailed.on_field("file", "This PDF carries no signature.", "not_signed")
    if len(embedded) > limit:
        raise ValidationFailed(f"At most {limit} signatures are checked in one document.",
                               code="too_many_signatures", max_signatures=limit, found=len(embedded))
    try:
        fits = all(_byte_range_fits(signature, len(data)) for signature in embedded)
    except UNREADABLE:
        fits = False
    if not fits:
        raise ValidationFailed.on_field("file", "A signature's /ByteRange is corrupted.", "corrupted_signature")
    return embedded


def verify(ctx: Context, authority: CertificateAuthority, data: bytes, *, max_bytes: int,
           language: str = "vi") -> VerificationReport:
    """At most SIGNATURE_VERIFY_MAX_SIGNATURES signatures, one CRL, within the time budget."""
    settings = ctx.settings
    budget = Budget(settings.signature_verify_budget_ms)
    embedded = _signatures(data, max_bytes, settings.signature_verify_max_signatures)
    now = ctx.clock.now()
    crl = _request_crl(ctx.session, authority, now)
    reports = []
    for signature in embedded:
        budget.check()
        try:
            report = _report(ctx.session, authority, signature, now, crl)
        except UNREADABLE as exc:
            raise ValidationFailed.on_field("file", "A signature of this PDF is corrupted.",
                                            "corrupted_signature") from exc
        report.summary = verdicts.summary(report, language)
        reports.append(report)
    return VerificationReport(reports)
