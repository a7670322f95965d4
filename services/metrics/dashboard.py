"""What the dashboard page shows for one period: the indicator table and the usage trend."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.metrics import UsageMonthlyActive
from services.messages import DEFAULT_LANGUAGE
from services.metrics.indicators import IndicatorValue, city_and_units
from services.metrics.periods import parse_period
from services.metrics.usage_report import monthly_active_trend

TREND_MONTHS = 12


@dataclass(frozen=True)
class IndicatorColumn:
    code: str
    name: str  # in the reader's language
    name_en: str


@dataclass(frozen=True)
class Dashboard:
    period: str
    level: str
    columns: list[IndicatorColumn]
    city: list[IndicatorValue]
    units: list[IndicatorValue]
    trend: list[tuple[date, int | None]]  # None: hidden (small count)

    def rows(self, sort: str | None = None, descending: bool = True
             ) -> list[tuple[str, str, dict[str, IndicatorValue]]]:
        """(unit_code, unit_name, {indicator code: value}), the city first, then the units by
        code, or by the value of indicator `sort` (hidden and empty cells last)."""
        rows: dict[str, tuple[str, str, dict[str, IndicatorValue]]] = {}
        for value in self.city + self.units:
            rows.setdefault(value.unit_code, (value.unit_code, value.unit_name, {}))[2][value.code] = value
        city, *units = rows.values() if self.city else [None, *rows.values()]
        if sort in {column.code for column in self.columns}:
            units.sort(key=lambda row: _sort_key(row[2].get(sort), descending))
        return [row for row in [city, *units] if row is not None]

    def by_indicator(self, code: str) -> list[IndicatorValue]:
        """The units' values of one indicator, highest first, hidden and empty ones last."""
        return sorted((value for value in self.units if value.code == code),
                      key=lambda value: _sort_key(value, True))

    def city_value(self, code: str) -> float | None:
        return next((value.value for value in self.city if value.code == code), None)


def _sort_key(value: IndicatorValue | None, descending: bool) -> tuple:
    if value is None or value.value is None:
        return (1, 0.0, value.unit_code if value else "")
    return (0, -value.value if descending else value.value, value.unit_code)


def default_period(session: Session, today: date) -> str:
    """The latest year with folded usage, else last year: what an analyst looks at first."""
    latest = session.scalar(select(func.max(UsageMonthlyActive.month)))
    return str(latest.year if latest else today.year - 1)


def _trend_months(last_month: date) -> list[date]:
    months = []
    year, month = last_month.year, last_month.month
    for _ in range(TREND_MONTHS):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def dashboard(session: Session, period: str, level: str | None, *, threshold: int, today: date,
              kv: redis.Redis | None = None, language: str = DEFAULT_LANGUAGE) -> Dashboard:
    values = city_and_units(session, period, level, threshold=threshold, today=today, kv=kv)
    city = [value for value in values if value.level == "city"]
    units = [value for value in values if value.level != "city"]
    level = units[0].level if units else level or "city"
    columns = [IndicatorColumn(v.code, v.name_en if language == "en" else v.name, v.name_en) for v in city]
    trend = monthly_active_trend(session, _trend_months(parse_period(period).last_month(today)), threshold, today)
    return Dashboard(period, level, columns, city, units, trend)
