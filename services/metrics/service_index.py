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

from sqlalchemy import Select, and_, func, select

from models.dossiers import (Dossier, DossierChannel, DossierDocument, DossierResult, DossierStatus, OnlineLevel,
                             Procedure)
from models.payments import Payment, PaymentStatus
from models.ratings import DossierRating, DossierRatingScore
from services.context import Context
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


def _paid_online(year: Period) -> Select:
    paid = select(Payment.id).where(Payment.dossier_id == Dossier.id, Payment.status == PaymentStatus.PAID).exists()
    return _submitted(paid)(year).where(Procedure.fee > 0)


def _satisfied(year: Period) -> Select:
    return (select(DossierRating.agency_code, DossierRating.created_at,
                   func.avg(DossierRatingScore.score) >= SATISFIED_FROM)
            .join(DossierRatingScore, DossierRatingScore.dossier_id == DossierRating.dossier_id)
            .where(DossierRating.created_at >= year.starts_at, DossierRating.created_at < year.ends_at)
            .group_by(DossierRating.dossier_id, DossierRating.agency_code, DossierRating.created_at))


DECISIONS = (DossierStatus.APPROVED, DossierStatus.REJECTED, DossierStatus.RETURNED)
ONLINE = Dossier.channel == DossierChannel.ONLINE


@dataclass(frozen=True)
class Measure:
    code: str
    group: str  # the Decision 766 group it scores
    name: str
    source: str
    rows: Callable[[Period], Select] | None  # (agency, moment, counts in the numerator); None: not here
    external_source: str | None = None


# The Decision 766 groups: what this system computes (from what), and what needs data from elsewhere.
MEASURES: tuple[Measure, ...] = (
    Measure("on_time", "progress", "Hồ sơ giải quyết đúng hạn",
            "dossiers decided in the period (finished_at); numerator: on_time", _decided(Dossier.on_time.is_(True), *DECISIONS)),
    Measure("online", "online_provision", "Hồ sơ nộp trực tuyến",
            "dossiers filed in the period (submitted_at); numerator: channel online", _submitted(ONLINE)),
    Measure("fully_online", "online_provision", "Hồ sơ trực tuyến toàn trình",
            "dossiers filed in the period; numerator: filed online under a procedure of online level full",
            _submitted(and_(ONLINE, Procedure.online_level == OnlineLevel.FULL))),
    Measure("documents_digitised", "digitisation", "Hồ sơ có thành phần được số hóa",
            "dossiers filed in the period; numerator: at least one document uploaded (dossier_documents)",
            _submitted(select(DossierDocument.id).where(DossierDocument.dossier_id == Dossier.id).exists())),
    Measure("electronic_results", "digitisation", "Kết quả giải quyết điện tử",
            "dossiers approved in the period (finished_at); numerator: a sealed electronic result (dossier_results)",
            _decided(select(DossierResult.dossier_id).where(DossierResult.dossier_id == Dossier.id).exists(),
                     DossierStatus.APPROVED, DossierStatus.RETURNED)),
    Measure("paid_online", "online_provision", "Hồ sơ thanh toán trực tuyến",
            "dossiers filed in the period under a procedure with a fee; numerator: a payment paid online", _paid_online),
    Measure("satisfaction", "satisfaction", "Mức độ hài lòng",
            f"ratings given in the period (created_at); numerator: average score at least {SATISFIED_FROM} of 5",
            _satisfied),
    Measure("publicity", "publicity", "Công khai, minh bạch", "", None,
            "the national TTHC database and the public-service portal (procedures published, kept up to date)"),
    Measure("progress_sync", "progress", "Đồng bộ tiến độ lên Cổng Dịch vụ công quốc gia", "", None,
            "the national public-service portal's record of dossier statuses synchronised"),
)
MEASURED = tuple(m for m in MEASURES if m.rows is not None)

Key = tuple[str, str]


@dataclass(frozen=True)
class IndexEntry:
    agency_code: str
    period: str
    code: str
    group: str
    name: str
    source: str
    numerator: int | None
    denominator: int | None
    value: float | None
    suppressed: bool


@dataclass(frozen=True)
class Elsewhere:
    code: str
    group: str
    name: str
    external_source: str


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
