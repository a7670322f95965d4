"""The service index per agency (issue 16 point 8): the Decision 766/QĐ-TTg measures this system
can compute from its own dossiers, per agency and period, suppressed like the indicators.

Each measure is a share `numerator / denominator` of an agency's dossiers (or ratings) in the
period. Suppression is decided per measure over the whole year of the period asked for (the
year, its quarters and months, each agency's cells related along periods) through
services/metrics/protection.py `hidden`, so a month cannot be recovered from the year and the
other months. An agency with nothing in a period (0 of 0) names no one: shown, never hidden.
Groups that need data this system does not hold are listed with where that data lives.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select

from models.dossiers import (Dossier, DossierChannel, DossierDocument, DossierEvent, DossierResult, DossierStatus,
                             OnlineLevel, Procedure)
from models.payments import Payment, PaymentStatus
from models.ratings import DossierRating, DossierRatingScore
from services.context import Context
from services.messages import LazyText, lazy_text
from services.metrics.indicators import year_of
from services.metrics.periods import Period, local_day, parse_period
from services.metrics.protection import hidden
from services.metrics.suppression import Table, relations

SATISFIED_FROM = 4  # a rating whose average score is at least this counts as satisfied


def _submitted(hit: Any) -> Callable[[Period], Select]:
    return lambda year: select(Dossier.agency_code, Dossier.submitted_at, hit).join(
        Procedure, Procedure.code == Dossier.procedure_code).where(
        Dossier.submitted_at >= year.starts_at, Dossier.submitted_at < year.ends_at)


def _decided(hit: Any, *states: DossierStatus) -> Callable[[Period], Select]:
    return lambda year: select(Dossier.agency_code, Dossier.finished_at, hit).where(
        Dossier.finished_at >= year.starts_at, Dossier.finished_at < year.ends_at, Dossier.status.in_(states))


ONLINE = Dossier.channel == DossierChannel.ONLINE
# What a dossier owed when filed: the online fee (or the fee) online, the fee at a counter or by post.
FEE_WHEN_FILED = case((ONLINE, func.coalesce(Procedure.online_fee_vnd, Procedure.fee)), else_=Procedure.fee)
ASKED_TO_PAY = select(DossierEvent.id).where(DossierEvent.dossier_id == Dossier.id,
                                             DossierEvent.to_status == DossierStatus.PAYMENT_REQUESTED).exists()


def _paid_online(year: Period) -> Select:
    """Of the dossiers that owed a fee (when filed, or asked for later), those paid online;
    a filing that owed nothing (no fee, or none online) is in neither count."""
    paid = select(Payment.id).where(Payment.dossier_id == Dossier.id, Payment.status == PaymentStatus.PAID).exists()
    return _submitted(paid)(year).where(or_(FEE_WHEN_FILED > 0, ASKED_TO_PAY))


def _satisfied(year: Period) -> Select:
    return (select(DossierRating.agency_code, DossierRating.created_at,
                   func.avg(DossierRatingScore.score) >= SATISFIED_FROM)
            .join(DossierRatingScore, DossierRatingScore.dossier_id == DossierRating.dossier_id)
            .where(DossierRating.created_at >= year.starts_at, DossierRating.created_at < year.ends_at)
            .group_by(DossierRating.dossier_id, DossierRating.agency_code, DossierRating.created_at))


DECISIONS = (DossierStatus.APPROVED, DossierStatus.REJECTED, DossierStatus.RETURNED)


@dataclass(frozen=True)
class Measure:
    code: str
    group: str  # the Decision 766 group it scores
    name: LazyText
    source: LazyText | None  # what the numerator and denominator count; None: not here
    rows: Callable[[Period], Select] | None  # (agency, moment, counts in the numerator); None: not here
    external_source: LazyText | None = None


# The Decision 766 groups: what this system computes (from what), and what needs data from elsewhere.
# Names and sources are texts for the reader (the catalogue); codes and groups stay as they are.
MEASURES: tuple[Measure, ...] = (
    Measure("on_time", "progress", lazy_text("index.measure.on_time"), lazy_text("index.source.on_time"),
            _decided(Dossier.on_time.is_(True), *DECISIONS)),
    Measure("online", "online_provision", lazy_text("index.measure.online"), lazy_text("index.source.online"),
            _submitted(ONLINE)),
    Measure("fully_online", "online_provision", lazy_text("index.measure.fully_online"),
            lazy_text("index.source.fully_online"),
            _submitted(and_(ONLINE, Procedure.online_level == OnlineLevel.FULL))),
    Measure("documents_digitised", "digitisation", lazy_text("index.measure.documents_digitised"),
            lazy_text("index.source.documents_digitised"),
            _submitted(select(DossierDocument.id).where(DossierDocument.dossier_id == Dossier.id).exists())),
    Measure("electronic_results", "digitisation", lazy_text("index.measure.electronic_results"),
            lazy_text("index.source.electronic_results"),
            _decided(select(DossierResult.dossier_id).where(DossierResult.dossier_id == Dossier.id).exists(),
                     DossierStatus.APPROVED, DossierStatus.RETURNED)),
    Measure("paid_online", "online_provision", lazy_text("index.measure.paid_online"),
            lazy_text("index.source.paid_online"), _paid_online),
    Measure("satisfaction", "satisfaction", lazy_text("index.measure.satisfaction"),
            lazy_text("index.source.satisfaction", threshold=SATISFIED_FROM, top=5), _satisfied),
    Measure("publicity", "publicity", lazy_text("index.measure.publicity"), None, None,
            lazy_text("index.external_source.publicity")),
    Measure("progress_sync", "progress", lazy_text("index.measure.progress_sync"), None, None,
            lazy_text("index.external_source.progress_sync")),
)
MEASURED = tuple(m for m in MEASURES if m.rows is not None)

Key = tuple[str, str]


@dataclass(frozen=True)
class IndexEntry:
    agency_code: str
    period: str
    code: str
    group: str
    name: LazyText
    source: LazyText
    numerator: int | None
    denominator: int | None
    value: float | None
    suppressed: bool


@dataclass(frozen=True)
class Elsewhere:
    code: str
    group: str
    name: LazyText
    external_source: LazyText


@dataclass(frozen=True)
class ServiceIndex:
    items: list[IndexEntry]
    elsewhere: list[Elsewhere]


def _counts(session, measure: Measure, periods: list[Period]) -> dict[Key, tuple[int, int]]:
    counts: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for agency, moment, hit in session.execute(measure.rows(periods[0])):
        day = local_day(moment)
        for period in periods:
            if period.first_day <= day <= period.last_day:
                counts[(agency, period.label)][0] += bool(hit)
                counts[(agency, period.label)][1] += 1
    agencies = {agency for agency, _ in counts}
    return {(a, p.label): tuple(counts.get((a, p.label), (0, 0))) for a in agencies for p in periods}


def _table(counts: dict[Key, tuple[int, int]]) -> Table:
    """Each agency's cells over the year, related along periods only (no total is published)."""
    found = relations(counts, city="", periods="sum", units=False)
    return Table({key: {"numerator": n, "denominator": d} for key, (n, d) in counts.items()},
                 {"numerator": found, "denominator": found}, ("denominator", "numerator"),
                 frozenset(key for key, (_, d) in counts.items() if d == 0))


