"""The PDFs the city renders: a dossier's application form (tờ khai) and a fee receipt.

Set with fpdf2 in DejaVu Sans, the TrueType font matplotlib ships (found through
matplotlib.get_data_path(), so nothing more to install); fpdf2 embeds the subset of glyphs
used, so Vietnamese reads the same on any viewer, and writes a ToUnicode map, so the text
can be searched and extracted. Labels come from the message catalogue; dates, times and
amounts are written by services/messages/formats.py, on Hanoi's clock.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from services import messages
from services.messages import DEFAULT_LANGUAGE, translate

CITY_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FAMILY = "DejaVu"


@dataclass(frozen=True)
class Receipt:
    number: str
    payer: str
    procedure: str
    amount_vnd: int
    paid_at: datetime
    agency: str = ""


@cache
def font_files() -> dict[str, Path]:
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {"": folder / "DejaVuSans.ttf", "B": folder / "DejaVuSans-Bold.ttf"}


def _document(title: str) -> FPDF:
    pdf = FPDF(format="A4")
    for style, path in font_files().items():
        pdf.add_font(FAMILY, style, str(path))
    pdf.set_title(title)
    pdf.set_creator("iHanoi")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    _line(pdf, NATION, size=12, bold=True, align="C")
    _line(pdf, MOTTO, size=12, bold=True, align="C")
    pdf.ln(8)
    _line(pdf, title.upper(), size=14, bold=True, align="C")
    pdf.ln(4)
    return pdf


def _line(pdf: FPDF, text: str, *, size: int = 11, bold: bool = False, align: str = "L") -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.6, _nfc(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _rows(pdf: FPDF, rows: Sequence[tuple[str, str]]) -> None:
    pdf.set_font(FAMILY, "", 11)
    with pdf.table(col_widths=(2, 3), first_row_as_headings=False, line_height=7) as table:
        for label, value in rows:
            row = table.row()
            row.cell(_nfc(label))
            row.cell(_nfc(value))


def _nfc(text: object) -> str:
    """Composed forms: DejaVu has a glyph for each Vietnamese letter, not for every stack of marks."""
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def application_pdf(title: str, fields: Sequence[tuple[str, str]], *, applicant: str = "",
                    submitted_at: datetime | None = None, reference: str = "",
                    language: str = DEFAULT_LANGUAGE) -> bytes:
    """The application (tờ khai) as filed: a title and the form's (label, value) pairs, its
    closing lines (place and day, the applicant) in `language`.

    With `submitted_at`, the file's creation date is that moment, so the same application
    renders to the same bytes (a signed copy can be matched with it); `reference` (a dossier
    code) goes in the document's subject."""
    pdf = _document(title)
    if submitted_at:
        pdf.set_creation_date(submitted_at)
    if reference:
        pdf.set_subject(reference)
    _rows(pdf, fields)
    if submitted_at or applicant:
        pdf.ln(8)
        if submitted_at:
            _line(pdf, translate(language, "application.place_and_day",
                                 day=submitted_at.astimezone(CITY_TIMEZONE).date()), align="R")
        _line(pdf, translate(language, "application.applicant"), bold=True, align="R")
        _line(pdf, applicant, align="R")
    return bytes(pdf.output())


def receipt_pdf(receipt: Receipt, language: str = DEFAULT_LANGUAGE) -> bytes:
    """The electronic receipt of a fee paid online, in the reader's language (the national
    heading stays as the state writes it)."""
    pdf = _document(translate(language, "receipt.title"))
    _line(pdf, translate(language, "receipt.number", number=receipt.number), align="C")
    pdf.ln(4)
    rows = [(translate(language, "receipt.payer"), receipt.payer),
            (translate(language, "receipt.procedure"), receipt.procedure),
            (translate(language, "receipt.amount"), messages.format_amount(receipt.amount_vnd, language)),
            (translate(language, "receipt.paid_at"), messages.format_datetime(receipt.paid_at, language)),
            (translate(language, "receipt.paid_on"),
             messages.format_date(receipt.paid_at.astimezone(CITY_TIMEZONE).date(), language))]
    if receipt.agency:
        rows.insert(0, (translate(language, "receipt.agency"), receipt.agency))
    _rows(pdf, rows)
    return bytes(pdf.output())
