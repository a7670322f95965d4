"""SMS texts that arrive whole: the GSM-7 / UCS-2 choice, segment counting, and the template registry.

The documented rule (issue 17), applied by `prepare_sms`:
1. A text already written in the GSM 03.38 alphabet (basic set + extension table) is sent as
   GSM-7 as it is, in as many segments as it needs.
2. Otherwise, if the text with its Vietnamese diacritics folded away (đ -> d, Đ -> D, then
   Unicode NFD with every combining mark dropped: "Mã ký số" -> "Ma ky so") is GSM-7 and fits
   ONE segment, that folded text is sent: one cheap segment that every handset shows whole.
3. Otherwise the text is sent as UCS-2 with its diacritics, since it needs several segments
   anyway and reads better with them.
The segment count is returned with the text so the sender can log it (the number, never the text).

Segments: GSM-7 160 septets alone, 153 per part when concatenated (an extension character
costs 2 and is never split from its escape); UCS-2 70 code units alone, 67 per part (a
character outside the BMP costs 2 and is never split).
"""
from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Protocol

import gsm0338  # noqa: F401 (registers the "gsm03.38" codec)

from services.messages.catalogue import LazyText, lazy_text

log = logging.getLogger("sms")

GSM7 = "gsm03.38"

# (limit when the message is one segment, limit per part when it is concatenated)
SEGMENT_LIMITS = {"gsm7": (160, 153), "ucs2": (70, 67)}

VIETNAMESE_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans({"đ": "d", "Đ": "D"})


@dataclass(frozen=True)
class SmsText:
    text: str
    encoding: str  # "gsm7" or "ucs2"
    segments: int


def fold_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(VIETNAMESE_LETTERS_WITHOUT_DECOMPOSITION))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def gsm7_units(text: str) -> list[int] | None:
    """Septets per character (1, or 2 for the extension table), or None if `text` is not GSM-7."""
    try:
        return [len(char.encode(GSM7)) for char in text]
    except UnicodeEncodeError:
        return None


def ucs2_units(text: str) -> list[int]:
    return [len(char.encode("utf-16-le")) // 2 for char in text]


def count_segments(units: Iterable[int], encoding: str) -> int:
    units = list(units)
    single, per_part = SEGMENT_LIMITS[encoding]
    if sum(units) <= single:
        return 1
    segments, used = 1, 0
    for unit in units:
        if used + unit > per_part:
            segments, used = segments + 1, 0
        used += unit
    return segments


def prepare_sms(text: str) -> SmsText:
    """The text as it will be sent, its encoding and its segment count (the rule above)."""
    units = gsm7_units(text)
    if units is not None:
        return SmsText(text, "gsm7", count_segments(units, "gsm7"))
    folded = fold_diacritics(text)
    folded_units = gsm7_units(folded)
    if folded_units is not None and count_segments(folded_units, "gsm7") == 1:
        return SmsText(folded, "gsm7", 1)
    return SmsText(text, "ucs2", count_segments(ucs2_units(text), "ucs2"))


@dataclass(frozen=True)
class SmsTemplate:
    """An SMS text in the catalogue, the segments it may use, and the longest values it takes."""

    message: LazyText
    budget: int
    longest_values: dict[str, str]

    def render(self, language: str, **values: str) -> SmsText:
        return prepare_sms(self.message.resolve(language, **values))


# Every SMS the service sends. A test fills each with its longest values in both languages.
SMS_TEMPLATES: dict[str, SmsTemplate] = {
    "signup_code": SmsTemplate(lazy_text("sms.signup_code"), budget=1,
                               longest_values={"code": "9" * 12}),
    "signing_code": SmsTemplate(lazy_text("sms.signing_code"), budget=1,
                                longest_values={"code": "9" * 12}),
    "online_issuance_code": SmsTemplate(lazy_text("sms.online_issuance_code"), budget=1,
                                        longest_values={"code": "9" * 12}),
}


def render_sms(template_id: str, language: str, **values: str) -> SmsText:
    return SMS_TEMPLATES[template_id].render(language, **values)


class SendsSms(Protocol):
    def send(self, phone: str, text: str) -> None: ...


def send_sms(sender: SendsSms, phone: str, template_id: str, language: str, **values: str) -> SmsText:
    """Render a template in the account's language, send it, and log its encoding and segment
    count (never the text: it holds a one-time code)."""
    sms = render_sms(template_id, language, **values)
    sender.send(phone, sms.text)
    log.info("sms %s (%s) sent as %s in %d segment(s)", template_id, language, sms.encoding, sms.segments)
    return sms
