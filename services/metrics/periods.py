"""Reporting periods: a year `2024`, a quarter `2024-Q3` or a month `2024-11`, in local time."""
from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from services.clock import clock
from services.errors import ValidationFailed
from services.messages import lazy_text

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")
YEARS = range(2000, 2101)


@dataclass(frozen=True)
class Period:
    label: str
    first_day: date
    last_day: date

    @property
    def starts_at(self) -> datetime:
        """The first instant of the period, in UTC."""
        return _local_midnight_utc(self.first_day)

    @property
    def ends_at(self) -> datetime:
        """The first instant after the period, in UTC (periods are half-open)."""
        return _local_midnight_utc(_next_day(self.last_day))

    def last_month(self, today: date) -> date:
        """First day of the period's last month, or of `today`'s month while it is running."""
        last = min(self.last_day, max(today, self.first_day))
        return last.replace(day=1)

    def months(self) -> list[date]:
        months, day = [], self.first_day
        while day <= self.last_day:
            months.append(day)
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return months


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def local_today() -> date:
    return local_day(clock.now())


class local_date(FunctionElement):  # noqa: N801 (read as a SQL function)
    """`local_day` in SQL: the Hanoi calendar date of a UTC timestamp column."""

    type = Date()
    name = "local_date"
    inherit_cache = True


@compiles(local_date, "postgresql")
def _local_date_postgresql(element: local_date, compiler, **kw) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)}) AT TIME ZONE '{LOCAL_TZ.key}' AS DATE)"


@compiles(local_date, "sqlite")
def _local_date_sqlite(element: local_date, compiler, **kw) -> str:
    # SQLite stores the naive UTC time and has no zone database; Vietnam has kept UTC+7 since 1975.
    return f"date({compiler.process(element.clauses, **kw)}, '+7 hours')"


def _next_day(day: date) -> date:
    return day + timedelta(days=1)


def _local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, LOCAL_TZ).astimezone(timezone.utc)


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def parse_period(text: str) -> Period:
    match = _PATTERN.match(text or "")
    if not match or int(match["year"]) not in YEARS:
        raise ValidationFailed.on_field(
            "period", lazy_text("metrics.periods.year_2024_quarter_2024"),
            "invalid_period")
    year = int(match["year"])
    if match["quarter"]:
        first_month = 3 * (int(match["quarter"]) - 1) + 1
        return Period(text, date(year, first_month, 1), _month_end(year, first_month + 2))
    if match["month"]:
        month = int(match["month"])
        return Period(text, date(year, month, 1), _month_end(year, month))
    return Period(text, date(year, 1, 1), date(year, 12, 31))


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
