"""PAdES B-LTA for a signed PDF: the revocation data of its signers and of the city TSA into the
document security store, then a document timestamp over it all (issue 14, point 3).

The same gates as the verifier: the size limit, the signature cap (one place is kept for the
document timestamp, so the archived file can still be verified), the time budget; the route
adds the per-address limit. Revocation data is made for the signers the city CA issued (OCSP
answers from its responder); another CA's signer keeps what the PDF already carries.
"""
from __future__ import annotations

from cryptography import x509
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.common_utils import TimestampRequestError

from services.context import Context
from services.errors import Unavailable, ValidationFailed
from services.signatures import city_services, verification
from services.signatures.authority import CertificateAuthority
from services.signatures.long_term import archive_pdf
from services.signatures.pdf import UNREADABLE_PDF
from services.messages import lazy_text


def _city_signers(embedded, authority: CertificateAuthority) -> list[x509.Certificate]:
    """The signers' certificates issued by the city's issuing CA (their OCSP answers go in the DSS)."""
    issuer = authority.issuing_certificate.subject
    signers = {}
    for signature in embedded:
        certificate = x509.load_der_x509_certificate(signature.signer_cert.dump())
        if certificate.issuer == issuer:
            signers[certificate.serial_number] = certificate
    return list(signers.values())


def archive(ctx: Context, authority: CertificateAuthority, data: bytes, *, max_bytes: int) -> bytes:
    """The PDF with revocation data in its DSS and a document timestamp added (B-LTA)."""
    settings = ctx.settings
    budget = verification.Budget(settings.signature_verify_budget_ms)
    embedded = verification.signatures_of(data, max_bytes, settings.signature_verify_max_signatures - 1)
    try:
        signers = _city_signers(embedded, authority)
    except UNREADABLE_PDF as exc:
        raise ValidationFailed.on_field("file", lazy_text("signatures.verification.signature_pdf_corrupted"),
                                        "corrupted_signature") from exc
    budget.check()
    tsa_certificate = city_services.timestamp_authority(ctx, authority).certificate
    context = city_services.long_term_context(ctx, authority, *signers, tsa_certificate)
    budget.check()
    try:
        return archive_pdf(data, city_services.timestamper(ctx, authority), context)
    except (SigningError, *UNREADABLE_PDF) as exc:
        raise ValidationFailed.on_field("file", lazy_text("signatures.archiving.cannot_archive"), "cannot_archive_pdf") from exc
    except TimestampRequestError as exc:
        raise Unavailable(lazy_text("signatures.archiving.tsa_unavailable"),
                          code="timestamp_unavailable") from exc
