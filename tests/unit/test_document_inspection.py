"""Uploads judged by their bytes: type, size, PDF pages, digest and the name kept for them."""
from __future__ import annotations

import hashlib
import io

import pytest
from fpdf import FPDF
from hypothesis import given, settings, strategies as st
from PIL import Image

from services.documents.inspection import ascii_file_name, inspect, pdf_pages, read_capped, safe_file_name
from services.errors import DocumentTooLarge, MalformedDocument, UnsupportedDocumentType

MB = 1024 * 1024


def _pdf(pages: int = 2, password: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for n in range(pages):
        pdf.add_page()
        pdf.cell(text=f"page {n + 1}")
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    return bytes(pdf.output())


def _image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(out, kind)
    return out.getvalue()


def test_pdf_jpeg_and_png_are_known_by_their_bytes_whatever_their_name():
    pdf = _pdf(3)
    found = inspect(pdf, file_name="giấy khai sinh.png", max_bytes=MB)
    assert (found.media_type, found.pages, found.size) == ("application/pdf", 3, len(pdf))
    assert found.sha256 == hashlib.sha256(pdf).hexdigest()
    assert found.file_name == "giấy khai sinh.pdf"
    jpeg = inspect(_image("JPEG"), file_name="ảnh.pdf", max_bytes=MB)
    assert (jpeg.media_type, jpeg.pages, jpeg.file_name) == ("image/jpeg", None, "ảnh.jpg")
    assert inspect(_image("PNG"), file_name="scan", max_bytes=MB).media_type == "image/png"


@pytest.mark.parametrize("content", [
    b"MZ\x90\x00" + b"\x00" * 200,           # a Windows program named .pdf
    b"just some text, saved as scan.pdf",
    b"GIF89a" + b"\x00" * 100,              # an image type we do not take
    b"PK\x03\x04" + b"\x00" * 100,          # a zip (or .docx)
    b"",
])
def test_anything_else_is_an_unsupported_document_type(content):
    with pytest.raises(UnsupportedDocumentType) as caught:
        inspect(content, file_name="scan.pdf", max_bytes=MB)
    assert caught.value.code == "unsupported_document_type"


def test_a_component_can_take_fewer_types():
    with pytest.raises(UnsupportedDocumentType) as caught:
        inspect(_image("PNG"), file_name="x.png", max_bytes=MB, accepted={"application/pdf"})
    assert caught.value.extra["accepted"] == ["application/pdf"]


def test_size_is_checked_before_anything_else_and_reading_stops_past_the_limit():
    with pytest.raises(DocumentTooLarge) as caught:
        inspect(_pdf(1) + b"\x00" * 100, file_name="a.pdf", max_bytes=100)
    assert caught.value.extra["max_bytes"] == 100
    stream = io.BytesIO(b"x" * 10_000)
    with pytest.raises(DocumentTooLarge):
        read_capped(stream, 1000)
    assert stream.tell() == 1001
    assert read_capped(io.BytesIO(b"x" * 1000), 1000) == b"x" * 1000


def test_a_broken_or_locked_pdf_is_a_malformed_document_and_a_page_limit_holds():
    for broken in (b"%PDF-1.7\n1 0 obj << /Type /Catalog", _pdf(2)[:300]):
        with pytest.raises(MalformedDocument) as caught:
            inspect(broken, file_name="a.pdf", max_bytes=MB)
        assert caught.value.code == "malformed_document"
    with pytest.raises(MalformedDocument) as caught:
        inspect(_pdf(1, password="secret"), file_name="a.pdf", max_bytes=MB)
    assert caught.value.code == "document_encrypted"
    assert inspect(_pdf(2, password=""), file_name="a.pdf", max_bytes=MB).pages == 2
    with pytest.raises(MalformedDocument) as caught:
        inspect(_pdf(3), file_name="a.pdf", max_bytes=MB, max_pages=2)
    assert caught.value.code == "too_many_pages"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.integers(min_value=0, max_value=2000))
def test_no_pdf_bytes_break_the_page_count_with_anything_but_a_domain_error(noise, cut):
    mangled = (_PDF_SAMPLE[:cut] + noise + _PDF_SAMPLE[cut + len(noise):])
    try:
        assert pdf_pages(mangled) >= 1
    except MalformedDocument:
        pass


_PDF_SAMPLE = _pdf(2)


@pytest.mark.parametrize("sent, kind, kept", [
    ("Giấy khai sinh - Nguyễn Văn Đức.pdf", "application/pdf", "Giấy khai sinh - Nguyễn Văn Đức.pdf"),
    ("C:\\Users\\an\\Ảnh\\CCCD mặt trước.JPG", "image/jpeg", "CCCD mặt trước.jpg"),
    ("../../etc/passwd", "application/pdf", "passwd.pdf"),
    ("hợp\x00đồng\n<script>.pdf", "application/pdf", "hợpđồng script.pdf"),
    ("report.pdf.exe", "application/pdf", "report.pdf.pdf"),
    (".bashrc", "image/png", "bashrc.png"),
    ("", "image/png", "document.png"),
    ("???.pdf", "application/pdf", "document.pdf"),
    # decomposed input (as macOS sends it) is stored composed
    ("Tie\u0302\u0301ng Vie\u0323\u0302t.pdf", "application/pdf", "Tiếng Việt.pdf"),
])
def test_a_safe_name_keeps_vietnamese_and_takes_the_real_extension(sent, kind, kept):
    assert safe_file_name(sent, kind) == kept


def test_a_safe_name_is_bounded_and_has_an_ascii_fallback():
    assert len(safe_file_name("đ" * 500 + ".pdf", "application/pdf")) == 120 + len(".pdf")
    assert ascii_file_name("Giấy khai sinh - Nguyễn Văn Đức.pdf") == "Giay khai sinh - Nguyen Van Duc.pdf"
    assert ascii_file_name("東京.png") == "__.png"
