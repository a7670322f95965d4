"""A city CA with TSA and OCSP responder for the PKI tests, and openssl at hand."""
from __future__ import annotations

import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509

from services.signatures.authority import CertificateSubject, IssuedCertificate
from services.signatures.key_vault import HolderKey
from services.signatures.local_ca import LocalCertificateAuthority
from services.signatures.profile import CertificateProfile, KeyAlgorithm, new_holder_key

# 2.999 is the ITU-T example arc: these OIDs mean nothing outside the tests.
HOLDER_POLICY = "2.999.15.2025.1"
TSA_POLICY = "2.999.15.2025.2"
PROFILE = CertificateProfile(policy_oid=HOLDER_POLICY, crl_url="http://127.0.0.1:9/api/v1/ca/crl",
                             ocsp_url="http://127.0.0.1:9/api/v1/ca/ocsp",
                             ca_issuers_url="http://127.0.0.1:9/api/v1/ca/issuing.cer",
                             arl_url="http://127.0.0.1:9/api/v1/ca/root.crl",
                             root_certificate_url="http://127.0.0.1:9/api/v1/ca/root.cer")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def open_ca(directory: Path) -> LocalCertificateAuthority:
    return LocalCertificateAuthority.open(str(directory), create_if_missing=True, now=utcnow(),
                                          validity=timedelta(days=365), profile=PROFILE)


def new_holder(ca: LocalCertificateAuthority, algorithm: KeyAlgorithm = KeyAlgorithm.ECDSA_P256,
               name: str = "Đỗ Văn An") -> tuple[HolderKey, IssuedCertificate]:
    key = new_holder_key(algorithm)
    issued = ca.issue(CertificateSubject(name, "001090001234"), key.public_pem,
                      not_before=utcnow() - timedelta(minutes=1))
    return key, issued


def pem_of(certificate: x509.Certificate) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding
    return certificate.public_bytes(Encoding.PEM).decode()


def write(path: Path, content: str | bytes) -> str:
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def openssl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=60)
