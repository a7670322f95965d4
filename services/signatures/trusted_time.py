"""Judging a PAdES signature by trusted time (ETSI EN 319 102-1 "validation with time", pyHanko).

A signature with a timestamp from before its certificate was revoked passes as of that
timestamp; without one, a revoked certificate leaves it indeterminate (REVOKED_NO_POE).
Revocation data is what the caller gives (fetched once per request: OCSP responses and
CRLs, DER) plus what the PDF embeds; nothing is fetched over the network here.
"""
from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from pyhanko.sign.validation.ades import ades_basic_validation, ades_with_time_validation
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.policy_decl import (LocalKnowledge, RevinfoOnlineFetchingRule,
                                                 RevocationInfoGatheringSpec, SignatureValidationSpec)
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.poe import KnownPOE, POEType, digest_for_poe
from pyhanko_certvalidator.policy_decl import (CertRevTrustPolicy, RevocationCheckingPolicy,
                                               RevocationCheckingRule)
from pyhanko_certvalidator.registry import SimpleTrustManager
from pyhanko_certvalidator.revinfo.archival import CRLContainer, OCSPContainer

from services.signatures.long_term import asn1_certificate

# Certificates naming an OCSP responder or CRL must have revocation data; others need none.
IF_DECLARED = CertRevTrustPolicy(RevocationCheckingPolicy(RevocationCheckingRule.CHECK_IF_DECLARED,
                                                          RevocationCheckingRule.CHECK_IF_DECLARED))


@dataclass(frozen=True)
class TrustedTimeResult:
    indication: str  # PASSED | INDETERMINATE | FAILED (ETSI EN 319 102-1)
    subindication: str  # e.g. OK, REVOKED_NO_POE, SIG_CONSTRAINTS_FAILURE
    best_signature_time: datetime | None  # the timestamp's time when it counted
    timestamped: bool
    failure: str | None

    @property
    def valid(self) -> bool:
        return self.indication == "PASSED"


def validation_spec(trust_roots_pem: Sequence[str], intermediates_pem: Sequence[str], *,
                    ocsps: Sequence[bytes] = (), crls: Sequence[bytes] = ()) -> SignatureValidationSpec:
    """Trust the given roots; know the given revocation data; the CA certificates existed
    from their notBefore (they are this verifier's own configuration)."""
    ca_certificates = [asn1_certificate(p) for p in (*trust_roots_pem, *intermediates_pem)]
    knowledge = LocalKnowledge(
        known_ocsps=[c for der in ocsps for c in OCSPContainer.load_multi(asn1_ocsp.OCSPResponse.load(der))],
        known_crls=[CRLContainer(asn1_crl.CertificateList.load(der)) for der in crls],
        known_certs=ca_certificates[len(trust_roots_pem):],
        known_poes=[KnownPOE(POEType.PROVIDED, digest_for_poe(c.dump()), c.not_valid_before)
                    for c in ca_certificates])
    trust = SimpleTrustManager.build(trust_roots=ca_certificates[:len(trust_roots_pem)])
    return SignatureValidationSpec(
        cert_validation_policy=CertValidationPolicySpec(trust_manager=trust, revinfo_policy=IF_DECLARED),
        revinfo_gathering_policy=RevocationInfoGatheringSpec(online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY),
        local_knowledge=knowledge)


def _result(outcome, timestamped: bool) -> TrustedTimeResult:
    return TrustedTimeResult(
        indication=type(outcome.ades_subindic).__name__.removeprefix("AdES").upper(),
        subindication=outcome.ades_subindic.name, best_signature_time=getattr(outcome, "best_signature_time", None),
        timestamped=timestamped, failure=outcome.failure_msg)


def _has_signature_timestamp(embedded: EmbeddedPdfSignature) -> bool:
    attributes = embedded.signer_info["unsigned_attrs"]
    return bool(attributes.native) and any(
        a["type"].native == "signature_time_stamp_token" for a in attributes)


def validate_with_time(embedded: EmbeddedPdfSignature, spec: SignatureValidationSpec) -> TrustedTimeResult:
    """ETSI validation with time when the signature carries a timestamp, basic validation otherwise."""
    embedded.compute_integrity_info()
    if not _has_signature_timestamp(embedded):
        # pyHanko 0.38's ades_basic_validation builds a StandardCMSSignatureStatus whatever
        # status_cls says, so the PDF coverage facts cannot be passed in; the digest still is.
        outcome = asyncio.run(ades_basic_validation(embedded.signed_data, spec,
                                                    raw_digest=embedded.compute_digest()))
        return _result(outcome, timestamped=False)
    outcome = asyncio.run(ades_with_time_validation(
        embedded.signed_data, spec, raw_digest=embedded.compute_digest(),
        extra_status_kwargs=embedded.summarise_integrity_info(), status_cls=PdfSignatureStatus))
    return _result(outcome, timestamped=True)
