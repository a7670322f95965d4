"""An RFC 6960 OCSP responder for the issuing CA, signed by its delegated responder certificate.

`status_of(serial)` says what the register knows of a certificate of the issuing CA:
("good" | "revoked" | "unknown", revoked_at or None, a REVOCATION_REASONS value or None).
A request about another issuer is answered `unknown`; one that cannot be parsed gets
`malformedRequest`. The nonce of the request, when present, is echoed (RFC 8954).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import unquote

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from services.signatures.local_ca import REASON_FLAGS

REQUEST_MEDIA_TYPE = "application/ocsp-request"
RESPONSE_MEDIA_TYPE = "application/ocsp-response"

CertificateState = tuple[str, datetime | None, str | None]
CERT_STATUS = {"good": ocsp.OCSPCertStatus.GOOD, "revoked": ocsp.OCSPCertStatus.REVOKED,
               "unknown": ocsp.OCSPCertStatus.UNKNOWN}


def _issuer_hashes(issuer: x509.Certificate, algorithm: hashes.HashAlgorithm) -> tuple[bytes, bytes]:
    """(issuerNameHash, issuerKeyHash) of `issuer` under `algorithm` (RFC 6960 4.1.1)."""
    spki = asn1_x509.Certificate.load(issuer.public_bytes(serialization.Encoding.DER)).public_key
    name = hashlib.new(algorithm.name, issuer.subject.public_bytes()).digest()
    return name, hashlib.new(algorithm.name, bytes(spki["public_key"])).digest()


def request_from_get_path(segment: str) -> bytes | None:
    """The DER request of the GET form (`/ocsp/{base64, URL-encoded}`), or None when undecodable."""
    text = unquote(segment).strip().replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


@dataclass
class OcspResponder:
    """Answers for the certificates `issuer` issued; responses signed by `responder_certificate`."""

    issuer: x509.Certificate
    responder_certificate: x509.Certificate
    responder_key: object
    status_of: Callable[[int], CertificateState]
    validity: timedelta = timedelta(hours=1)  # nextUpdate - thisUpdate

    def respond(self, request_der: bytes | None, now: datetime) -> bytes:
        """The DER OCSPResponse for `request_der` at `now` (timezone-aware)."""
        try:
            request = ocsp.load_der_ocsp_request(request_der or b"")
            algorithm = request.hash_algorithm
            serial = request.serial_number
        except (ValueError, NotImplementedError, TypeError):
            return self._unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
        this_update = now.replace(microsecond=0)
        state: CertificateState = ("unknown", None, None)
        if (request.issuer_name_hash, request.issuer_key_hash) == _issuer_hashes(self.issuer, algorithm):
            state = self.status_of(serial)
        status, revoked_at, reason = state
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash, issuer_key_hash=request.issuer_key_hash,
            serial_number=serial, algorithm=algorithm, cert_status=CERT_STATUS[status],
            this_update=this_update, next_update=this_update + self.validity,
            revocation_time=revoked_at if status == "revoked" else None,
            revocation_reason=REASON_FLAGS.get(reason) if status == "revoked" else None)
        builder = (builder.responder_id(ocsp.OCSPResponderEncoding.HASH, self.responder_certificate)
                   .certificates([self.responder_certificate]))
        try:
            nonce = request.extensions.get_extension_for_class(x509.OCSPNonce).value
            builder = builder.add_extension(nonce, critical=False)
        except x509.ExtensionNotFound:
            pass
        return builder.sign(self.responder_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    @staticmethod
    def _unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
        return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(serialization.Encoding.DER)
