"""Revocation of a signer under another imported root (`flask ca trust import`): asked of the
certificate's own CRL distribution point or OCSP responder, over HTTP, by pyHanko's fetchers.

One `ForeignRevocation` serves one verification request: its fetchers keep what they fetched,
so each address is asked once however many signatures name it; every fetch has a bounded
timeout and the number of fetches is capped. A fetch that fails leaves the status unknown
(the signature is then indeterminate), never good.
"""
from __future__ import annotations

from datetime import datetime

from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import RevocationDetails
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.api import FetchLimits
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.policy_decl import (CertRevTrustPolicy, RevocationCheckingPolicy,
                                               RevocationCheckingRule)

FETCH_TIMEOUT_SECONDS = 3.0  # per fetch; the verifier's time budget bounds the request as a whole
FETCH_LIMITS = FetchLimits(max_requests=20, max_cert_requests=5)
# The signer's certificate must have a CRL or an OCSP answer; its CAs are the imported anchor's.
SIGNER_REVOCATION_REQUIRED = CertRevTrustPolicy(
    RevocationCheckingPolicy(RevocationCheckingRule.CRL_OR_OCSP_REQUIRED, RevocationCheckingRule.NO_CHECK),
    retroactive_revinfo=True)


class ForeignRevocation:
    def __init__(self, anchors: list, intermediates: list, timeout_seconds: float = FETCH_TIMEOUT_SECONDS) -> None:
        self._anchors, self._intermediates = anchors, intermediates
        self._fetchers = RequestsFetcherBackend(per_request_timeout=timeout_seconds,
                                                limits=FETCH_LIMITS).get_fetchers()

    def status(self, embedded: EmbeddedPdfSignature, moment: datetime) -> tuple[str, RevocationDetails | None]:
        """good | revoked | unknown at `moment`, with the revocation's date and reason when revoked."""
        context = ValidationContext(trust_roots=self._anchors, other_certs=self._intermediates, moment=moment,
                                    revinfo_policy=SIGNER_REVOCATION_REQUIRED, allow_fetching=True,
                                    fetchers=self._fetchers)
        checked = validate_pdf_signature(embedded, context, skip_diff=True)
        if checked.revocation_details is not None:
            return "revoked", checked.revocation_details
        return ("good" if checked.trust_problem_indic is None else "unknown"), None
