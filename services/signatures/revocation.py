"""Whether a signer's certificate was revoked at a moment, asked of its sources in order.

Issue 14, point 5: the document's own revocation data first when the signature carries a trusted
timestamp (the DSS of a B-LT / B-LTA file: it was gathered when the document was signed or
archived, and keeps the answer after a later revocation), then OCSP, then the CRL. The first
source that gives an answer (good or revoked) decides and is named in the report; a source that
has nothing, or whose data does not cover the moment, passes to the next. pyHanko reads an OCSP
answer "revoked at T" as no answer for a moment before T (a certificate revoked after its
signature's timestamp), so the CRL, which says "good then", answers for those. OCSP is asked only
of certificates naming a responder (SIGNATURE_OCSP_URL, required in production).

The city's sources are made once per request by `CityRevocation`: the OCSP answer of each
certificate from the city's own responder, in process (the code behind `/ca/ocsp`), and the CRL
only when an OCSP answer is missing. Another CA's sources are its own addresses, fetched by
`ForeignRevocation` (services/signatures/foreign_revocation.py).
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from weakref import WeakKeyDictionary

from cryptography import x509
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import ValidationInfoReadingError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathError, RevokedError, ValidationError
from pyhanko_certvalidator.path import ValidationPath
from pyhanko_certvalidator.policy_decl import (CertRevTrustPolicy, RevocationCheckingPolicy,
                                               RevocationCheckingRule)
from pyhanko_certvalidator.validate import validate_path

from services.context import Context
from services.errors import Unavailable
from services.signatures import certificates, city_services
from services.signatures.authority import CertificateAuthority, CertificateAuthorityError, RevokedEntry

log = logging.getLogger(__name__)


class RevocationSource(StrEnum):
    EMBEDDED = "embedded"  # the document's DSS (OCSP answers and CRLs it carries)
    OCSP = "ocsp"
    CRL = "crl"


def _signer_must_have(rule: RevocationCheckingRule) -> CertRevTrustPolicy:
    """The signer's certificate needs data of `rule`; its CAs are the verifier's own configuration
    (or an imported anchor's). Data issued after the moment counts: it still says when."""
    return CertRevTrustPolicy(RevocationCheckingPolicy(rule, RevocationCheckingRule.NO_CHECK),
                              retroactive_revinfo=True)


# What each source must give for the signer's certificate.
POLICIES: dict[RevocationSource, CertRevTrustPolicy] = {
    RevocationSource.EMBEDDED: _signer_must_have(RevocationCheckingRule.CRL_OR_OCSP_REQUIRED),
    RevocationSource.OCSP: _signer_must_have(RevocationCheckingRule.OCSP_REQUIRED),
    RevocationSource.CRL: _signer_must_have(RevocationCheckingRule.CRL_REQUIRED),
}


@dataclass(frozen=True)
class Revocation:
    status: str  # good | revoked | unknown, at the moment asked
    source: RevocationSource | None = None  # the source that answered
    revoked_at: datetime | None = None
    reason: str | None = None  # an RFC 5280 reason (key_compromise, ...) when revoked


UNKNOWN = Revocation("unknown")

# A source: the validation context holding its data for (policy, moment), or None when it has none.
ContextFor = Callable[[CertRevTrustPolicy, datetime], ValidationContext | None]


def asked(path: ValidationPath, context: ValidationContext, source: RevocationSource) -> Revocation:
    """What `context`'s revocation data says of the chain the signature's validation found (its
    CAs are made known to the context: another CA's issuing certificate signed its CRL)."""
    context.certificate_registry.register_multiple(path.iter_certs(include_root=False))
    try:
        validate_path(context, path)
    except RevokedError as exc:
        if exc.is_side_validation:
            return UNKNOWN
        return Revocation("revoked", source, exc.revocation_dt, exc.reason.native)
    except (ValidationError, PathError):
        return UNKNOWN
    return Revocation("good", source)


def first_answer(path: ValidationPath, moment: datetime, sources: Sequence[tuple[RevocationSource, ContextFor]],
                 before_each: Callable[[], None]) -> Revocation:
    """The first source's answer that is good or revoked at `moment`; `before_each` runs before
    each source is asked (the verifier's time budget)."""
    for source, context_for in sources:
        before_each()
        context = context_for(POLICIES[source], moment)
        if context is None:
            continue
        answer = asked(path, context, source)
        if answer.status != "unknown":
            return answer
    return UNKNOWN


@dataclass(frozen=True)
class EmbeddedRevocation:
    """The OCSP answers and CRLs a document carries in its DSS (DER), read once per request."""

    ocsps: tuple[bytes, ...] = ()
    crls: tuple[bytes, ...] = ()

    @property
    def present(self) -> bool:
        return bool(self.ocsps or self.crls)

    @classmethod
    def read(cls, reader: PdfFileReader) -> "EmbeddedRevocation":
        try:
            store = DocumentSecurityStore.read_dss(reader)
        except ValidationInfoReadingError:
            return cls()
        return cls(tuple(ref.get_object().read_data(DecodePurpose.OCSP_RESPONSE) for ref in store.ocsps),
                   tuple(ref.get_object().read_data(DecodePurpose.CRL) for ref in store.crls))


@dataclass(frozen=True)
class SignedCrl:
    revoked: tuple[RevokedEntry, ...]
    signed_at: datetime
    der: bytes

    def serves(self, revoked: tuple[RevokedEntry, ...], now: datetime) -> bool:
        """Lists exactly today's revocations and was signed within the last CRL_REUSE."""
        return self.revoked == revoked and self.signed_at <= now < self.signed_at + CRL_REUSE


# Each authority's latest CRL, kept while its revoked list does not change: signing one per
# request cost a fifth of a one-signature verification. Keyed by the authority object, so an
# authority that cannot sign (or a replaced one) is asked again.
CRL_REUSE = timedelta(minutes=10)
_signed_crls: WeakKeyDictionary = WeakKeyDictionary()


def _signed_crl(ctx: Context, authority: CertificateAuthority, now: datetime) -> bytes | None:
    """One CRL of every revoked certificate, signed again when the list changed or CRL_REUSE passed."""
    revoked = tuple(certificates.revoked_entries(ctx.session, now))
    kept = _signed_crls.get(authority)
    if kept is not None and kept.serves(revoked, now):
        return kept.der
    try:
        kept = SignedCrl(revoked, now, authority.crl(revoked, now=now))
    except CertificateAuthorityError as exc:
        log.warning("no CRL for verification: %s", exc)
        return None
    _signed_crls[authority] = kept
    return kept.der


class CityRevocation:
    """One request's revocation data for certificates of the city's issuing CA: each certificate's
    OCSP answer asked once of the city responder, the CRL signed (or reused) at most once."""

    def __init__(self, ctx: Context, authority: CertificateAuthority) -> None:
        self._ctx, self._authority = ctx, authority
        self._answers: dict[int, bytes | None] = {}
        self._crl: list[bytes] | None = None

    def ocsp_answer(self, signer_der: bytes) -> bytes | None:
        """The city responder's DER answer for the certificate, or None when it cannot answer."""
        signer = x509.load_der_x509_certificate(signer_der)
        if signer.serial_number not in self._answers:
            self._answers[signer.serial_number] = self._ask(signer)
        return self._answers[signer.serial_number]

    def _ask(self, signer: x509.Certificate) -> bytes | None:
        try:
            responder = city_services.responder(self._ctx, self._authority)
        except Unavailable:
            log.warning("no OCSP responder for verification: the CRL answers")
            return None
        return responder.respond(city_services.ocsp_request(signer, self._authority.issuing_certificate),
                                 self._ctx.clock.now())

    def crls(self) -> list[bytes]:
        if self._crl is None:
            crl = _signed_crl(self._ctx, self._authority, self._ctx.clock.now())
            self._crl = [crl] if crl else []
        return self._crl
