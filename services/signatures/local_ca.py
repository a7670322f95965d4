"""A local certificate authority on `cryptography`: a city test root and an issuing CA.

Development and tests create both on first start in a directory under the app's instance
folder; production must point at an existing directory (nothing is generated there).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from services.signatures.authority import (CertificateAuthorityError, CertificateSubject,
                                           IssuedCertificate, RevokedEntry)

FILES = ("root.crt.pem", "issuing.key.pem", "issuing.crt.pem")
CA_KEY_BITS = 3072
ROOT_LIFETIME = timedelta(days=20 * 365)
ISSUING_LIFETIME = timedelta(days=10 * 365)
CRL_LIFETIME = timedelta(days=1)
CLOCK_SKEW = timedelta(minutes=5)

REASON_FLAGS = {
    "key_compromise": x509.ReasonFlags.key_compromise,
    "affiliation_changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation_of_operation": x509.ReasonFlags.cessation_of_operation,
    "privilege_withdrawn": x509.ReasonFlags.privilege_withdrawn,
}  # "unspecified" is left out of the CRL entry, as RFC 5280 5.3.1 asks


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Thành phố Hà Nội (thử nghiệm)"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _ca_certificate(subject: x509.Name, issuer: x509.Name, public_key, signing_key, *,
                    path_length: int, now: datetime, lifetime: timedelta,
                    issuer_key=None) -> x509.Certificate:
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(now - CLOCK_SKEW).not_valid_after(now + lifetime)
               .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
               .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                              critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False))
    if issuer_key is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def create_city_ca(directory: str, now: datetime) -> None:
    """Write a new root and issuing CA into `directory` (atomically: all files or none).

    The root's private key is not kept: it signs the issuing CA once and is discarded, as
    an offline root would be.
    """
    staging = tempfile.mkdtemp(prefix=".ca-", dir=os.path.dirname(os.path.abspath(directory)))
    try:
        root_key = rsa.generate_private_key(65537, CA_KEY_BITS)
        issuing_key = rsa.generate_private_key(65537, CA_KEY_BITS)
        root_name, issuing_name = _name("iHanoi Test Root CA"), _name("iHanoi Test Issuing CA")
        root = _ca_certificate(root_name, root_name, root_key.public_key(), root_key,
                               path_length=1, now=now, lifetime=ROOT_LIFETIME)
        issuing = _ca_certificate(issuing_name, root_name, issuing_key.public_key(), root_key,
                                  path_length=0, now=now, lifetime=ISSUING_LIFETIME,
                                  issuer_key=root_key.public_key())
        key_pem = issuing_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption())
        for name, content in zip(FILES, (_pem(root), key_pem, _pem(issuing))):
            fd = os.open(os.path.join(staging, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(content)
        try:
            os.rename(staging, directory)  # another worker may have won the race: keep theirs
        except OSError:
            if not all(os.path.exists(os.path.join(directory, name)) for name in FILES):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class LocalCertificateAuthority:
    """The `CertificateAuthority` of development, tests and the city's own test programme."""

    def __init__(self, directory: str, *, validity: timedelta, crl_url: str | None = None) -> None:
        try:
            with open(os.path.join(directory, "root.crt.pem"), "rb") as handle:
                self._root = x509.load_pem_x509_certificate(handle.read())
            with open(os.path.join(directory, "issuing.crt.pem"), "rb") as handle:
                self._issuing = x509.load_pem_x509_certificate(handle.read())
            with open(os.path.join(directory, "issuing.key.pem"), "rb") as handle:
                self._key = serialization.load_pem_private_key(handle.read(), password=None)
        except (OSError, ValueError) as exc:
            raise CertificateAuthorityError(f"CA files in {directory} cannot be read: {exc}") from exc
        self._validity = validity
        self._crl_url = crl_url

    @classmethod
    def open(cls, directory: str, *, create_if_missing: bool, now: datetime, validity: timedelta,
             crl_url: str | None = None) -> "LocalCertificateAuthority":
        if create_if_missing and not os.path.exists(os.path.join(directory, FILES[-1])):
            os.makedirs(os.path.dirname(os.path.abspath(directory)), exist_ok=True)
            create_city_ca(directory, now)
        return cls(directory, validity=validity, crl_url=crl_url)

    def issue(self, subject: CertificateSubject, public_key_pem: bytes, *,
              not_before: datetime) -> IssuedCertificate:
        public_key = serialization.load_pem_public_key(public_key_pem)
        not_after = min(not_before + self._validity, self._issuing.not_valid_after_utc)
        name = x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "Hà Nội"),
            x509.NameAttribute(NameOID.COMMON_NAME, subject.full_name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, subject.national_id),
        ])
        builder = (x509.CertificateBuilder().subject_name(name).issuer_name(self._issuing.subject)
                   .public_key(public_key).serial_number(x509.random_serial_number())
                   .not_valid_before(not_before).not_valid_after(not_after)
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                                key_encipherment=False, data_encipherment=False,
                                                key_agreement=False, key_cert_sign=False, crl_sign=False,
                                                encipher_only=False, decipher_only=False), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       self._key.public_key()), critical=False))
        if self._crl_url:
            builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                [x509.UniformResourceIdentifier(self._crl_url)], None, None, None)]), critical=False)
        certificate = builder.sign(self._key, hashes.SHA256())
        return IssuedCertificate(
            serial=format(certificate.serial_number, "X"), subject=certificate.subject.rfc4514_string(),
            pem=_pem(certificate).decode(), valid_from=certificate.not_valid_before_utc,
            valid_to=certificate.not_valid_after_utc)

    def crl(self, revoked: Sequence[RevokedEntry], *, now: datetime) -> bytes:
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self._issuing.subject)
                   .last_update(now).next_update(now + CRL_LIFETIME)
                   .add_extension(x509.CRLNumber(int(now.timestamp() * 1000)), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       self._key.public_key()), critical=False))
        for entry in revoked:
            item = (x509.RevokedCertificateBuilder().serial_number(int(entry.serial, 16))
                    .revocation_date(entry.revoked_at))
            if entry.reason in REASON_FLAGS:
                item = item.add_extension(x509.CRLReason(REASON_FLAGS[entry.reason]), critical=False)
            builder = builder.add_revoked_certificate(item.build())
        return builder.sign(self._key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def chain_pem(self) -> list[str]:
        return [_pem(self._issuing).decode(), _pem(self._root).decode()]

    def trust_roots_pem(self) -> list[str]:
        return [_pem(self._root).decode()]
