"""Appointment days at a counter: a business day in Hanoi, from today up to 30 days ahead."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from services.errors import ValidationFailed
from services.messages import lazy_text

CITY_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
BOOKING_HORIZON_DAYS = 30


@lru_cache(maxsize=16)
def _public_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def is_business_day(day: date) -> bool:
    """Weekdays that are not public holidays, plus the Saturdays decreed as make-up workdays."""
    return _public_holidays(day.year).is_working_day(day)


def local_today(now: datetime) -> date:
    return now.astimezone(CITY_TIMEZONE).date()


def next_business_day(day: date) -> date:
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def check_appointment(day: date, now: datetime) -> None:
    """422 on `appointment_date` unless `day` is a bookable business day."""
    today = local_today(now)
    if day < today:
        raise ValidationFailed.on_field("appointment_date", lazy_text("signatures.appointments.appointment_day_past"),
                                        "appointment_in_past")
    if day > today + timedelta(days=BOOKING_HORIZON_DAYS):
        raise ValidationFailed.on_field(
            "appointment_date", lazy_text("signatures.appointments.book_most_booking_horizon", booking_horizon_days=BOOKING_HORIZON_DAYS), "appointment_too_far")
    if not is_business_day(day):
        raise ValidationFailed.on_field(
            "appointment_date", lazy_text("signatures.appointments.counters_closed_weekends_public"),
            "appointment_not_business_day")
