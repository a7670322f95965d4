"""Dates, times and amounts read as each language writes them, on Hanoi's clock."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from services.messages import format_amount, format_date, format_datetime


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
