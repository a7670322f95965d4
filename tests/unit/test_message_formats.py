"""Dates, times, amounts and decimals read as each language writes them, on Hanoi's clock."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from services.messages import format_amount, format_date, format_datetime, format_decimal, format_percent, translate


def test_dates():
    assert format_date(date(2026, 11, 30), "vi") == "30/11/2026"
    assert format_date(date(2026, 1, 5), "vi") == "05/01/2026"
    assert format_date(date(2026, 11, 30), "en") == "30 Nov 2026"


def test_amounts_in_dong():
    assert format_amount(1_250_000, "vi") == "1.250.000\xa0₫"
    assert format_amount(1_250_000, "en") == "₫1,250,000"
    assert format_amount(0, "vi") == "0\xa0₫"


def test_instants_are_shown_on_hanoi_time():
    late_utc = datetime(2026, 11, 30, 20, 30, tzinfo=timezone.utc)  # 03:30 on 1 December in Hanoi
    assert format_datetime(late_utc, "vi") == "03:30 01/12/2026"
    assert format_datetime(late_utc, "en") == "1 Dec 2026, 03:30"


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        format_datetime(datetime(2026, 11, 30, 9, 0), "vi")


def test_decimals_take_a_comma_in_vietnamese_and_a_dot_in_english():
    assert [format_decimal(5.6, "vi"), format_decimal(Decimal("1234.5"), "vi"), format_decimal(95.0, "vi")] == \
        ["5,6", "1.234,5", "95"]
    assert [format_decimal(5.6, "en"), format_decimal(Decimal("1234.5"), "en"), format_decimal(95.0, "en")] == \
        ["5.6", "1,234.5", "95"]


def test_shares_are_percentages_with_one_decimal():
    assert [format_percent(0.125, "vi"), format_percent(1, "vi"), format_percent(0.0004, "vi")] == \
        ["12,5%", "100,0%", "0,0%"]
    assert [format_percent(0.125, "en"), format_percent(1, "en")] == ["12.5%", "100.0%"]


def test_a_decimal_among_a_texts_values_is_written_as_the_language_does_and_a_count_is_left_alone():
    vi = translate("vi", "health.batch.bmi_implausible", height=170.5, bmi=80.25)
    en = translate("en", "health.batch.bmi_implausible", height=170.5, bmi=80.25)
    assert "170,5 cm" in vi and "80,25" in vi and "170.5 cm" in en and "80.25" in en
    assert translate("vi", "documents.inspection.file_larger_than_max", max_bytes=1048576) == "Tệp lớn hơn 1048576 byte."
