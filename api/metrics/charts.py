"""Server-side SVG charts (matplotlib's object API, no pyplot state, nothing from a CDN)."""
from __future__ import annotations

import io
from datetime import date

import matplotlib

matplotlib.use("Agg")

from flask_babel import gettext as _  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from api.language import request_language  # noqa: E402
from services.messages import format_percent  # noqa: E402
from services.metrics.indicators import IndicatorValue  # noqa: E402

BAR_COLOUR = "#1f6feb"
HIDDEN_COLOUR = "#9aa4b2"
CITY_COLOUR = "#cf222e"


def _svg(figure: Figure, salt: str) -> str:
    out = io.StringIO()
    # Text as text (Vietnamese stays searchable); a salt per chart keeps ids unique in one page.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        figure.savefig(out, format="svg", bbox_inches="tight")
    text = out.getvalue()
    return text[text.index("<svg"):]


def indicator_bars(code: str, title: str, values: list[IndicatorValue], city: float | None = None) -> str:
    """A horizontal bar per unit, highest first (as given); suppressed units are marked, not
    drawn; the city value is a dashed line. 126 units stay readable at 0.16 inch a bar. Shares are
    written as the page's language writes them (`12,5%`, `12.5%`)."""
    language = request_language()
    per_bar = 0.26 if len(values) <= 40 else 0.16
    figure = Figure(figsize=(6.2, per_bar * len(values) + 1.2))
    axes = figure.subplots()
    labels = [f"{v.unit_name} ({v.unit_code})" for v in values][::-1]
    shares = [0.0 if v.value is None else v.value * 100 for v in values][::-1]
    bars = axes.barh(labels, shares, color=BAR_COLOUR, height=0.7)
    for bar, value in zip(bars, values[::-1]):
        note = (_("dashboard.chart.hidden") if value.suppressed
                else format_percent(value.value, language) if value.value is not None else "–")
        axes.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, note, va="center",
                  fontsize=6 if len(values) > 40 else 7, color=HIDDEN_COLOUR if value.suppressed else "#222")
    if city is not None:
        axes.axvline(city * 100, color=CITY_COLOUR, linestyle="--", linewidth=1)
        axes.text(city * 100, 1.0, " " + _("dashboard.chart.city", value=format_percent(city, language)),
                  transform=axes.get_xaxis_transform(),
                  va="bottom", fontsize=7, color=CITY_COLOUR)
    axes.set_ylim(-0.6, len(values) - 0.4)
    axes.set_xlim(0, 110)
    axes.set_xlabel("%")
    axes.tick_params(axis="y", labelsize=6 if len(values) > 40 else 7)
    axes.set_title(title, fontsize=9, loc="left", pad=14)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return _svg(figure, f"bars-{code}")


def active_users_trend(trend: list[tuple[date, int | None]]) -> str:
    """Distinct active citizens per month, city-wide; a hidden month (None) is a gap."""
    figure = Figure(figsize=(7.5, 2.8))
    axes = figure.subplots()
    labels = [month.strftime("%m/%Y") for month, _ in trend]
    counts = [float("nan") if count is None else count for _, count in trend]
    axes.plot(labels, counts, marker="o", color=BAR_COLOUR)
    axes.fill_between(labels, counts, alpha=0.12, color=BAR_COLOUR)
    axes.set_ylim(bottom=0)
    axes.tick_params(axis="x", labelsize=7, rotation=45)
    axes.set_title(_("dashboard.chart.monthly_active"), fontsize=9, loc="left")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return _svg(figure, "trend")
