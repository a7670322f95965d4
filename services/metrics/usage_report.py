"""Reading the folded usage back: per day, or per month with true monthly distinct users."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from models.metrics import UsageDaily, UsageMonthlyActive
from services.errors import ValidationFailed
from services.metrics.usage import ANY_FEATURE
from services.metrics.units import CITY_CODE

GRANULARITIES = ("day", "month")
MAX_DAYS = {"day": 93, "month": 5 * 366}  # bounded answers instead of a paginated one


@dataclass(frozen=True)
class UsageItem:
    date: date
    unit_code: str
    feature: str
    requests: int
    active_users: int | None


@dataclass(frozen=True)
class UsageQuery:
    first: date | None = None
    last: date | None = None
    feature: str | None = None
    unit_code: str | None = None
    granularity: str = "day"


def _window(query: UsageQuery, today: date) -> tuple[date, date]:
    last = query.last or today
    first = query.first or (last - timedelta(days=29) if query.granularity == "day" else last.replace(day=1))
    if first > last:
        raise ValidationFailed.on_field("from", "`from` is after `to`.", "invalid_range")
    if (last - first).days >= MAX_DAYS[query.granularity]:
        raise ValidationFailed.on_field(
            "to", f"At most {MAX_DAYS[query.granularity]} days per {query.granularity} query.",
            "range_too_long")
    return first, last


def usage_items(session: Session, query: UsageQuery, *, today: date) -> list[UsageItem]:
    first, last = _window(query, today)
    if query.granularity == "month":
        return _monthly(session, query, first.replace(day=1), last)
    stmt = select(UsageDaily).where(UsageDaily.day.between(first, last))
    if query.feature:
        stmt = stmt.where(UsageDaily.feature == query.feature)
    if query.unit_code:
        stmt = stmt.where(UsageDaily.unit_code == query.unit_code)
    rows = session.scalars(stmt.order_by(UsageDaily.day, UsageDaily.unit_code, UsageDaily.feature))
    return [UsageItem(r.day, r.unit_code, r.feature, r.requests, r.active_users) for r in rows]


def _monthly(session: Session, query: UsageQuery, first: date, last: date) -> list[UsageItem]:
    """Requests summed over the month; active users from the monthly sketches (not a sum).

    Besides the features, each unit has an `any` row (all features) and the city
    (CITY_CODE) has rows whose active users are the distinct count over the city.
    """
    year, month = extract("year", UsageDaily.day), extract("month", UsageDaily.day)
    requests: dict[tuple[date, str, str], int] = defaultdict(int)
    for y, m, unit, feature, total in session.execute(
            select(year, month, UsageDaily.unit_code, UsageDaily.feature, func.sum(UsageDaily.requests))
            .where(UsageDaily.day.between(first, last))
            .group_by(year, month, UsageDaily.unit_code, UsageDaily.feature)):
        start = date(int(y), int(m), 1)
        for unit_key in (unit, CITY_CODE):
            for feature_key in (feature, ANY_FEATURE):
                requests[(start, unit_key, feature_key)] += int(total)
    active = {(r.month, r.unit_code, r.feature): r.active_users for r in session.scalars(
        select(UsageMonthlyActive).where(UsageMonthlyActive.month.between(first, last)))}
    items = [UsageItem(month_start, unit, feature, requests.get((month_start, unit, feature), 0),
                       active.get((month_start, unit, feature)))
             for month_start, unit, feature in sorted(set(requests) | set(active))
             if query.feature in (None, feature) and query.unit_code in (None, unit)]
    return items


def monthly_active_trend(session: Session, months: list[date], unit_code: str = CITY_CODE) -> list[tuple[date, int]]:
    """Distinct active citizens (any feature) of `unit_code` in each of `months`."""
    found = dict(session.execute(
        select(UsageMonthlyActive.month, UsageMonthlyActive.active_users)
        .where(UsageMonthlyActive.month.in_(months), UsageMonthlyActive.unit_code == unit_code,
               UsageMonthlyActive.feature == ANY_FEATURE)).all())
    return [(month, found.get(month, 0)) for month in months]
