"""Revocation of a signer under another imported root (`flask ca trust import`): asked of the
certificate's own OCSP responder, then its CRL distribution point, over HTTP, by pyHanko's fetchers.

One `ForeignRevocation` serves one verification request: its fetchers keep what they fetched,
so each address is asked once however many signatures name it (and again at another moment
without a new fetch); every fetch has a bounded timeout and the number of fetches is capped.
A fetch that fails leaves the status unknown (the signature is then indeterminate), never good.
"""
from __future__ import annotations

from datetime import datetime

from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.api import FetchLimits
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy

from services.signatures.revocation import ContextFor, RevocationSource

FETCH_TIMEOUT_SECONDS = 3.0  # per fetch; the verifier's time budget bounds the request as a whole
FETCH_LIMITS = FetchLimits(max_requests=20, max_cert_requests=5)


class ForeignRevocation:
    def __init__(self, anchors: list, intermediates: list, timeout_seconds: float = FETCH_TIMEOUT_SECONDS) -> None:
        self._anchors, self._intermediates = anchors, intermediates
        self._fetchers = RequestsFetcherBackend(per_request_timeout=timeout_seconds,
                                                limits=FETCH_LIMITS).get_fetchers()

    def context_for(self, policy: CertRevTrustPolicy, moment: datetime) -> ValidationContext:
        """A context fetching what `policy` asks for at the certificate's own addresses."""
        return ValidationContext(trust_roots=self._anchors, other_certs=self._intermediates, moment=moment,
                                 revinfo_policy=policy, allow_fetching=True, fetchers=self._fetchers)

    def sources(self) -> list[tuple[RevocationSource, ContextFor]]:
        """OCSP first, the CRL second (the policy of each says which it fetches)."""
        return [(RevocationSource.OCSP, self.context_for), (RevocationSource.CRL, self.context_for)]
