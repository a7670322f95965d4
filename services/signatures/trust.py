"""Trust beyond the city: roots the verifier trusts besides the city's own (for example the
national root of the licensed CAs), imported by an operator (`flask ca trust import FILE.pem`)."""
from __future__ import annotations

import hashlib

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.signatures import TrustAnchor
from services.context import Context
from services.errors import ValidationFailed
from services.messages import lazy_text


def anchors_pem(session: Session) -> list[str]:
    """Every imported trust anchor (PEM), oldest first."""
    return list(session.scalars(select(TrustAnchor.pem).order_by(TrustAnchor.id)))


def _roots_in(pem: bytes) -> list[x509.Certificate]:
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise ValidationFailed.on_field("file", lazy_text("signatures.trust.pem_certificate_file"), "not_a_certificate") from exc
    for certificate in certificates:
        try:
            constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
        except x509.ExtensionNotFound:
            constraints = None
        if constraints is None or not constraints.ca:
            raise ValidationFailed.on_field("file", lazy_text("signatures.trust.only_ca_certificates_can"), "not_a_ca")
    return certificates


def import_anchors(ctx: Context, pem: bytes) -> list[TrustAnchor]:
    """Add the CA certificates of `pem` as trust anchors; one already known is kept as it is."""
    added = []
    for certificate in _roots_in(pem):
        der = certificate.public_bytes(Encoding.DER)
        fingerprint = hashlib.sha256(der).hexdigest()
        known = ctx.session.scalar(select(TrustAnchor).where(TrustAnchor.fingerprint == fingerprint))
        if known is not None:
            added.append(known)
            continue
        anchor = TrustAnchor(fingerprint=fingerprint, subject=certificate.subject.rfc4514_string()[:400],
                             pem=certificate.public_bytes(Encoding.PEM).decode(), created_at=ctx.clock.now())
        ctx.session.add(anchor)
        added.append(anchor)
    ctx.session.flush()
    return added
