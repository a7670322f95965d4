"""Reading the folded usage back: per day, or per month with true monthly distinct users.

Suppression: every month touched by the window is protected as one table, the month with all
its days, every unit with the city and every feature with `any` (services/metrics/
suppression.py: usage_table), whatever the granularity asked for, so a day answer and a
month answer hide consistently. A day with no use of a feature in a unit has no row: that
zero is public (`Table.public`); a row whose requests or active users are under the threshold,
or hidden as a partner, is answered with both counts null and `suppressed` true.
"""
from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.metrics import UsageDaily, UsageMonthlyActive
from services.errors import ValidationFailed
from services.metrics.protection import hidden
from services.metrics.suppression import Table, usage_table
from services.metrics.usage import ANY_FEATURE
from services.metrics.units import CITY_CODE
from services.messages import lazy_text

GRANULARITIES = ("day", "month")
MAX_DAYS = {"day": 93, "month": 5 * 366}  # bounded answers instead of a paginated one

Key = tuple[str, str, str]  # (unit, "2024-11-05" or "2024-11", feature)


@dataclass(frozen=True)
class UsageItem:
    date: date
    unit_code: str
    feature: str
    requests: int | None
    active_users: int | None
    suppressed: bool = False


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
        raise ValidationFailed.on_field("from", lazy_text("metrics.usage_report.from_after"), "invalid_range")
    if (last - first).days >= MAX_DAYS[query.granularity]:
        raise ValidationFailed.on_field(
            "to", lazy_text("metrics.usage_report.most_max_days_s", max_days=MAX_DAYS[query.granularity], granularity=query.granularity),
            "range_too_long")
    return first, last


def _months_with_use(session: Session, first: date, last: date) -> list[date]:
    days = session.scalars(select(UsageDaily.day).where(UsageDaily.day.between(first, last)).distinct())
    return sorted({day.replace(day=1) for day in days})


def _month_end(month: date) -> date:
    return month.replace(day=monthrange(month.year, month.month)[1])


def _daily(session: Session, month: date) -> dict[Key, tuple[int, int]]:
    rows = session.scalars(select(UsageDaily).where(UsageDaily.day.between(month, _month_end(month))))
    return {(r.unit_code, r.day.isoformat(), r.feature): (r.requests, r.active_users) for r in rows}


def _monthly(session: Session, month: date, daily: dict[Key, tuple[int, int]]) -> dict[Key, tuple[int, int]]:
    """Requests summed over the month; active users from the monthly sketches (not a sum).

    Besides the features, each unit has an `any` row (all features) and the city
    (CITY_CODE) has rows whose active users are the distinct count over the city.
    """
    label = month.isoformat()[:7]
    requests: dict[Key, int] = defaultdict(int)
    for (unit, _, feature), (count, _) in daily.items():
        for unit_key in (unit, CITY_CODE):
            for feature_key in (feature, ANY_FEATURE):
                requests[(unit_key, label, feature_key)] += count
    active = {(r.unit_code, label, r.feature): r.active_users for r in session.scalars(
        select(UsageMonthlyActive).where(UsageMonthlyActive.month == month))}
    return {key: (requests.get(key, 0), active.get(key, 0)) for key in set(requests) | set(active)}


def _zeros(month: date, daily: dict[Key, tuple[int, int]]) -> dict[Key, tuple[int, int]]:
    """The days of the month a (unit, feature) with use had none: public zeros."""
    pairs = {(unit, feature) for unit, _, feature in daily}
    days = [(month + timedelta(days=n)).isoformat() for n in range(_month_end(month).day)]
    return {(unit, day, feature): (0, 0) for unit, feature in pairs for day in days
            if (unit, day, feature) not in daily}


def month_table(session: Session, month: date) -> tuple[dict[Key, tuple[int, int]], Table]:
    """A month's published usage cells (its days and itself), and their table with the zeros."""
    daily = _daily(session, month)
    cells = {**daily, **_monthly(session, month, daily)}
    zeros = _zeros(month, daily)
    return cells, usage_table({**cells, **zeros}, city=CITY_CODE, any_feature=ANY_FEATURE, public=zeros)


def _protected(session: Session, month: date, threshold: int) -> tuple[dict[Key, tuple[int, int]], frozenset]:
    cells, table = month_table(session, month)
    return cells, hidden(table, threshold)


def _item(key: Key, counts: tuple[int, int], secret: frozenset) -> UsageItem:
    unit, label, feature = key
    day = date.fromisoformat(label if len(label) == 10 else f"{label}-01")
    if key in secret:
        return UsageItem(day, unit, feature, None, None, True)
    return UsageItem(day, unit, feature, *counts)


def usage_items(session: Session, query: UsageQuery, *, today: date, threshold: int) -> list[UsageItem]:
    first, last = _window(query, today)
    label_length = 10 if query.granularity == "day" else 7
    items = []
    for month in _months_with_use(session, first.replace(day=1), last):
        cells, secret = _protected(session, month, threshold)
        for key, counts in sorted(cells.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2])):
            unit, label, feature = key
            if (len(label) != label_length or query.feature not in (None, feature)
                    or query.unit_code not in (None, unit)):
                continue
            if label_length == 10 and not first.isoformat() <= label <= last.isoformat():
                continue
            items.append(_item(key, counts, secret))
    return items


def monthly_active_trend(session: Session, months: list[date], threshold: int,
                         unit_code: str = CITY_CODE) -> list[tuple[date, int | None]]:
    """Distinct active citizens (any feature) of `unit_code` in each of `months`; None where
    that cell is hidden in its month's usage table."""
    found = dict(session.execute(
        select(UsageMonthlyActive.month, UsageMonthlyActive.active_users)
        .where(UsageMonthlyActive.month.in_(months), UsageMonthlyActive.unit_code == unit_code,
               UsageMonthlyActive.feature == ANY_FEATURE)).all())
    trend = []
    for month in months:
        secret = _protected(session, month, threshold)[1] if month in found else frozenset()
        shown = (unit_code, month.isoformat()[:7], ANY_FEATURE) not in secret
        trend.append((month, found.get(month, 0) if shown else None))
    return trend
