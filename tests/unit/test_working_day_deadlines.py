"""Working-day deadlines as the health corrections use them (2 and 10 working days)."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from services.calendar.business_days import add_business_days, business_days_between, is_business_day

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=HANOI)


def test_friday_plus_two_is_tuesday_same_local_time():
    due = add_business_days(local(2024, 11, 15, 15, 0), 2)
    assert due == local(2024, 11, 19, 15, 0)


def test_tet_holidays_are_skipped():
    # Tết 2025: Monday 27 January to Saturday 1 February are public holidays.
    assert add_business_days(local(2025, 1, 24, 10, 0), 2) == local(2025, 2, 4, 10, 0)
    assert add_business_days(local(2025, 1, 24, 10, 0), 10) == local(2025, 2, 14, 10, 0)


def test_reunification_and_labour_day_with_the_substitute_day_off():
    # 30 April, 1 May and the substitute day 2 May 2025 (Wed-Fri) are off.
    assert add_business_days(local(2025, 4, 29, 9, 0), 1) == local(2025, 5, 5, 9, 0)


def test_days_are_counted_on_the_hanoi_calendar_not_utc():
    # 17:30 UTC on Friday 1 Nov 2024 is already Saturday 00:30 in Hanoi.
    start = datetime(2024, 11, 1, 17, 30, tzinfo=timezone.utc)
    assert add_business_days(start, 1) == local(2024, 11, 4, 0, 30)


def test_a_weekend_start_counts_from_monday():
    assert add_business_days(local(2024, 11, 16, 8, 0), 1) == local(2024, 11, 18, 8, 0)


def test_national_day_and_weekend_days_are_not_business_days():
    assert not is_business_day(date(2024, 9, 2))
    assert not is_business_day(date(2024, 11, 16))
    assert is_business_day(date(2024, 11, 18))


def test_between_counts_working_days_and_is_signed():
    start, end = local(2025, 1, 24, 10, 0), local(2025, 2, 4, 10, 0)
    assert business_days_between(start, end) == 2
    assert business_days_between(end, start) == -2
    assert business_days_between(start, start + timedelta(hours=1)) == 0


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_business_days(datetime(2024, 1, 1, 8, 0), 1)
