"""Dates, times, amounts and decimals as each language writes them (Babel's CLDR data), in Hanoi's
time zone. Only for text a person reads: JSON numbers and CSV cells keep the dot."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import dates, numbers

from services.messages.catalogue import translate_plural

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

# CLDR's short Vietnamese date has a two-digit year; people here write the year in full.
DATE_PATTERN = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
DATETIME_PATTERN = {"vi": "HH:mm dd/MM/yyyy", "en": "d MMM yyyy, HH:mm"}


def format_date(day: date, language: str) -> str:
    """`30/11/2026` in Vietnamese, `30 Nov 2026` in English."""
    return dates.format_date(day, DATE_PATTERN[language], locale=language)


def format_datetime(moment: datetime, language: str) -> str:
    """An aware instant shown on Hanoi's clock: `10:05 30/11/2026`, `30 Nov 2026, 10:05`."""
    if moment.tzinfo is None:
        raise ValueError("format_datetime needs an aware datetime (the app stores UTC)")
    return dates.format_datetime(moment, DATETIME_PATTERN[language], tzinfo=HANOI, locale=language)


def format_amount(vnd: int | Decimal, language: str) -> str:
    """Dong, which has no minor unit: `1.250.000 ₫` in Vietnamese, `₫1,250,000` in English."""
    return numbers.format_currency(vnd, "VND", locale=language)


# A share on the dashboard and in reports: one decimal, as the CLDR pattern of each language
# places the sign (`12,5%` in Vietnamese, `12.5%` in English).
PERCENT_PATTERN = "#,##0.0%"


def format_decimal(value: float | Decimal, language: str) -> str:
    """A measured value or a figure: `5,6` and `1.234,5` in Vietnamese, `5.6` and `1,234.5` in
    English (at most three decimals, no trailing zeros)."""
    return numbers.format_decimal(value, locale=language)


def format_percent(share: float | Decimal, language: str) -> str:
    """A share between 0 and 1 as a percentage: `12,5%` in Vietnamese, `12.5%` in English."""
    return numbers.format_percent(share, PERCENT_PATTERN, locale=language)


@dataclass(frozen=True)
class Amount:
    """A sum in dong among a text's values: `translate` writes it as the language does."""

    vnd: int | Decimal


def format_working_days(count: int, language: str) -> str:
    """`3 ngày làm việc`, `1 working day`, `3 working days` (a plural from the catalogue)."""
    return translate_plural(language, "time.working_days", "time.working_days.plural", count)
