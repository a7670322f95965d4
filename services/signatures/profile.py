"""The certificate profile of Circular 15/2025/TT-BKHCN: holder keys and end-entity extensions.

Holder keys are ECDSA P-256 by default; RSA-3072 (signing with RSASSA-PSS) is the option.
Every end-entity certificate carries key usage digitalSignature + nonRepudiation (critical),
the certificate policy, the CRL distribution point and the authority-information access
(OCSP responder and the issuer's certificate), each when configured.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID

from services.signatures.key_vault import HolderKey

RSA_KEY_BITS = 3072


class KeyAlgorithm(StrEnum):
    ECDSA_P256 = "ecdsa-p256"
    RSA_3072_PSS = "rsa-3072-pss"


def new_holder_key(algorithm: KeyAlgorithm = KeyAlgorithm.ECDSA_P256) -> HolderKey:
    """A fresh holder key of `algorithm` (the KeyVault seals it like any other)."""
    if algorithm == KeyAlgorithm.RSA_3072_PSS:
        return HolderKey(rsa.generate_private_key(65537, RSA_KEY_BITS))
    return HolderKey(ec.generate_private_key(ec.SECP256R1()))


def signs_with_pss(key: HolderKey) -> bool:
    """RSA holder keys sign with RSASSA-PSS (Circular 15/2025); ECDSA keys with ECDSA."""
    return isinstance(key.private_key, rsa.RSAPrivateKey)


@dataclass(frozen=True)
class CertificateProfile:
    """URLs and the policy the settings give; None leaves the extension out.

    `crl_url`, `ocsp_url` and `ca_issuers_url` (the issuing CA's certificate) go into end-entity
    certificates; `arl_url` (the root's CRL) and `root_certificate_url` into the issuing CA
    certificate, written once when the CA directory is created.
    """

    policy_oid: str | None = None
    crl_url: str | None = None
    ocsp_url: str | None = None
    ca_issuers_url: str | None = None
    arl_url: str | None = None
    root_certificate_url: str | None = None


SIGNING_KEY_USAGE = x509.KeyUsage(
    digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
    key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False)


def _access(profile: CertificateProfile, *, with_ocsp: bool) -> list[x509.AccessDescription]:
    pairs = [(AuthorityInformationAccessOID.OCSP, profile.ocsp_url if with_ocsp else None),
             (AuthorityInformationAccessOID.CA_ISSUERS, profile.ca_issuers_url)]
    return [x509.AccessDescription(oid, x509.UniformResourceIdentifier(url)) for oid, url in pairs if url]


def issuing_ca_extensions(profile: CertificateProfile) -> list[tuple[x509.ExtensionType, bool]]:
    """Where the root's CRL and certificate are published, for the issuing CA certificate."""
    extensions: list[tuple[x509.ExtensionType, bool]] = []
    if profile.arl_url:
        extensions.append((x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier(profile.arl_url)], None, None, None)]), False))
    if profile.root_certificate_url:
        extensions.append((x509.AuthorityInformationAccess([x509.AccessDescription(
            AuthorityInformationAccessOID.CA_ISSUERS, x509.UniformResourceIdentifier(profile.root_certificate_url))]),
            False))
    return extensions


def end_entity_extensions(profile: CertificateProfile, *, revocable: bool = True
                          ) -> list[tuple[x509.ExtensionType, bool]]:
    """(extension, critical) pairs every end entity gets; `revocable=False` for the OCSP responder
    (id-pkix-ocsp-nocheck: no CRL distribution point, no OCSP URL)."""
    extensions: list[tuple[x509.ExtensionType, bool]] = []
    if profile.policy_oid:
        extensions.append((x509.CertificatePolicies([x509.PolicyInformation(
            x509.ObjectIdentifier(profile.policy_oid), None)]), False))
    if revocable and profile.crl_url:
        extensions.append((x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier(profile.crl_url)], None, None, None)]), False))
    access = _access(profile, with_ocsp=revocable)
    if access:
        extensions.append((x509.AuthorityInformationAccess(access), False))
    return extensions
