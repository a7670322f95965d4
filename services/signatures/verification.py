"""Checking a signed PDF: intact, chained to a trusted root, and not revoked when it was signed.

The signing time that counts is a trusted RFC 3161 timestamp on the signature (issue 14,
point 9); anything else is the signer's claim and proves nothing. Revocation is judged at the
timestamp's time; without a timestamp, at the time of checking: a revoked certificate then
makes the signature indeterminate, and invalid when the key was compromised. Its sources are
asked in order (services/signatures/revocation.py): the document's embedded data when the
signature is timestamped, then OCSP, then the CRL; each signature is validated by pyHanko once.

The time budget is checked before each signature, after its validation and before each
revocation source. One pyHanko validation of one signature cannot be interrupted: its length is
bounded by the PDF size limit and, for another CA's signer, by the fetch timeout.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import (CertRevTrustPolicy, RevocationCheckingPolicy,
                                               RevocationCheckingRule)
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.signatures import Certificate
from services.context import Context
from services.errors import Unavailable, ValidationFailed
from services.identity import national_id as cccd
from services.signatures import trust, verdicts
from services.signatures.authority import CertificateAuthority
from services.signatures.pades_levels import (DocumentTimestampReport, check_document_timestamp,
                                              is_document_timestamp, level_of)
from services.signatures.foreign_revocation import FETCH_TIMEOUT_SECONDS, ForeignRevocation
from services.signatures.revocation import (CityRevocation, ContextFor, EmbeddedRevocation, Revocation,
                                            RevocationSource, first_answer)
from services.signatures.pdf import UNREADABLE_PDF, read_pdf
from services.signatures.signing import asn1_certificate
from services.messages import lazy_text


# The signature is validated once, chain only; the chain it found is then checked against its
# revocation sources. The issuing CA is this service's own, so its status is known without an ARL.
CHAIN_ONLY = CertRevTrustPolicy(RevocationCheckingPolicy(RevocationCheckingRule.NO_CHECK,
                                                         RevocationCheckingRule.NO_CHECK))


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
    signed_at_source: str | None  # timestamp (a trusted RFC 3161 token) | claimed (the signer's own)
    revoked_at: datetime | None = None
    revocation_reason: str | None = None
    trust_anchor: str | None = None  # the root the chain reached (RFC 4514)
    trust_path: list[str] = field(default_factory=list)  # the signer's issuer first, the anchor last
    problems: list[str] = field(default_factory=list)
    summary: str = ""  # one sentence in the reader's language
    level: str | None = None  # the PAdES baseline level reached: B-B, B-T, B-LT or B-LTA
    revocation_source: str | None = None  # embedded | ocsp | crl: the source that answered

    @property
    def valid(self) -> bool:
        return self.status == "valid"


@dataclass
class VerificationReport:
    signatures: list[SignatureReport]
    document_timestamps: list[DocumentTimestampReport] = field(default_factory=list)

    def __getattr__(self, name: str):  # the document's answer is its last signature's
        return getattr(self.signatures[-1], name)


@dataclass(frozen=True)
class Roots:
    """What a verification trusts: the city root and the imported anchors, and the issuing CA."""

    anchors: list
    intermediates: list
    city: frozenset[str] = frozenset()  # the city roots' names: only their chains have our revocation data


@lru_cache(maxsize=64)
def _certificate(pem_text: str):
    """Parsed once per process: the prepared names pyHanko compares are kept on the object."""
    return asn1_certificate(pem_text)


def _roots(authority: CertificateAuthority, extra_anchors_pem: list[str]) -> Roots:
    city = [_certificate(p) for p in authority.trust_roots_pem()]
    return Roots([*city, *(_certificate(p) for p in extra_anchors_pem)],
                 [_certificate(p) for p in authority.chain_pem()[:-1]],
                 frozenset(c.subject.human_friendly for c in city))


def _context(roots: Roots, policy: CertRevTrustPolicy, moment: datetime, *,
             crls: list[bytes] | tuple[bytes, ...] = (), ocsps: list[bytes] | tuple[bytes, ...] = ()
             ) -> ValidationContext:
    return ValidationContext(trust_roots=roots.anchors, other_certs=roots.intermediates, moment=moment,
                             crls=list(crls), ocsps=list(ocsps), revinfo_policy=policy, allow_fetching=False)


def _path_names(path) -> tuple[str | None, list[str]]:
    if path is None:
        return None, []
    leaf = path.leaf
    names = [cert.subject.human_friendly for cert in path.iter_certs(include_root=True) if cert is not leaf]
    return path.trust_anchor.authority.name.human_friendly, list(reversed(names))


def _trusted_timestamp(status) -> datetime | None:
    """The time of the signature's RFC 3161 token when it is intact and chains to a trusted root."""
    stamp = status.timestamp_validity
    if stamp is None or not (stamp.intact and stamp.valid and stamp.trusted):
        return None
    return stamp.timestamp


