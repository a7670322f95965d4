"""Which PAdES baseline level a checked signature reached, and the document timestamps over it.

B-B: a signature; B-T: plus a trusted signature timestamp; B-LT: plus revocation data in the
document security store; B-LTA: plus a trusted document timestamp added after the signature.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pyhanko.sign.validation import validate_pdf_timestamp
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext

from services.signatures.long_term import PadesLevel

DOCUMENT_TIMESTAMP = "/DocTimeStamp"


@dataclass(frozen=True)
class DocumentTimestampReport:
    field_name: str | None
    timestamped_at: datetime | None
    tsa_name: str | None
    valid: bool  # intact, and its TSA chains to a trusted root
    signed_revision: int


def is_document_timestamp(embedded: EmbeddedPdfSignature) -> bool:
    return embedded.sig_object_type == DOCUMENT_TIMESTAMP


def check_document_timestamp(embedded: EmbeddedPdfSignature, context: ValidationContext) -> DocumentTimestampReport:
    status = validate_pdf_timestamp(embedded, validation_context=context, skip_diff=True)
    return DocumentTimestampReport(
        field_name=embedded.field_name, timestamped_at=status.timestamp,
        tsa_name=status.signing_cert.subject.native.get("common_name") if status.signing_cert else None,
        valid=bool(status.intact and status.valid and status.trusted), signed_revision=embedded.signed_revision)


def level_of(embedded: EmbeddedPdfSignature, stamped: bool, revocation_data: bool,
             document_timestamps: list[DocumentTimestampReport]) -> PadesLevel:
    if not stamped:
        return PadesLevel.B_B
    if not revocation_data:
        return PadesLevel.B_T
    archived = any(t.valid and t.signed_revision > embedded.signed_revision for t in document_timestamps)
    return PadesLevel.B_LTA if archived else PadesLevel.B_LT
