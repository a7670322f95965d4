"""Business days in Hanoi: weekends, Tết and the other public holidays, swapped Saturdays."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, strategies as st

from services.calendar.business_days import add_business_days, business_days_between, is_business_day

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def hanoi(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=HANOI)


def test_a_weekend_is_skipped():
    friday = hanoi(2024, 11, 22, 10, 0)
    assert add_business_days(friday, 1) == hanoi(2024, 11, 25, 10, 0)
    assert add_business_days(friday, 5) == hanoi(2024, 11, 29, 10, 0)


def test_tet_2025_is_skipped_lunar_days_included():
    # Tết Ất Tỵ: Monday 27 January to Saturday 1 February 2025 are holidays.
    before_tet = hanoi(2025, 1, 24, 10, 0)
    assert add_business_days(before_tet, 1) == hanoi(2025, 2, 3, 10, 0)
    assert add_business_days(before_tet, 3) == hanoi(2025, 2, 5, 10, 0)
    assert business_days_between(before_tet, hanoi(2025, 2, 5, 9, 0)) == 3
    assert not any(is_business_day(hanoi(2025, 1, day).date()) for day in range(27, 32))


def test_tet_moves_with_the_lunar_calendar():
    # Tết Bính Ngọ falls in mid-February 2026, three weeks later than in 2025.
    assert not is_business_day(hanoi(2026, 2, 17).date())
    assert is_business_day(hanoi(2026, 1, 28).date())
    assert add_business_days(hanoi(2026, 2, 13, 9, 0), 1) == hanoi(2026, 2, 23, 9, 0)


def test_a_saturday_swapped_into_a_working_day_counts():
    # 26 April 2025 was worked so that 2 May could be a day off (30/4, 1/5, 2/5 off).
    friday = hanoi(2025, 4, 25, 14, 0)
    assert add_business_days(friday, 1) == hanoi(2025, 4, 26, 14, 0)
    assert add_business_days(friday, 4) == hanoi(2025, 5, 5, 14, 0)


def test_days_are_counted_in_hanoi_not_utc():
    # 20:00 UTC on Friday is already Saturday 03:00 in Hanoi.
    friday_evening_utc = datetime(2025, 1, 24, 20, 0, tzinfo=timezone.utc)
    due = add_business_days(friday_evening_utc, 1)
    assert due.tzinfo == timezone.utc
    assert due == hanoi(2025, 2, 3, 3, 0)


def test_zero_days_and_going_back():
    monday = hanoi(2024, 11, 25, 8, 30)
    assert add_business_days(monday, 0) == monday
    assert add_business_days(monday, -1) == hanoi(2024, 11, 22, 8, 30)
    assert business_days_between(hanoi(2024, 11, 29, 8, 0), monday) == -4


def test_counting_back_from_a_day_off_agrees_with_adding_back():
    # Found by the properties below: from New Year's Day (a holiday), one working day back
    # is Friday 29 December, and counting from there must say -1, not 0.
    new_year = hanoi(2024, 1, 1, 7, 0)
    assert add_business_days(new_year, -1) == hanoi(2023, 12, 29, 7, 0)
    assert business_days_between(new_year, hanoi(2023, 12, 29, 7, 0)) == -1
    assert business_days_between(new_year, hanoi(2023, 12, 30, 7, 0)) == 0


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_business_days(datetime(2024, 11, 22), 1)


@given(start=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 1),
                          timezones=st.just(timezone.utc)),
       days=st.integers(min_value=0, max_value=60))
def test_between_undoes_add(start, days):
    due = add_business_days(start, days)
    assert business_days_between(start, due) == days
    assert due - start >= timedelta(days=days)
    assert days == 0 or is_business_day(due.astimezone(HANOI).date())


moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 1),
                       timezones=st.sampled_from([timezone.utc, HANOI]))


@given(start=moments, days=st.integers(min_value=-60, max_value=60))
def test_counting_undoes_adding_both_ways_and_keeps_the_time_of_day(start, days):
    due = add_business_days(start, days)
    assert business_days_between(start, due) == days
    assert due.astimezone(HANOI).time() == start.astimezone(HANOI).time()
    assert due.tzinfo == start.tzinfo


@given(start=moments, days=st.integers(min_value=-60, max_value=60).filter(bool))
def test_a_count_never_ends_on_a_weekend_or_holiday(start, days):
    assert is_business_day(add_business_days(start, days).astimezone(HANOI).date())


@given(start=moments, offset=st.integers(min_value=1, max_value=90))
def test_a_day_off_adds_nothing_to_a_count(start, offset):
    end = start + timedelta(days=offset)
    if not is_business_day(end.astimezone(HANOI).date()):
        assert business_days_between(start, end) == business_days_between(start, end - timedelta(days=1))
    else:
        assert business_days_between(start, end) == business_days_between(start, end - timedelta(days=1)) + 1


@given(start=moments, first=st.integers(min_value=0, max_value=40), second=st.integers(min_value=0, max_value=40))
def test_adding_is_monotonic_and_composes(start, first, second):
    low, high = sorted((first, second))
    assert add_business_days(start, low) <= add_business_days(start, high)
    assert low == high or add_business_days(start, low) < add_business_days(start, high)
    assert add_business_days(add_business_days(start, first), second) == add_business_days(start, first + second)


@given(start=moments, a=st.integers(min_value=0, max_value=120), b=st.integers(min_value=0, max_value=120))
def test_counting_is_monotonic_in_the_end(start, a, b):
    near, far = sorted((a, b))
    assert business_days_between(start, start + timedelta(days=near)) <= \
        business_days_between(start, start + timedelta(days=far))
