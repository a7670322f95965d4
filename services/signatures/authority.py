"""The certificate authority seen by the rules: a small Protocol any CA partner adapter meets."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from cryptography import x509

# RFC 5280 CRLReason values a holder or an officer may give for an end-entity certificate
# (certificateHold / removeFromCRL are reversible and CA-compromise reasons do not apply).
REVOCATION_REASONS = (
    "unspecified", "key_compromise", "affiliation_changed", "superseded",
    "cessation_of_operation", "privilege_withdrawn",
)


class CertificateAuthorityError(RuntimeError):
    """The CA could not do what was asked (down, refused, misconfigured)."""


@dataclass(frozen=True)
class CertificateSubject:
    full_name: str
    national_id: str


@dataclass(frozen=True)
class IssuedCertificate:
    serial: str  # uppercase hex, no separators
    subject: str  # RFC 4514 text
    pem: str
    valid_from: datetime
    valid_to: datetime


@dataclass(frozen=True)
class ServiceKeyPair:
    """A CA service's own certificate and private key (the TSA's, the OCSP responder's)."""

    certificate: x509.Certificate
    key: Any  # a cryptography private key (EC or RSA)


@dataclass(frozen=True)
class RevokedEntry:
    serial: str
    revoked_at: datetime
    reason: str  # one of REVOCATION_REASONS


class CertificateAuthority(Protocol):
    """Issues end-entity signing certificates and publishes the CRL of its issuing CA."""

    def issue(self, subject: CertificateSubject, public_key_pem: bytes, *,
              not_before: datetime) -> IssuedCertificate:
        """A certificate for `public_key_pem`; raises CertificateAuthorityError when it cannot."""
        ...

    def crl(self, revoked: Sequence[RevokedEntry], *, now: datetime) -> bytes:
        """The issuing CA's signed CRL (DER) listing `revoked`."""
        ...

    def issue_seal(self, agency_code: str, agency_name: str, public_key_pem: bytes, *,
                   not_before: datetime) -> IssuedCertificate:
        """An organisation (seal) certificate for an agency; raises CertificateAuthorityError."""
        ...

    def chain_pem(self) -> list[str]:
        """The issuing CA certificate, then the root, in PEM."""
        ...

    def ca_certificates(self) -> list[str]:
        """The root, then the issuing CA certificate, in PEM (published for chain building)."""
        ...

    def trust_roots_pem(self) -> list[str]:
        """The root certificates a verifier trusts for certificates of this CA."""
        ...

    def authority_revocation_list(self) -> bytes | None:
        """The root's CRL (DER) covering the issuing CA, when the CA has one."""
        ...

    @property
    def issuing_certificate(self) -> x509.Certificate:
        """The issuing CA certificate (the OCSP responder answers for what it issued)."""
        ...

    def tsa_key_pair(self) -> ServiceKeyPair:
        """The timestamp authority's certificate and key; raises CertificateAuthorityError."""
        ...

    def ocsp_key_pair(self) -> ServiceKeyPair:
        """The delegated OCSP responder's certificate and key; raises CertificateAuthorityError."""
        ...
