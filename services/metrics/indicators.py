"""The indicator engine: catalogue x formulas x units for one period, then suppression."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from services.metrics import sources
from services.metrics.catalogue import catalogue_for
from services.metrics.periods import Period, parse_period
from services.metrics.suppression import Cell, primary, suppress
from services.metrics.units import CITY, CITY_CODE, ReportUnit, resolve_level, units_at


@dataclass(frozen=True)
class IndicatorValue:
    code: str
    name: str
    name_en: str
    pillar: str
    unit_code: str
    unit_name: str
    level: str
    period: str
    numerator: int | None
    denominator: int | None
    value: float | None
    suppressed: bool
    catalogue_version: str


@dataclass(frozen=True)
class IndicatorQuery:
    period: str
    level: str | None = None
    unit_code: str | None = None


def _value(cell: Cell) -> float | None:
    if cell.suppressed or not cell.denominator:
        return None
    return round(min(cell.numerator / cell.denominator, 1.0), 6)


class _Counter:
    """Runs each grouped query once per computation (its counts are shared by indicators)."""

    def __init__(self, session: Session, period: Period, today: date) -> None:
        self._session, self._period, self._today = session, period, today
        self._done: dict[sources.QueryFn, sources.Rows] = {}

    def __call__(self, count: sources.Count) -> sources.Counts:
        if count.query not in self._done:
            self._done[count.query] = count.query(self._session, self._period, self._today)
        return {unit: counts[count.column] for unit, counts in self._done[count.query].items()}


def _city_total(counts: sources.Counts) -> int:
    return counts[CITY_CODE] if CITY_CODE in counts else sum(counts.values())


def _cells(counter: _Counter, formula: sources.Formula, units: list[ReportUnit],
           threshold: int) -> list[Cell]:
    numerators, denominators = counter(formula.numerator), counter(formula.denominator)
    if units == [CITY]:
        return [primary(Cell(CITY_CODE, _city_total(numerators), _city_total(denominators)), threshold)]
    return suppress([Cell(unit.code, numerators.get(unit.code, 0), denominators.get(unit.code, 0))
                     for unit in units], threshold)


def compute_indicators(session: Session, query: IndicatorQuery, *, threshold: int,
                       today: date) -> list[IndicatorValue]:
    """One value per available indicator and unit of the level (or the one unit asked for).

    Suppression is decided over all units of the level before `unit_code` filters, so a
    single-unit answer hides exactly what the full table hides.
    """
    period = parse_period(query.period)
    level = resolve_level(session, query.level, query.unit_code)
    catalogue = catalogue_for(period.last_day)
    units = units_at(session, level, period.last_day)
    names = {unit.code: unit.name for unit in units}
    counter = _Counter(session, period, today)
    values = []
    for definition in catalogue.indicators:
        formula = sources.FORMULAS[definition.code]
        for cell in _cells(counter, formula, units, threshold):
            if query.unit_code not in (None, cell.key):
                continue
            shown = not cell.suppressed
            values.append(IndicatorValue(
                definition.code, definition.name_vi, definition.name_en, definition.pillar,
                cell.key, names[cell.key], level, period.label,
                cell.numerator if shown else None, cell.denominator if shown else None,
                _value(cell), cell.suppressed, catalogue.version))
    return values


def city_and_units(session: Session, period: str, level: str, *, threshold: int,
                   today: date) -> list[IndicatorValue]:
    """The city row of each indicator, then the units of `level` (the yearly file's layout)."""
    values = compute_indicators(session, IndicatorQuery(period, "city"), threshold=threshold, today=today)
    if level != "city":
        values += compute_indicators(session, IndicatorQuery(period, level), threshold=threshold, today=today)
    return values