def _entry(measure: Measure, key: Key, counts: tuple[int, int], shown: bool) -> IndexEntry:
    n, d = counts
    value = round(n / d, 6) if shown and d else None
    return IndexEntry(key[0], key[1], measure.code, measure.group, measure.name, measure.source,
                      n if shown else None, d if shown else None, value, not shown)


def service_index(ctx: Context, *, period: str, agency_code: str | None = None) -> ServiceIndex:
    """Per agency (or the one asked for) and measure, the period's share; small cells hidden."""
    asked = parse_period(period)
    year = year_of(asked)
    items = []
    for measure in MEASURED:
        counts = _counts(ctx.session, measure, year)
        secret = hidden(_table(counts), ctx.settings.metrics_suppression_threshold)
        for key in sorted(k for k in counts if k[1] == asked.label and agency_code in (None, k[0])):
            items.append(_entry(measure, key, counts[key], key not in secret))
    items.sort(key=lambda e: (e.agency_code, [m.code for m in MEASURED].index(e.code)))
    elsewhere = [Elsewhere(m.code, m.group, m.name, m.external_source) for m in MEASURES if m.rows is None]
    return ServiceIndex(items, elsewhere)


def by_agency(index: ServiceIndex) -> list[tuple[str, dict[str, IndexEntry]]]:
    """(agency code, {measure code: entry}) per agency, by code: the dashboard's rows."""
    rows: dict[str, dict[str, IndexEntry]] = {}
    for entry in index.items:
        rows.setdefault(entry.agency_code, {})[entry.code] = entry
    return sorted(rows.items())
