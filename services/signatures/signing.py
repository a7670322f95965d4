"""Remote signing: a one-time code to the holder's phone, then a PAdES signature with their key."""
from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from cryptography import x509
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.identity import Account
from models.signatures import Certificate, CertificateStatus, DocumentSignature
from services.context import Context
from services.errors import BadRequest, Conflict, NotFound, Unavailable, ValidationFailed
from services.identity.otp import IssuedChallenge, OtpChallenges
from services.identity.sms import SmsSender
from services.signatures import certificates
from services.signatures.authority import CertificateAuthority
from services.signatures.key_vault import HolderKey, KeyUnavailable, KeyVault
from services.pagination import Page, paginate
from services.signatures import city_services
from services.signatures.long_term import PadesLevel, holder_signer, sign_pdf
from services.signatures.pdf import UNREADABLE_PDF, read_pdf
from services.messages.sms import send_sms
from services.messages import lazy_text

OTP_PURPOSE = "signing"
SIGNING_REASON = "Ký số qua ứng dụng iHanoi"


@dataclass(frozen=True)
class SigningChallenge:
    challenge: IssuedChallenge
    certificate_serial: str


@dataclass(frozen=True)
class SignedDocument:
    content: bytes
    filename: str
    certificate_serial: str
    signed_at: datetime


def asn1_certificate(pem_text: str) -> asn1_x509.Certificate:
    _, _, der = asn1_pem.unarmor(pem_text.encode())
    return asn1_x509.Certificate.load(der)


def _refuse_unusable(certificate: Certificate | None, now: datetime) -> Certificate:
    if certificate is None:
        raise Conflict(lazy_text("signatures.signing.hold_no_valid_signing"), code="no_valid_certificate")
    status = certificates.status_of(certificate, now)
    if status != CertificateStatus.VALID:  # Circular 15/2025: checked before every signature
        raise Conflict(lazy_text("signatures.signing.certificate_status_s_cannot", status=status), code="certificate_not_valid",
                       current=status)
    return certificate


def _newest_certificate(session: Session, account_id: uuid.UUID) -> Certificate | None:
    return session.scalar(select(Certificate).where(Certificate.account_id == account_id)
                          .order_by(Certificate.created_at.desc(), Certificate.id.desc()).limit(1))


def list_mine(ctx: Context, *, limit: int, cursor: str | None) -> Page[DocumentSignature]:
    """What I signed, newest first: name, SHA-256, time, certificate and level; no document content."""
    return paginate(ctx.session, select(DocumentSignature).where(DocumentSignature.account_id == ctx.principal.account_id),
                    [DocumentSignature.signed_at, DocumentSignature.id], limit=limit, cursor=cursor)


def start(ctx: Context, challenges: OtpChallenges, sms: SmsSender) -> SigningChallenge:
    session, principal = ctx.session, ctx.principal
    now = ctx.clock.now()
    account = session.get(Account, principal.account_id)
    certificate = (certificates.valid_certificate_of(session, account.id, now)
                   or _newest_certificate(session, account.id))
    certificate = _refuse_unusable(certificate, now)
    if not account.phone:
        raise ValidationFailed(lazy_text("signatures.signing.account_no_phone_number"), code="no_phone")
    issued = challenges.issue({"account_id": str(account.id), "serial": certificate.serial, "phone": account.phone})
    send_sms(sms, account.phone, "signing_code", account.language, code=issued.otp)
    return SigningChallenge(issued, certificate.serial)


def pades_sign(data: bytes, certificate_pem: str, chain_pem: list[str], key: HolderKey, signer_name: str) -> bytes:
    """The PDF with one more PAdES (B-B, ETSI.CAdES.detached) signature, as an incremental update."""
    signer = holder_signer(certificate_pem, key, chain_pem[:-1])
    metadata = signers.PdfSignatureMetadata(
        field_name=f"iHanoi-{uuid.uuid4().hex[:12]}", md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES, reason=SIGNING_REASON, location="Hà Nội", name=signer_name)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    try:
        return signers.PdfSigner(metadata, signer).sign_pdf(writer).getvalue()
    except (SigningError, *UNREADABLE_PDF) as exc:  # UNREADABLE_PDF: parts of the file read only now
        raise ValidationFailed.on_field("file", lazy_text("signatures.signing.pdf_cannot_signed_exc", exc=exc), "cannot_sign_pdf") from exc


