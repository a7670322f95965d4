"""Business days in Asia/Ho_Chi_Minh: weekends and Vietnam's public holidays (lunar ones
included, from the `holidays` package) do not count; the Saturdays the government swaps
into working days do.

`add_business_days(start, n)` keeps the local time of day and lands on the n-th working
day after `start`'s local date; `business_days_between(start, end)` counts the working
days after `start`'s local date up to and including `end`'s, so the two agree:
`business_days_between(s, add_business_days(s, n)) == n`, for any n (negative too).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@lru_cache(maxsize=64)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def is_business_day(day: date) -> bool:
    return _calendar(day.year).is_working_day(day)


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("business days need an aware datetime")
    return moment.astimezone(HANOI)


def add_business_days(start: datetime, days: int) -> datetime:
    """The same local time `days` working days after `start` (before it when negative)."""
    local = _local(start)
    day, step, left = local.date(), (1 if days >= 0 else -1), abs(days)
    while left:
        day += timedelta(days=step)
        if is_business_day(day):
            left -= 1
    moved = datetime.combine(day, local.timetz().replace(tzinfo=None), HANOI)
    return moved.astimezone(start.tzinfo)


def business_days_between(start: datetime, end: datetime) -> int:
    """Working days in (start's local date, end's local date]; when end is earlier, minus the
    working days in [end's local date, start's local date): the steps add_business_days
    takes back from `start`, so the two agree on days off as well."""
    first, last = _local(start).date(), _local(end).date()
    if last < first:
        return -sum(1 for offset in range((first - last).days) if is_business_day(last + timedelta(days=offset)))
    return sum(1 for offset in range(1, (last - first).days + 1)
               if is_business_day(first + timedelta(days=offset)))
