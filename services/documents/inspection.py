"""What an uploaded file really is: its type from its bytes, its size, pages, digest and a safe name.

The type comes from the magic numbers through `filetype` (pure Python, no libmagic to install,
reads only the first 8 KiB); the name a client sends is never trusted for it. A PDF is then
opened with pypdf to count its pages: one that cannot be read is a MalformedDocument (422).

File names keep Vietnamese: `safe_file_name` keeps letters and digits of any script (NFC),
drops directories, control and reserved characters, and puts on the extension of the real
type. It is a display and download name only, never a path (objects are stored by SHA-256).
`ascii_file_name` is its ASCII fallback (diacritics folded, đ -> d) for places without UTF-8.
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from typing import BinaryIO

import filetype
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from services.errors import DocumentTooLarge, MalformedDocument, UnsupportedDocumentType
from services.messages import lazy_text

# Accepted media type -> the extension a stored name gets.
EXTENSION_OF_TYPE = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
MAX_NAME_CHARS = 120
_NAME_KEEPS = re.compile(r"[^\w .()+,\-]+")
# Errors pypdf raises on broken input besides its own; a broken upload must not be a 500.
_PDF_BREAKS = (PyPdfError, ValueError, KeyError, IndexError, TypeError, AttributeError,
               RecursionError, OverflowError, ZeroDivisionError)


@dataclass(frozen=True)
class Inspected:
    media_type: str
    size: int
    sha256: str
    pages: int | None  # PDFs only
    file_name: str


def read_capped(stream: BinaryIO, max_bytes: int) -> bytes:
    """Read an upload, stopping one byte past the limit rather than reading it all."""
    content = stream.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise DocumentTooLarge(lazy_text("documents.inspection.file_larger_than_max", max_bytes=max_bytes), max_bytes=max_bytes)
    return content


def media_type(content: bytes, accepted: Collection[str] = tuple(EXTENSION_OF_TYPE)) -> str:
    kind = filetype.guess(content[:8192])
    if kind is None or kind.mime not in accepted:
        raise UnsupportedDocumentType(
            lazy_text("documents.inspection.file_s_content_one"), accepted=sorted(accepted))
    return kind.mime


def pdf_pages(content: bytes) -> int:
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise MalformedDocument(lazy_text("documents.inspection.pdf_locked_password"), code="document_encrypted")
        pages = len(reader.pages)
    except _PDF_BREAKS as exc:
        raise MalformedDocument(lazy_text("documents.inspection.pdf_cannot_read")) from exc
    if pages < 1:
        raise MalformedDocument(lazy_text("documents.inspection.pdf_no_pages"))
    return pages


def inspect(content: bytes, *, file_name: str, max_bytes: int,
            accepted: Collection[str] = tuple(EXTENSION_OF_TYPE), max_pages: int | None = None) -> Inspected:
    """Check an upload against a component's rules; raise the domain error a citizen is told."""
    if len(content) > max_bytes:
        raise DocumentTooLarge(lazy_text("documents.inspection.file_larger_than_max", max_bytes=max_bytes), max_bytes=max_bytes)
    kind = media_type(content, accepted)
    pages = pdf_pages(content) if kind == "application/pdf" else None
    if pages is not None and max_pages is not None and pages > max_pages:
        raise MalformedDocument(lazy_text("documents.inspection.pdf_pages_s_pages", pages=pages, max_pages=max_pages),
                                code="too_many_pages", max_pages=max_pages)
    return Inspected(media_type=kind, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                     pages=pages, file_name=safe_file_name(file_name, kind))


def safe_file_name(sent: str, kind: str) -> str:
    """A readable name (Vietnamese kept) with the extension of the file's real type."""
    base = unicodedata.normalize("NFC", sent or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    stem = " ".join(_NAME_KEEPS.sub(" ", stem).split()).strip(" .-")
    extension = EXTENSION_OF_TYPE.get(kind, "bin")
    return f"{(stem or 'document')[:MAX_NAME_CHARS]}.{extension}"


def ascii_file_name(name: str) -> str:
    """The ASCII fallback of a safe name: diacritics folded, anything else become '_'."""
    folded = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9 .()+,_\-]", "_", plain)
