"""PAdES B-T, B-LT and B-LTA with pyHanko, timestamped by the city TSA in process.

`InProcessTimeStamper` is pyHanko's documented extension point (a `TimeStamper` whose
`async_request_tsa_response` is overridden) calling the TSA function directly instead of
over HTTP. B-LT embeds the revocation data given in the validation context (OCSP responses
from the responder, or the CRL) in the document security store; B-LTA adds a document
timestamp over it all.
"""
from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Sequence
from enum import StrEnum

from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from services.signatures.key_vault import HolderKey
from services.signatures.profile import signs_with_pss
from services.signatures.timestamps import TimestampReply

MD_ALGORITHM = "sha256"


class PadesLevel(StrEnum):
    B_B = "B-B"  # a signature, no timestamp (the verifier reports it; signing here never makes it)
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"  # made by archive_pdf over a signed PDF


class InProcessTimeStamper(TimeStamper):
    """A pyHanko TimeStamper whose TSA is a function: DER TimeStampReq -> DER TimeStampResp."""

    def __init__(self, answer: Callable[[bytes], bytes], include_nonce: bool = True) -> None:
        super().__init__(include_nonce=include_nonce)
        self._answer = answer

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        reply = self._answer(req.dump())
        status = TimestampReply.load(reply)["status"]
        if status["status"].native not in ("granted", "granted_with_mods"):
            raise TimestampRequestError(f"the TSA refused: {status['fail_info'].native}")
        return tsp.TimeStampResp.load(reply)


def asn1_certificate(pem_text: str) -> asn1_x509.Certificate:
    _, _, der = asn1_pem.unarmor(pem_text.encode())
    return asn1_x509.Certificate.load(der)


def holder_signer(certificate_pem: str, key: HolderKey, intermediates_pem: Sequence[str]) -> signers.SimpleSigner:
    """A pyHanko signer for a holder (or an agency seal); RSA keys sign with RSASSA-PSS."""
    return signers.SimpleSigner(
        signing_cert=asn1_certificate(certificate_pem), signing_key=asn1_keys.PrivateKeyInfo.load(key.pkcs8_der),
        cert_registry=SimpleCertificateStore.from_certs([asn1_certificate(p) for p in intermediates_pem]),
        prefer_pss=signs_with_pss(key))


def revocation_context(trust_roots_pem: Sequence[str], intermediates_pem: Sequence[str], *,
                       ocsps: Sequence[bytes] = (), crls: Sequence[bytes] = ()) -> ValidationContext:
    """What B-LT embeds: the chain and the given OCSP responses / CRLs (DER); nothing is fetched."""
    return ValidationContext(trust_roots=[asn1_certificate(p) for p in trust_roots_pem],
                             other_certs=[asn1_certificate(p) for p in intermediates_pem],
                             ocsps=list(ocsps), crls=list(crls), allow_fetching=False)


def sign_pdf(data: bytes, signer: signers.Signer, timestamper: TimeStamper, *, level: PadesLevel = PadesLevel.B_T,
             validation_context: ValidationContext | None = None, signer_name: str | None = None,
             reason: str | None = None, location: str | None = "Hà Nội") -> bytes:
    """The PDF with one more PAdES signature at `level` (B-LT needs `validation_context`).

    Raises pyHanko's SigningError / PdfError, and TimestampRequestError when the TSA refuses.
    """
    if level == PadesLevel.B_LT and validation_context is None:
        raise ValueError("B-LT embeds revocation data: give a validation_context")
    metadata = signers.PdfSignatureMetadata(
        field_name=f"iHanoi-{uuid.uuid4().hex[:12]}", md_algorithm=MD_ALGORITHM,
        subfilter=fields.SigSeedSubFilter.PADES, reason=reason, location=location, name=signer_name,
        embed_validation_info=level == PadesLevel.B_LT,
        validation_context=validation_context if level == PadesLevel.B_LT else None)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    return signers.PdfSigner(metadata, signer, timestamper=timestamper).sign_pdf(writer).getvalue()


def archive_pdf(data: bytes, timestamper: TimeStamper, validation_context: ValidationContext) -> bytes:
    """B-LTA: the revocation data of the TSA into the DSS, then a document timestamp over all."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    stamper = signers.PdfTimeStamper(timestamper, field_name=f"iHanoi-archive-{uuid.uuid4().hex[:12]}")
    output = stamper.timestamp_pdf(writer, MD_ALGORITHM, validation_context=validation_context)
    return output.getvalue()


__all__ = ["InProcessTimeStamper", "PadesLevel", "SigningError", "archive_pdf", "holder_signer",
           "revocation_context", "sign_pdf"]