def timestamped_sign(ctx: Context, authority: CertificateAuthority, data: bytes, certificate_pem: str,
                     key: HolderKey, signer_name: str, level: PadesLevel) -> bytes:
    """PAdES B-T (the city TSA's timestamp) or B-LT (plus OCSP answers and the root's CRL)."""
    tsa = city_services.timestamper(ctx, authority)
    context = None
    if level == PadesLevel.B_LT:
        leaf = x509.load_pem_x509_certificate(certificate_pem.encode())
        context = city_services.long_term_context(ctx, authority, leaf, authority.tsa_key_pair().certificate)
    try:
        return sign_pdf(data, holder_signer(certificate_pem, key, authority.chain_pem()[:1]), tsa, level=level,
                        validation_context=context, signer_name=signer_name, reason=SIGNING_REASON)
    except (SigningError, *UNREADABLE_PDF) as exc:  # parts of a hostile file are read only now
        raise ValidationFailed.on_field("file", lazy_text("signatures.signing.pdf_cannot_signed_exc", exc=exc), "cannot_sign_pdf") from exc
    except TimestampRequestError as exc:
        raise Unavailable(lazy_text("signatures.signing.timestamp_authority_did_answer"),
                          code="timestamp_unavailable") from exc


def timestamp_of(signed_pdf: bytes, index: int = -1) -> datetime | None:
    """The genTime of the signature timestamp of one embedded signature, when it has one."""
    embedded = PdfFileReader(io.BytesIO(signed_pdf), strict=False).embedded_signatures[index]
    return token_time(embedded)


def token_time(embedded) -> datetime | None:
    """genTime of the signature's RFC 3161 token (unsigned attribute signature_time_stamp_token)."""
    for attribute in embedded.signer_info["unsigned_attrs"] or ():
        if attribute["type"].native == "signature_time_stamp_token":
            signed_data = attribute["values"][0]["content"]
            return signed_data["encap_content_info"]["content"].parsed["gen_time"].native
    return None


def signature_digest(signed_pdf: bytes, index: int = -1) -> str:
    """SHA-256 of the CMS signature value of one embedded signature: its lookup key."""
    embedded = PdfFileReader(io.BytesIO(signed_pdf), strict=False).embedded_signatures[index]
    return hashlib.sha256(embedded.signer_info["signature"].native).hexdigest()


def sign(ctx: Context, authority: CertificateAuthority, vault: KeyVault, challenges: OtpChallenges, *, challenge_id: str, otp: str, data: bytes, filename: str | None,
         max_bytes: int, level: PadesLevel = PadesLevel.B_T) -> SignedDocument:
    session, principal = ctx.session, ctx.principal
    read_pdf(data, max_bytes)  # a bad upload does not spend the code
    payload = challenges.redeem(challenge_id, otp)
    if payload.get("account_id") != str(principal.account_id):
        raise BadRequest(lazy_text("signatures.signing.code_was_issued"), code="invalid_otp")
    now = ctx.clock.now()
    certificate = session.scalar(select(Certificate).where(Certificate.serial == payload["serial"])
                                 .with_for_update())
    if certificate is None:
        raise NotFound(lazy_text("signatures.signing.certificate_code_no_longer"))
    _refuse_unusable(certificate, now)
    try:
        key = vault.open(certificates.sealed_key_of(session, certificate), certificate.serial)
    except KeyUnavailable as exc:
        raise Unavailable(lazy_text("signatures.signing.signing_key_cannot_opened"),
                          code="signing_key_unavailable") from exc
    account = session.get(Account, principal.account_id)
    signed = timestamped_sign(ctx, authority, data, certificate.pem, key, account.full_name, level)
    signed_at = timestamp_of(signed) or now
    session.add(DocumentSignature(
        certificate_id=certificate.id, account_id=account.id, signature_digest=signature_digest(signed),
        document_digest=hashlib.sha256(signed).hexdigest(), document_name=(filename or "")[:255] or None,
        size_bytes=len(signed), signed_at=signed_at.replace(microsecond=0),  # CRL time granularity
        level=str(level)))
    stem = (filename or "document.pdf").rsplit("/", 1)[-1].removesuffix(".pdf")
    return SignedDocument(signed, f"{stem}-signed.pdf", certificate.serial, now)