def _chain_pass(embedded: EmbeddedPdfSignature, roots: Roots, moment: datetime):
    chain_only = _context(roots, CHAIN_ONLY, moment)
    return validate_pdf_signature(embedded, chain_only, ts_validation_context=chain_only)


def _judge_revocation(report: SignatureReport, at_moment: str, stamped: bool, revoked_later: bool) -> None:
    """Revocation by trusted time (issue 14, point 9): only a timestamp proves the signature
    existed before a revocation; a compromised key without one makes the signature invalid."""
    if at_moment == "good":
        report.revoked = False
        report.revocation_status = "revoked_after_signing" if revoked_later else "good"
        return
    if at_moment == "revoked" and stamped:
        report.revoked, report.revocation_status = True, "revoked_before_signing"
        return
    if at_moment == "revoked":
        report.revocation_status = "revoked_without_trusted_time"
        report.problems.append("no_timestamp_before_revocation")
        if report.revocation_reason == "key_compromise":
            report.problems.append("key_compromised")
            return  # status stays invalid
    report.problems.append("revocation_status_unknown")
    report.status = "indeterminate" if report.intact else "invalid"


@dataclass(frozen=True)
class RequestData:
    """What one verification request gathers once and every signature uses."""

    roots: Roots
    city: CityRevocation
    foreign: ForeignRevocation
    embedded: EmbeddedRevocation
    budget: "Budget"
    now: datetime

    def sources(self, city: bool, signer_der: bytes, stamped: bool) -> list[tuple[RevocationSource, ContextFor]]:
        """Where the signer's revocation is asked, in order: the document's own data (when a
        trusted timestamp says when it applies), then OCSP, then the CRL."""
        roots, stored = self.roots, self.embedded
        found: list[tuple[RevocationSource, ContextFor]] = []
        if stamped and stored.present:
            found.append((RevocationSource.EMBEDDED, lambda policy, moment: _context(
                roots, policy, moment, crls=stored.crls, ocsps=stored.ocsps)))
        if not city:  # another licensed CA's chain: its certificate's own OCSP / CRL addresses
            return found + self.foreign.sources()

        def ocsp(policy: CertRevTrustPolicy, moment: datetime) -> ValidationContext | None:
            answer = self.city.ocsp_answer(signer_der)
            return _context(roots, policy, moment, ocsps=[answer]) if answer else None

        def crl(policy: CertRevTrustPolicy, moment: datetime) -> ValidationContext | None:
            crls = self.city.crls()
            return _context(roots, policy, moment, crls=crls) if crls else None
        return [*found, (RevocationSource.OCSP, ocsp), (RevocationSource.CRL, crl)]


def _foreign_revoked_since(data: RequestData, path, answer: Revocation, stamped: bool) -> Revocation:
    """For another CA's signer good at its timestamp: what its addresses say now (fetched already)."""
    if answer.status != "good" or not stamped:
        return answer
    return first_answer(path, data.now, data.foreign.sources(), data.budget.check)


def _report(session: Session, data: RequestData, embedded: EmbeddedPdfSignature) -> SignatureReport:
    signer, roots, now = embedded.signer_cert, data.roots, data.now
    serial = format(signer.serial_number, "X")
    subject = signer.subject.native
    national_id = subject.get("serial_number")
    record = session.scalar(select(Certificate).where(Certificate.serial == serial))
    first = _chain_pass(embedded, roots, now)
    stamped = _trusted_timestamp(first)
    moment = stamped or now
    if stamped and first.trust_problem_indic is not None:  # expired since: judge the chain when stamped
        first = _chain_pass(embedded, roots, moment)
    intact = bool(first.intact and first.valid and first.docmdp_ok)
    chain_trusted = first.trust_problem_indic is None and first.validation_path is not None
    anchor, path = _path_names(first.validation_path if chain_trusted else None)
    report = SignatureReport(
        field_name=embedded.field_name, intact=intact, chain_trusted=chain_trusted, revoked=None,
        revocation_status="unknown", status="invalid", signer_name=subject.get("common_name"),
        signer_masked=cccd.mask(national_id) if national_id and len(national_id) == 12 else None,
        certificate_serial=serial, signed_at=stamped or first.signer_reported_dt,
        signed_at_source="timestamp" if stamped else "claimed",
        revoked_at=record.revoked_at if record else None,
        revocation_reason=record.revocation_reason if record else None, trust_anchor=anchor,
        trust_path=path)
    if not intact:
        report.problems.append("document_changed_after_signing")
    if not chain_trusted:
        report.problems.append(f"untrusted_chain:{first.trust_problem_indic}")
        return report
    data.budget.check()  # the signature's validation may have spent it
    city = anchor in roots.city
    answer = first_answer(first.validation_path, moment, data.sources(city, signer.dump(), stamped is not None),
                          data.budget.check)
    report.revocation_source = answer.source
    if city:
        revoked_later = record is not None and record.revoked_at is not None
    else:
        latest = _foreign_revoked_since(data, first.validation_path, answer, stamped is not None)
        report.revoked_at, report.revocation_reason = latest.revoked_at, latest.reason
        revoked_later = answer.status == "good" and latest.status == "revoked"
    _judge_revocation(report, answer.status, stamped is not None, revoked_later)
    if intact and report.revoked is False:
        report.status = "valid"
    return report


