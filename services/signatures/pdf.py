"""Uploaded PDFs: a size limit, the PDF header, and a file pyHanko can read."""
from __future__ import annotations

import io

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from services.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from services.messages import lazy_text

# What a malformed file makes the parser raise (a deeply nested array recurses; a huge
# number overflows). Signing and verifying catch the same on the parts they read later.
UNREADABLE_PDF = (PdfError, ValueError, KeyError, IndexError, TypeError, AttributeError,
                  RecursionError, OverflowError)
HEADER_WINDOW = 1024  # readers accept the %PDF- header anywhere in the first kilobyte


def read_pdf(data: bytes, max_bytes: int) -> PdfFileReader:
    if len(data) > max_bytes:
        raise PayloadTooLarge(lazy_text("signatures.pdf.pdf_larger_than_value", value=max_bytes // 1024), code="pdf_too_large",
                              max_bytes=max_bytes)
    if b"%PDF-" not in data[:HEADER_WINDOW]:
        raise UnsupportedMediaType(lazy_text("signatures.pdf.upload_pdf_document"), code="not_a_pdf")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        reader.root  # noqa: B018  (forces the cross-reference table and catalogue to be read)
    except UNREADABLE_PDF as exc:
        raise ValidationFailed.on_field("file", lazy_text("signatures.pdf.pdf_cannot_read"), "unreadable_pdf") from exc
    if reader.encrypted:
        raise ValidationFailed.on_field("file", lazy_text("signatures.pdf.encrypted_pdfs_cannot_signed"),
                                        "encrypted_pdf")
    return reader
