"""A local certificate authority on `cryptography`: a city test root and an issuing CA.

Development and tests create both on first start in a directory under the app's instance
folder; production must point at an existing directory (nothing is generated there).
The issuing CA also certifies two service keys kept in `services/` under that directory:
the timestamp authority's (critical EKU timeStamping) and the delegated OCSP responder's
(EKU OCSPSigning + id-pkix-ocsp-nocheck). Development creates them on open when an older
directory lacks them; production loads them when present and never makes keys.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from services.signatures.authority import (CertificateAuthorityError, CertificateSubject,
                                           IssuedCertificate, RevokedEntry, ServiceKeyPair)
from services.signatures.profile import (SIGNING_KEY_USAGE, CertificateProfile, end_entity_extensions,
                                         issuing_ca_extensions)

FILES = ("root.crt.pem", "issuing.key.pem", "issuing.crt.pem")
ROOT_ARL = "root.crl.der"  # the offline root's CRL of CA certificates, signed once at creation
SERVICES_DIR = "services"  # tsa.key.pem, tsa.crt.pem, ocsp.key.pem, ocsp.crt.pem
SERVICE_FILES = ("tsa.key.pem", "tsa.crt.pem", "ocsp.key.pem", "ocsp.crt.pem")
TSA_LIFETIME = timedelta(days=5 * 365)
OCSP_RESPONDER_LIFETIME = timedelta(days=2 * 365)
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
                    issuer_key=None, extensions: Sequence[tuple[x509.ExtensionType, bool]] = ()
                    ) -> x509.Certificate:
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
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(signing_key, hashes.SHA256())


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _write_atomically(directory: str, files: dict[str, bytes]) -> None:
    """All of `files` appear in `directory` at once, or none; a concurrent winner is kept."""
    staging = tempfile.mkdtemp(prefix=".ca-", dir=os.path.dirname(os.path.abspath(directory)))
    try:
        for name, content in files.items():
            fd = os.open(os.path.join(staging, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(content)
        try:
            os.rename(staging, directory)  # another worker may have won the race: keep theirs
        except OSError:
            if not all(os.path.exists(os.path.join(directory, name)) for name in files):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def create_city_ca(directory: str, now: datetime, profile: CertificateProfile = CertificateProfile()) -> None:
    """Write a new root and issuing CA into `directory` (atomically: all files or none).

    The root's private key is not kept: it signs the issuing CA once and is discarded, as
    an offline root would be.
    """
    root_key = rsa.generate_private_key(65537, CA_KEY_BITS)
    issuing_key = rsa.generate_private_key(65537, CA_KEY_BITS)
    root_name, issuing_name = _name("iHanoi Test Root CA"), _name("iHanoi Test Issuing CA")
    root = _ca_certificate(root_name, root_name, root_key.public_key(), root_key,
                           path_length=1, now=now, lifetime=ROOT_LIFETIME)
    issuing = _ca_certificate(issuing_name, root_name, issuing_key.public_key(), root_key,
                              path_length=0, now=now, lifetime=ISSUING_LIFETIME,
                              issuer_key=root_key.public_key(), extensions=issuing_ca_extensions(profile))
    files = dict(zip(FILES, (_pem(root), _key_pem(issuing_key), _pem(issuing))))
    _write_atomically(directory, {**files, ROOT_ARL: _authority_revocation_list(root, root_key, issuing, now)})


def _authority_revocation_list(root: x509.Certificate, root_key, issuing: x509.Certificate,
                               now: datetime) -> bytes:
    """An empty CRL from the root, valid as long as the issuing CA, so that long-term
    validation finds revocation data for the issuing CA although the root key is gone."""
    return (x509.CertificateRevocationListBuilder().issuer_name(root.subject)
            .last_update(now - CLOCK_SKEW).next_update(issuing.not_valid_after_utc)
            .add_extension(x509.CRLNumber(1), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                           critical=False)
            .sign(root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))


SERVICE_KEY_USAGE = x509.KeyUsage(
    digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
    key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False)


def _end_entity(issuing: x509.Certificate, issuing_key, name: x509.Name, public_key, *,
                not_before: datetime, not_after: datetime, key_usage: x509.KeyUsage,
                extensions: list[tuple[x509.ExtensionType, bool]]) -> x509.Certificate:
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuing.subject)
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(min(not_after, issuing.not_valid_after_utc))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(key_usage, critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   issuing_key.public_key()), critical=False))
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuing_key, hashes.SHA256())


def create_service_certificates(directory: str, now: datetime, profile: CertificateProfile) -> None:
    """The TSA and OCSP responder keys and certificates, issued by the CA in `directory`."""
    with open(os.path.join(directory, "issuing.crt.pem"), "rb") as handle:
        issuing = x509.load_pem_x509_certificate(handle.read())
    with open(os.path.join(directory, "issuing.key.pem"), "rb") as handle:
        issuing_key = serialization.load_pem_private_key(handle.read(), password=None)
    tsa_key, ocsp_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    start = now - CLOCK_SKEW
    tsa = _end_entity(issuing, issuing_key, _name("iHanoi Test Time Stamping Authority"),
                      tsa_key.public_key(), not_before=start, not_after=now + TSA_LIFETIME,
                      key_usage=SERVICE_KEY_USAGE, extensions=[
                          (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True),
                          *end_entity_extensions(profile)])
    ocsp = _end_entity(issuing, issuing_key, _name("iHanoi Test OCSP Responder"), ocsp_key.public_key(),
                       not_before=start, not_after=now + OCSP_RESPONDER_LIFETIME,
                       key_usage=SERVICE_KEY_USAGE, extensions=[
                           (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), False),
                           (x509.OCSPNoCheck(), False),
                           *end_entity_extensions(profile, revocable=False)])
    _write_atomically(os.path.join(directory, SERVICES_DIR), dict(zip(
        SERVICE_FILES, (_key_pem(tsa_key), _pem(tsa), _key_pem(ocsp_key), _pem(ocsp)))))


def _read_optional(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def _load_service_pair(directory: str, name: str) -> ServiceKeyPair | None:
    base = os.path.join(directory, SERVICES_DIR)
    try:
        with open(os.path.join(base, f"{name}.crt.pem"), "rb") as handle:
            certificate = x509.load_pem_x509_certificate(handle.read())
        with open(os.path.join(base, f"{name}.key.pem"), "rb") as handle:
            key = serialization.load_pem_private_key(handle.read(), password=None)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise CertificateAuthorityError(f"{name} files in {base} cannot be read: {exc}") from exc
    return ServiceKeyPair(certificate, key)


def _result(certificate: x509.Certificate) -> IssuedCertificate:
    return IssuedCertificate(
        serial=format(certificate.serial_number, "X"), subject=certificate.subject.rfc4514_string(),
        pem=_pem(certificate).decode(), valid_from=certificate.not_valid_before_utc,
        valid_to=certificate.not_valid_after_utc)


class LocalCertificateAuthority:
    """The `CertificateAuthority` of development, tests and the city's own test programme."""

    def __init__(self, directory: str, *, validity: timedelta, crl_url: str | None = None,
                 profile: CertificateProfile | None = None) -> None:
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
        self._profile = profile or CertificateProfile(crl_url=crl_url)
        self._arl = _read_optional(os.path.join(directory, ROOT_ARL))
        self._tsa = _load_service_pair(directory, "tsa")
        self._ocsp = _load_service_pair(directory, "ocsp")

    @classmethod
    def open(cls, directory: str, *, create_if_missing: bool, now: datetime, validity: timedelta,
             crl_url: str | None = None, profile: CertificateProfile | None = None
             ) -> "LocalCertificateAuthority":
        profile = profile or CertificateProfile(crl_url=crl_url)
        if create_if_missing and not os.path.exists(os.path.join(directory, FILES[-1])):
            os.makedirs(os.path.dirname(os.path.abspath(directory)), exist_ok=True)
            create_city_ca(directory, now, profile)
        if create_if_missing and not os.path.exists(os.path.join(directory, SERVICES_DIR, SERVICE_FILES[-1])):
            create_service_certificates(directory, now, profile)
        return cls(directory, validity=validity, profile=profile)

    def _issue(self, name: x509.Name, public_key_pem: bytes, not_before: datetime) -> IssuedCertificate:
        certificate = _end_entity(
            self._issuing, self._key, name, serialization.load_pem_public_key(public_key_pem),
            not_before=not_before, not_after=not_before + self._validity, key_usage=SIGNING_KEY_USAGE,
            extensions=end_entity_extensions(self._profile))
        return _result(certificate)

    def issue(self, subject: CertificateSubject, public_key_pem: bytes, *,
              not_before: datetime) -> IssuedCertificate:
        return self._issue(x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "Hà Nội"),
            x509.NameAttribute(NameOID.COMMON_NAME, subject.full_name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, subject.national_id),
        ]), public_key_pem, not_before)

    def issue_seal(self, agency_code: str, agency_name: str, public_key_pem: bytes, *,
                   not_before: datetime) -> IssuedCertificate:
        """An organisation certificate for an agency's seal: O = its name, OU = its code."""
        return self._issue(x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "Hà Nội"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency_name),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, agency_code),
            x509.NameAttribute(NameOID.COMMON_NAME, agency_name),
        ]), public_key_pem, not_before)

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

    def ca_certificates(self) -> list[str]:
        """The root, then the issuing CA, in PEM: what `GET /ca/certificates` publishes."""
        return [_pem(self._root).decode(), _pem(self._issuing).decode()]

    def trust_roots_pem(self) -> list[str]:
        return [_pem(self._root).decode()]

    def authority_revocation_list(self) -> bytes | None:
        """The root's CRL (DER) covering the issuing CA; None for a directory made before it."""
        return self._arl

    @property
    def issuing_certificate(self) -> x509.Certificate:
        return self._issuing

    def tsa_key_pair(self) -> ServiceKeyPair:
        """The timestamp authority's certificate and key; raises when the directory has none."""
        if self._tsa is None:
            raise CertificateAuthorityError("this CA directory has no TSA certificate (services/tsa.*)")
        return self._tsa

    def ocsp_key_pair(self) -> ServiceKeyPair:
        """The delegated OCSP responder's certificate and key; raises when the directory has none."""
        if self._ocsp is None:
            raise CertificateAuthorityError("this CA directory has no OCSP responder (services/ocsp.*)")
        return self._ocsp
