"""Reading the folded usage back: per day, or per month with true monthly distinct users.

Suppression: every month touched by the window is protected as one table, the month with all
its days, every unit with the city and every feature with `any` (services/metrics/
suppression.py: usage_table), whatever the granularity asked for, so a day answer and a
month answer hide consistently. A day with no use of a feature in a unit has no row: that
zero is public (`Table.public`); a row whose requests or active users are under the threshold,
or hidden as a partner, is answered with both counts null and `suppressed` true.

A unit's monthly active users (any feature) are also the numerator of its `mau_share` for
every period whose last month that is: the usage months of a year and the `mau_share` table of
that year are decided together (protection.hidden_together), so a cell hidden in either is
hidden in both. (A unit with no use in a month has no usage row: that zero is public here.)
"""
from __future__ import annotations

from calendar import monthrange
from collections import OrderedDict, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.metrics import UsageDaily, UsageMonthlyActive
from services.errors import ValidationFailed
from services.metrics.periods import parse_period
from services.metrics.protection import hidden_together
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
    rows = session.execute(select(UsageDaily.unit_code, UsageDaily.day, UsageDaily.feature, UsageDaily.requests,
                                  UsageDaily.active_users).where(UsageDaily.day.between(month, _month_end(month))))
    return {(unit, day.isoformat(), feature): (requests, active) for unit, day, feature, requests, active in rows}


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


TABLE_CACHE_SIZE = 24  # months; the relations of a month's table take about a second to build
_tables: OrderedDict[Hashable, Table] = OrderedDict()


def month_table(session: Session, month: date) -> tuple[dict[Key, tuple[int, int]], Table]:
    """A month's published usage cells (its days and itself), and their table with the zeros
    (kept in-process by the cells' content: the same counts give the same table)."""
    daily = _daily(session, month)
    cells = {**daily, **_monthly(session, month, daily)}
    key = (month, frozenset(cells.items()))
    if key in _tables:
        _tables.move_to_end(key)
    else:
        zeros = _zeros(month, daily)
        _tables[key] = usage_table({**cells, **zeros}, city=CITY_CODE, any_feature=ANY_FEATURE, public=zeros)
        while len(_tables) > TABLE_CACHE_SIZE:
            _tables.popitem(last=False)
    return cells, _tables[key]


MAU_SHARE = "mau_share"


def mau_share_links(mau_share: Table, months: dict[date, Table], today: date) -> list:
    """Each `mau_share` cell and the usage row holding its numerator: the unit's active users
    (any feature) in the period's last month. A re-expressed cell (a third key part) is linked
    only for the city, whose value is the city's own."""
    links = []
    for key in mau_share.values:
        unit, label, *view = key
        month = parse_period(label).last_month(today)
        row = (unit, month.isoformat()[:7], ANY_FEATURE)
        if (not view or unit == CITY_CODE) and month in months and row in months[month].values:
            links.append(((MAU_SHARE, key), (month, row)))
    return links


def hidden_with_mau_share(mau_share: Table, months: dict[date, Table], threshold: int,
                          today: date) -> dict[object, frozenset]:
    """The hidden keys of `mau_share` (under MAU_SHARE) and of each usage month, decided together."""
    return hidden_together({MAU_SHARE: mau_share, **months}, mau_share_links(mau_share, months, today), threshold)


def _usage_months(session: Session, year: int) -> dict[date, Table]:
    return {month: month_table(session, month)[1]
            for month in _months_with_use(session, date(year, 1, 1), date(year, 12, 31))}


def mau_share_hidden(session: Session, mau_share: Table, year: int, threshold: int, today: date) -> frozenset:
    """The hidden keys of the `mau_share` table of `year`, decided with that year's usage."""
    return hidden_with_mau_share(mau_share, _usage_months(session, year), threshold, today)[MAU_SHARE]


def _year_secrets(session: Session, year: int, threshold: int, today: date) -> dict[object, frozenset]:
    from services.metrics.indicators import year_tables  # which imports this module (for mau_share)

    months = _usage_months(session, year)
    mau_share = year_tables(session, str(year), today, only=(MAU_SHARE,)).get(MAU_SHARE) if months else None
    if mau_share is None:
        return hidden_together(months, [], threshold)
    return hidden_with_mau_share(mau_share, months, threshold, today)


class _Secrets:
    """The hidden usage keys of each month, decided once per year for one answer."""

    def __init__(self, session: Session, threshold: int, today: date) -> None:
        self._session, self._threshold, self._today = session, threshold, today
        self._years: dict[int, dict[object, frozenset]] = {}

    def __call__(self, month: date) -> frozenset:
        if month.year not in self._years:
            self._years[month.year] = _year_secrets(self._session, month.year, self._threshold, self._today)
        return self._years[month.year].get(month, frozenset())


def _item(key: Key, counts: tuple[int, int], secret: frozenset) -> UsageItem:
    unit, label, feature = key
    day = date.fromisoformat(label if len(label) == 10 else f"{label}-01")
    if key in secret:
        return UsageItem(day, unit, feature, None, None, True)
    return UsageItem(day, unit, feature, *counts)


def usage_items(session: Session, query: UsageQuery, *, today: date, threshold: int) -> list[UsageItem]:
    first, last = _window(query, today)
    label_length = 10 if query.granularity == "day" else 7
    items, secrets = [], _Secrets(session, threshold, today)
    for month in _months_with_use(session, first.replace(day=1), last):
        cells, secret = month_table(session, month)[0], secrets(month)
        for key, counts in sorted(cells.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2])):
            unit, label, feature = key
            if (len(label) != label_length or query.feature not in (None, feature)
                    or query.unit_code not in (None, unit)):
                continue
            if label_length == 10 and not first.isoformat() <= label <= last.isoformat():
                continue
            items.append(_item(key, counts, secret))
    return items


def monthly_active_trend(session: Session, months: list[date], threshold: int, today: date,
                         unit_code: str = CITY_CODE) -> list[tuple[date, int | None]]:
    """Distinct active citizens (any feature) of `unit_code` in each of `months`; None where
    that cell is hidden in its month's usage table."""
    found = dict(session.execute(
        select(UsageMonthlyActive.month, UsageMonthlyActive.active_users)
        .where(UsageMonthlyActive.month.in_(months), UsageMonthlyActive.unit_code == unit_code,
               UsageMonthlyActive.feature == ANY_FEATURE)).all())
    trend, secrets = [], _Secrets(session, threshold, today)
    for month in months:
        secret = secrets(month) if month in found else frozenset()
        shown = (unit_code, month.isoformat()[:7], ANY_FEATURE) not in secret
        trend.append((month, found.get(month, 0) if shown else None))
    return trend
