"""What an analyst asks for, as of the Context's clock and suppressed by its settings.

The computations below (indicators, usage_report, dashboard) take their threshold and day
explicitly so that tests can pin them; these entry points read both from the Context.
"""
from __future__ import annotations

from datetime import date

from services.context import Context
from services.metrics import dashboard as dashboards
from services.metrics.indicators import IndicatorQuery, IndicatorValue, city_and_units, compute_indicators
from services.metrics.periods import local_day
from services.metrics.usage_report import UsageItem, UsageQuery, usage_items


def _today(ctx: Context) -> date:
    return local_day(ctx.clock.now())


def indicators(ctx: Context, query: IndicatorQuery) -> list[IndicatorValue]:
    return compute_indicators(ctx.session, query, threshold=ctx.settings.metrics_suppression_threshold,
                              today=_today(ctx), kv=ctx.kv)


def city_table(ctx: Context, period: str, level: str | None) -> list[IndicatorValue]:
    """The city row of each indicator, then the units of `level` (the CSV export's layout)."""
    return city_and_units(ctx.session, period, level, threshold=ctx.settings.metrics_suppression_threshold,
                          today=_today(ctx), kv=ctx.kv)


def usage(ctx: Context, query: UsageQuery) -> list[UsageItem]:
    return usage_items(ctx.session, query, today=_today(ctx), threshold=ctx.settings.metrics_suppression_threshold)


def dashboard(ctx: Context, period: str | None, level: str | None) -> dashboards.Dashboard:
    """The dashboard of `period`, or of the newest period with data, its columns named in the reader's language."""
    today = _today(ctx)
    return dashboards.dashboard(ctx.session, period or dashboards.default_period(ctx.session, today), level,
                                threshold=ctx.settings.metrics_suppression_threshold, today=today, kv=ctx.kv,
                                language=ctx.language)
