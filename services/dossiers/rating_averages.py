"""An agency's rating averages per period, for its officers: how many rated and the average
score per criterion, never who rated or which dossier.

A period with fewer ratings than METRICS_SUPPRESSION_THRESHOLD shows no numbers. Whether a
period is hidden is decided over the agency's whole year at once (the year, its quarters and
months, services/metrics/protection.py), so a hidden month cannot be recovered as the year
minus the other months. A period nobody rated in shows its 0 (it names no one) and is never
hidden, so one busy month does not hide a quiet agency's whole year.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, select

from models.ratings import DossierRating, DossierRatingScore
from services.context import Context
from services.dossiers.actors import agency_actor
from services.dossiers.ratings import CRITERIA
from services.messages import LazyText
from services.metrics.indicators import year_of
from services.metrics.periods import Period, local_day, parse_period
from services.metrics.protection import hidden
from services.metrics.suppression import indicator_table


@dataclass(frozen=True)
class CriterionAverage:
    code: str
    name: LazyText
    average: float | None


@dataclass(frozen=True)
class AgencyRatings:
    agency_code: str
    period: str
    ratings: int | None
    suppressed: bool
    criteria: list[CriterionAverage]


def _counts_over_year(ctx: Context, agency_code: str, year: list[Period]) -> dict[str, int]:
    """Ratings given per period of the year (the year itself, its quarters and months)."""
    moments = ctx.session.scalars(select(DossierRating.created_at).where(
        DossierRating.agency_code == agency_code, DossierRating.created_at >= year[0].starts_at,
        DossierRating.created_at < year[0].ends_at))
    days = [local_day(moment) for moment in moments]
    return {p.label: sum(p.first_day <= day <= p.last_day for day in days) for p in year}


def _averages(ctx: Context, agency_code: str, period: Period) -> dict[str, float]:
    rows = ctx.session.execute(
        select(DossierRatingScore.criterion, func.avg(DossierRatingScore.score))
        .join(DossierRating, DossierRating.dossier_id == DossierRatingScore.dossier_id)
        .where(DossierRating.agency_code == agency_code, DossierRating.created_at >= period.starts_at,
               DossierRating.created_at < period.ends_at)
        .group_by(DossierRatingScore.criterion))
    return {criterion: round(float(average), 2) for criterion, average in rows}


def agency_averages(ctx: Context, *, period: str) -> AgencyRatings:
    """The calling officer's agency: ratings given in `period` and their average per criterion."""
    agency_code = agency_actor(ctx.principal).agency_code
    asked = parse_period(period)
    counts = _counts_over_year(ctx, agency_code, year_of(asked))
    cells = {(agency_code, label): (n, n) for label, n in counts.items()}
    table = replace(indicator_table(cells, city=agency_code, periods="sum"),
                    public=frozenset(key for key, (n, _) in cells.items() if n == 0))
    shown = (agency_code, asked.label) not in hidden(table, ctx.settings.metrics_suppression_threshold)
    averages = _averages(ctx, agency_code, asked) if shown else {}
    return AgencyRatings(agency_code, asked.label, counts[asked.label] if shown else None, not shown,
                         [CriterionAverage(code, name, averages.get(code)) for code, name in CRITERIA.items()])
