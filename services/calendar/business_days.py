"""Working days in Hanoi: Monday to Friday, except Vietnamese public holidays.

Deadlines counted in working days (a dossier's due date, a correction's acknowledgement)
use this one rule. Days are counted on the Asia/Ho_Chi_Minh calendar; the time of day of
the start is kept, so a request made on Friday at 15:00 with 2 working days is due on the
following Tuesday at 15:00 (local). Public holidays (Tết, Hùng Kings, 30/4, 1/5, National
Day and the official substitute days off) come from the `holidays` package.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKEND = (5, 6)  # Saturday, Sunday


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def is_business_day(day: date) -> bool:
    return day.weekday() not in WEEKEND and day not in _holidays_of(day.year)


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a business-day computation needs an aware datetime")
    return moment.astimezone(HANOI)


def add_business_days(start: datetime, days: int) -> datetime:
    """The moment `days` working days after `start` (same local time of day), in UTC.

    Non-working days are skipped: from a Saturday, 1 working day later is the Monday.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    local = _local(start)
    day, left = local.date(), days
    while left:
        day += timedelta(days=1)
        if is_business_day(day):
            left -= 1
    moved = datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=HANOI)
    return moved.astimezone(timezone.utc)


def business_days_between(start: datetime, end: datetime) -> int:
    """Working days after `start`'s local date up to and including `end`'s (negative if `end` is earlier).

    The inverse of add_business_days: business_days_between(s, add_business_days(s, n)) == n.
    """
    first, last = _local(start).date(), _local(end).date()
    if last < first:
        return -business_days_between(end, start)
    return sum(1 for offset in range(1, (last - first).days + 1)
               if is_business_day(first + timedelta(days=offset)))
