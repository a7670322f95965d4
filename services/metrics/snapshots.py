"""Per-unit snapshots of the stock counts, taken once per day, read by closed periods.

A snapshot of day D holds, per unit, each of `sources.STOCK_MEASURES` (accounts, residents by
age band, health records, certificate holders) as it stood at the end of D (local time),
counted by the same queries a live answer runs. It is taken after D has ended (nightly, by
`flask metrics snapshot`) and written once: a rerun for a day already taken writes nothing,
so the counts of a past day stay what they were even when the registry moves a resident
later. A closed period's stocks are read from the snapshot of its last day when there is
one, and computed live otherwise (same queries, same numbers on the same data).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import redis
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models.metrics import MetricSnapshot
from services.errors import ValidationFailed
from services.metrics import sources, year_counts
from services.metrics.periods import parse_period
from services.metrics.sources import QueryFn, Rows, Stock
from services.messages import lazy_text


@dataclass(frozen=True)
class SnapshotReport:
    day: date
    rows: int  # 0: the day had been taken already


def take(session: Session, kv: redis.Redis, day: date, today: date) -> SnapshotReport:
    """Write the stock counts of each unit at the end of `day`, once; `day` must have ended."""
    if day >= today:
        raise ValidationFailed.on_field("date", lazy_text("metrics.snapshots.day_not_ended"), "day_not_ended")
    if session.scalar(select(MetricSnapshot.day).where(MetricSnapshot.day == day).limit(1)) is not None:
        return SnapshotReport(day, 0)
    stock: Stock = {}
    for part in (sources.resident_stock(session, day), sources.account_stock(session, day)):
        for unit, measures in part.items():
            stock.setdefault(unit, {}).update(measures)
    rows = [{"day": day, "unit_code": unit, "measure": measure, "count": count}
            for unit, measures in sorted(stock.items()) for measure, count in measures.items()]
    if rows:
        session.execute(insert(MetricSnapshot), rows)
        year_counts.bump_after_commit(session, kv, {day.year})
    return SnapshotReport(day, len(rows))


def read(session: Session, query: QueryFn, day: date) -> Rows | None:
    """The rows `query` would give for a period ending on `day`, from its snapshot; None if not taken."""
    measures, row = sources.STOCKS[query]
    found = session.execute(select(MetricSnapshot.unit_code, MetricSnapshot.measure, MetricSnapshot.count)
                            .where(MetricSnapshot.day == day, MetricSnapshot.measure.in_(measures))).all()
    if not found:
        return None
    stock: Stock = {}
    for unit, measure, count in found:
        stock.setdefault(unit, {})[measure] = count
    return sources.rows_of(stock, row)


def month_ends(year: int, today: date) -> list[date]:
    """The last days of the months of `year` that have ended by `today`: the days periods end on."""
    ends = [parse_period(f"{year}-{month:02d}").last_day for month in range(1, 13)]
    return [day for day in ends if day < today]