# What makes pyHanko give up on a hostile file (a /ByteRange that lies, objects that recurse).
UNREADABLE = UNREADABLE_PDF


class Budget:
    """The time one verification may take; spent, the request ends with 503 and Retry-After."""

    def __init__(self, milliseconds: int) -> None:
        self.deadline = time.monotonic() + milliseconds / 1000

    def remaining(self) -> float:
        """Seconds left (at least a tenth: a fetch needs some time to fail cleanly)."""
        return max(0.1, self.deadline - time.monotonic())

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise Unavailable(lazy_text("signatures.verification.verification_took_too_long"),
                              code="verification_time_exceeded")


def _byte_range_fits(embedded: EmbeddedPdfSignature, size: int) -> bool:
    """Two ranges, the first from byte 0, the second after it, both inside the file."""
    numbers = [int(n) for n in embedded.sig_object["/ByteRange"]]
    if len(numbers) != 4 or min(numbers) < 0:
        return False
    start, first, second, length = numbers
    return start == 0 and first <= second and second + length <= size


def _refuse_too_many(reader, limit: int) -> None:
    """Counts the filled signature fields before any signature is parsed: the refusal stays cheap."""
    try:
        found = sum(1 for _ in enumerate_sig_fields(reader, filled_status=True))
    except UNREADABLE as exc:
        raise ValidationFailed.on_field("file", lazy_text("signatures.verification.pdf_cannot_read"), "unreadable_pdf") from exc
    if found > limit:
        raise ValidationFailed(lazy_text("signatures.verification.most_limit_s_signatures", limit=limit),
                               code="too_many_signatures", max_signatures=limit, found=found)


def signatures_of(data: bytes, max_bytes: int, limit: int) -> list[EmbeddedPdfSignature]:
    """Every signature and document timestamp of the PDF, refused past `limit` or when none is there."""
    reader = read_pdf(data, max_bytes)
    _refuse_too_many(reader, limit)
    try:
        embedded = reader.embedded_signatures
    except UNREADABLE as exc:
        raise ValidationFailed.on_field("file", lazy_text("signatures.verification.pdf_cannot_read"), "unreadable_pdf") from exc
    if not embedded:
        raise ValidationFailed.on_field("file", lazy_text("signatures.verification.pdf_carries_no_signature"), "not_signed")
    try:
        fits = all(_byte_range_fits(signature, len(data)) for signature in embedded)
    except UNREADABLE:
        fits = False
    if not fits:
        raise ValidationFailed.on_field("file", lazy_text("signatures.verification.signature_s_byterange_corrupted"), "corrupted_signature")
    return embedded


def _corrupted() -> ValidationFailed:
    return ValidationFailed.on_field("file", lazy_text("signatures.verification.signature_pdf_corrupted"),
                                     "corrupted_signature")


def _document_timestamps(embedded: list[EmbeddedPdfSignature], roots: Roots, now: datetime,
                         budget: Budget) -> list[DocumentTimestampReport]:
    reports = []
    for stamp in (e for e in embedded if is_document_timestamp(e)):
        budget.check()
        try:
            reports.append(check_document_timestamp(stamp, _context(roots, CHAIN_ONLY, now)))
        except UNREADABLE as exc:
            raise _corrupted() from exc
    return reports


def verify(ctx: Context, authority: CertificateAuthority, data: bytes, *, max_bytes: int,
           language: str = "vi") -> VerificationReport:
    """At most SIGNATURE_VERIFY_MAX_SIGNATURES signatures, revocation data gathered once, within
    the time budget."""
    settings = ctx.settings
    budget = Budget(settings.signature_verify_budget_ms)
    embedded = signatures_of(data, max_bytes, settings.signature_verify_max_signatures)
    signatures = [e for e in embedded if not is_document_timestamp(e)]
    if not signatures:
        raise ValidationFailed.on_field("file", lazy_text("signatures.verification.pdf_carries_no_signature"), "not_signed")
    now = ctx.clock.now()
    roots = _roots(authority, trust.anchors_pem(ctx.session))
    stamps = _document_timestamps(embedded, roots, now, budget)
    try:
        stored = EmbeddedRevocation.read(signatures[0].reader)
    except UNREADABLE as exc:
        raise _corrupted() from exc
    data = RequestData(roots, CityRevocation(ctx, authority), ForeignRevocation(
        roots.anchors, roots.intermediates, min(FETCH_TIMEOUT_SECONDS, budget.remaining())), stored, budget, now)
    reports = []
    for signature in signatures:
        budget.check()
        try:
            report = _report(ctx.session, data, signature)
        except UNREADABLE as exc:
            raise _corrupted() from exc
        report.level = level_of(signature, report.signed_at_source == "timestamp", stored.present, stamps)
        report.summary = verdicts.summary(report, language)
        reports.append(report)
    return VerificationReport(reports, stamps)
