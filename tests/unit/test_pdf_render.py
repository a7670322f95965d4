"""Rendered forms and receipts read back with pypdf: Vietnamese intact, the font inside the file."""
from __future__ import annotations

import io
import unicodedata
from datetime import datetime, timezone

from pypdf import PdfReader

from services.documents.inspection import inspect
from services.documents.pdf_render import Receipt, application_pdf, receipt_pdf

FIELDS = [("Họ và tên", "Nguyễn Thị Thuỷ Đức"), ("Ngày sinh", "01/02/1990"),
          ("Nơi thường trú", "Số 12 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội"),
          ("Lý do", "Cấp bản sao trích lục khai sinh để bổ sung hồ sơ nhập học")]


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def _embedded_fonts(pdf: bytes) -> set[str]:
    """Names of the fonts whose program (FontFile2, TrueType) is inside the file."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described["/FontDescriptor"].get_object()
            if "/FontFile2" in descriptor:
                names.add(str(font["/BaseFont"]))
    return names


def test_the_application_keeps_every_vietnamese_string_in_an_embedded_font():
    pdf = application_pdf("Tờ khai đề nghị cấp bản sao trích lục hộ tịch", FIELDS, applicant="Nguyễn Thị Thuỷ Đức",
                          submitted_at=datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc))
    text = _text(pdf)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "TỜ KHAI ĐỀ NGHỊ CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH", "Nguyễn Thị Thuỷ Đức", "Nơi thường trú",
                     "phường Hoàn Kiếm", "Hà Nội, ngày 30/11/2026", "NGƯỜI KHAI"):
        assert expected in text
    fonts = _embedded_fonts(pdf)
    assert fonts and all("DejaVu" in name for name in fonts)
    assert inspect(pdf, file_name="to-khai.pdf", max_bytes=5_000_000).pages == 1


def test_decomposed_input_is_set_composed():
    pdf = application_pdf("Tờ khai", [("Ho ten", unicodedata.normalize("NFD", "Trần Văn Ưởng"))])
    assert "Trần Văn Ưởng" in _text(pdf)


def test_a_long_form_flows_onto_more_pages():
    pdf = application_pdf("Tờ khai", [(f"Trường {n}", "giá trị " * 12) for n in range(80)])
    assert inspect(pdf, file_name="x.pdf", max_bytes=5_000_000).pages > 1
    assert "Trường 79" in _text(pdf)


def test_the_receipt_reads_as_a_vietnamese_receipt():
    receipt = Receipt(number="BL-2026-000123", payer="Lê Văn Hùng", procedure="Đăng ký khai sinh",
                      amount_vnd=1_250_000, paid_at=datetime(2026, 11, 30, 16, 30, tzinfo=timezone.utc),
                      agency="UBND phường Hoàn Kiếm")
    text = _text(receipt_pdf(receipt))
    for expected in ("BIÊN LAI THU PHÍ, LỆ PHÍ", "Số: BL-2026-000123", "Người nộp", "Lê Văn Hùng",
                     "Đăng ký khai sinh", "1.250.000 ₫", "23:30 30/11/2026", "UBND phường Hoàn Kiếm"):
        assert expected in text
    assert _embedded_fonts(receipt_pdf(receipt))


def test_the_receipt_reads_in_english_when_asked():
    receipt = Receipt(number="BL-2026-000123", payer="Lê Văn Hùng", procedure="Đăng ký khai sinh",
                      amount_vnd=1_250_000, paid_at=datetime(2026, 11, 30, 16, 30, tzinfo=timezone.utc))
    text = _text(receipt_pdf(receipt, "en"))
    for expected in ("RECEIPT FOR FEES AND CHARGES", "No.: BL-2026-000123", "Payer", "Lê Văn Hùng",
                     "₫1,250,000", "30 Nov 2026, 23:30", "Paid on 30 Nov 2026"):
        assert expected in text
    assert "Người nộp" not in text


def test_the_application_is_dated_on_hanois_day():
    """Half past five in the evening UTC is already the next day in Hanoi (amounts, dates and
    times themselves are written by services/messages/formats.py, tested there)."""
    pdf = application_pdf("Tờ khai", FIELDS, applicant="Nguyễn Thị Thuỷ Đức",
                          submitted_at=datetime(2026, 11, 30, 17, 30, tzinfo=timezone.utc))
    assert "Hà Nội, ngày 01/12/2026" in _text(pdf)
