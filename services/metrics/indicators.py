"""The indicator engine: catalogue x formulas x units for every period of a year, then suppression.

Suppression is decided once per indicator over everything published for it in the year of
the period asked for: the year, its four quarters and twelve months, each with the city and
the units of the level that existed then (services/metrics/protection.py). An answer then
filters that one table by period, level and unit, so every query hides the same cells and no
hidden cell can be solved from the others (a year minus three quarters, the city minus the
other units).
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import date

import redis
from sqlalchemy.orm import Session

from services.metrics import snapshots, sources, year_counts
from services.metrics.catalogue import catalogue_for
from services.metrics.periods import Period, parse_period
from services.metrics.protection import hidden
from services.metrics.reexpression import REFORM_DAY, VIEW, placer, regrouped, regrouped_rows
from services.metrics.suppression import Relation, Table, indicator_table
from services.metrics.units import CITY, CITY_CODE, ReportUnit, check_level, sub_city_level, units_at
from services.metrics.usage_report import MAU_SHARE, mau_share_hidden

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
    counting_unit: str = "home_unit"
    provisional: bool = False  # the period has not ended: counted live, its numbers will move


@dataclass(frozen=True)
class IndicatorQuery:
    period: str
    level: str | None = None
    unit_code: str | None = None
    units: str | None = None  # "2025": the period re-expressed on the 2025 units


Key = tuple[str, ...]  # (unit code, period label), or (unit, period, VIEW) re-expressed


def _value(numerator: int, denominator: int) -> float | None:
    return round(min(numerator / denominator, 1.0), 6) if denominator else None


class _Counter:
    """Runs each grouped query once per distinct answer (its counts are shared by indicators
    and by periods that ask the same: services/metrics/sources.SAME_ANSWER); a flow over
    several months is the sum of its months. A period that straddles the reform (2025) is on
    the 2025 units: its months before it are summed in as re-expressed on them (`place`:
    services/metrics/reexpression.py), so every dossier of the year is in a 2025 unit. A
    period that has ended reads its stocks from the snapshot of its last day when there is
    one, and its rows from `saved` (the year's closed rows kept by
    services/metrics/year_counts.py) when they are there; what it counts anew is added to
    `saved` (`changed`)."""

    def __init__(self, session: Session, today: date, saved: year_counts.Saved | None = None,
                 place: Callable[[str], str | None] | None = None) -> None:
        self._session, self._today, self._place = session, today, place
        self._done: dict[tuple[sources.QueryFn, object], sources.Rows] = {}
        self._levels: dict[str, str] = {}
        self.saved: year_counts.Saved = dict(saved or {})
        self.changed = False

    def rows(self, query: sources.QueryFn, period: Period) -> sources.Rows:
        depends_on = sources.SAME_ANSWER[query](period, self._today)
        key, name = (query, depends_on), f"{query.__name__}|{depends_on}"
        closed = period.last_day < self._today
        if key not in self._done:
            if closed and name in self.saved:
                self._done[key] = self.saved[name]
                return self._done[key]
            self._done[key] = self._counted(query, period, closed)
            if closed:
                self.saved[name], self.changed = self._done[key], True
        return self._done[key]

    def _counted(self, query: sources.QueryFn, period: Period, closed: bool) -> sources.Rows:
        months = period.months()
        if query in sources.ADDITIVE and len(months) > 1:
            return _summed([self._month_rows(query, period, parse_period(m.isoformat()[:7])) for m in months])
        if closed and query in sources.STOCKS:
            taken = snapshots.read(self._session, query, period.last_day)
            if taken is not None:
                return taken
        return query(self._session, period, self._today)

    def _month_rows(self, query: sources.QueryFn, period: Period, month: Period) -> sources.Rows:
        """One month of a flow over `period`: re-expressed on the 2025 units when the month is on
        districts and the period on the 2025 units."""
        if self._place is None or self._level(month) == self._level(period) or query not in sources.REEXPRESSED:
            return self.rows(query, month)
        return regrouped_rows(self.rows(sources.REEXPRESSED[query], month), self._place)

    def _level(self, period: Period) -> str:
        if period.label not in self._levels:
            self._levels[period.label] = sub_city_level(self._session, period)
        return self._levels[period.label]

    def __call__(self, count: sources.Count, period: Period, *, reexpressed: bool = False) -> sources.Counts:
        query = sources.REEXPRESSED.get(count.query, count.query) if reexpressed else count.query
        return {unit: counts[count.column] for unit, counts in self.rows(query, period).items()}


def _summed(parts: list[sources.Rows]) -> sources.Rows:
    total: dict[str, list[int]] = {}
    for rows in parts:
        for unit, counts in rows.items():
            total[unit] = [a + b for a, b in zip(total.get(unit, [0] * len(counts)), counts)]
    return {unit: tuple(counts) for unit, counts in total.items()}


def _city_total(counts: sources.Counts) -> int:
    return counts[CITY_CODE] if CITY_CODE in counts else sum(counts.values())


def year_of(period: Period) -> list[Period]:
    """The year of `period`, its quarters and its months: what is published together."""
    year = period.label[:4]
    labels = [year, *(f"{year}-Q{q}" for q in range(1, 5)), *(f"{year}-{m:02d}" for m in range(1, 13))]
    return [parse_period(label) for label in labels]


@dataclass(frozen=True)
class _Published:
    """Everything published for a year: per period its units, per indicator its counts."""
    units: dict[str, list[ReportUnit]]  # period label -> the city, then the units of its level
    units_2025: list[ReportUnit]  # the 2025 units periods on districts are re-expressed on
    counts: dict[str, dict[Key, tuple[int, int]]]  # indicator code -> key -> (n, d)
    empty_for: dict[str, dict[Key, frozenset[str]]]  # indicator code -> (unit, *view) -> periods held by none


def _empty_for(units: dict[str, list[ReportUnit]], reexpressed: dict[str, list[ReportUnit]],
               months_placed: bool) -> dict[Key, frozenset[str]]:
    """Per (unit, *view), the periods of the year its cells count nothing of: those counted on
    other units. A period's counts are placed in the units of that period's table; a flow summed
    month by month (`months_placed`: `_Counter`) also places a straddling year's months before
    the reform in the 2025 units, as re-expressed, so a ward's 2025 holds January to June too
    (its sum is `_straddling`'s, across the two views). A stock's ward holds nothing before July
    (its 2025 is its December anyway), while the same ward re-expressed (`?units=2025`) holds
    January to June. From the tables as counted, not the kind, and never from the counts: a
    ward that happens to count nothing before July is not known to by anyone else."""
    def codes(table_units: list[ReportUnit] | None) -> set[str]:
        return {unit.code for unit in (table_units or [])[1:]}  # [0] is the city

    empty: dict[Key, frozenset[str]] = {}
    for view, by_label, also in (((), units, reexpressed if months_placed else {}), ((VIEW,), reexpressed, {})):
        held = {label: codes(by_label.get(label)) | codes(also.get(label)) for label in units}
        for code in set().union(*held.values()):
            empty[(code, *view)] = frozenset(label for label, codes_held in held.items() if code not in codes_held)
    return empty


def _months_placed(formula: sources.Formula) -> bool:
    """Whether the straddling year counts this flow's months before the reform in the 2025 units."""
    return formula.periods == "sum" and all(
        count.query in sources.ADDITIVE and count.query in sources.REEXPRESSED
        for count in (formula.numerator, formula.denominator))


def _counts(counter: _Counter, formula: sources.Formula, period: Period, units: list[ReportUnit],
            view: tuple[str, ...] = (), place: Callable[[str], str | None] | None = None
            ) -> dict[Key, tuple[int, int]]:
    numerators = counter(formula.numerator, period, reexpressed=bool(place))
    denominators = counter(formula.denominator, period, reexpressed=bool(place))
    cells = {(CITY_CODE, period.label, *view): (_city_total(numerators), _city_total(denominators))}
    if place:
        numerators, denominators = regrouped(numerators, place), regrouped(denominators, place)
    for unit in units[1:]:
        cells[(unit.code, period.label, *view)] = (numerators.get(unit.code, 0), denominators.get(unit.code, 0))
    return cells


def _published(session: Session, periods: list[Period], codes: list[str], today: date,
               kv: redis.Redis | None = None, at: str = "") -> _Published:
    """The year's counts; with `kv`, its closed rows are read from and kept in year_counts
    under version `at`."""
    year = periods[0].first_day.year
    units = {p.label: [CITY, *units_at(session, sub_city_level(session, p), p.last_day)] for p in periods}
    units_2025 = [CITY, *units_at(session, "commune", REFORM_DAY)]
    place = placer([unit.code for unit in units_2025])
    counter = _Counter(session, today, year_counts.load(kv, year, at) if kv is not None else None, place)
    counts: dict[str, dict[Key, tuple[int, int]]] = {code: {} for code in codes}
    reexpressed = {p.label: units_2025 for p in periods
                   if units[p.label][1:2] and units[p.label][1].level == "district" and units_2025[1:]}
    for period in periods:
        for code in codes:
            formula = sources.FORMULAS[code]
            counts[code].update(_counts(counter, formula, period, units[period.label]))
            if period.label in reexpressed:
                counts[code].update(_counts(counter, formula, period, units_2025, (VIEW,), place))
    if kv is not None and counter.changed:
        year_counts.save(kv, year, at, counter.saved)
    empty_for = {code: _empty_for(units, reexpressed, _months_placed(sources.FORMULAS[code])) for code in codes}
    return _Published(units, units_2025, counts, empty_for)


def _straddling(counts: dict[Key, tuple[int, int]]) -> tuple[Relation, ...]:
    """A flow's year on the 2025 units = its quarters, those before the reform as re-expressed on
    them (the year sums their months so: `_Counter`)."""
    found = []
    for unit, label, *view in counts:
        if view or "-" in label or (unit, f"{label}-Q1") in counts:
            continue
        quarters = [next((key for key in ((unit, q), (unit, q, VIEW)) if key in counts), None)
                    for q in (f"{label}-Q{n}" for n in range(1, 5))]
        if None not in quarters:
            found.append(Relation((unit, label), tuple(quarters)))
    return tuple(found)


def year_table(code: str, counts: dict[Key, tuple[int, int]],
               empty_for: dict[Key, frozenset[str]] | None = None) -> Table:
    """Everything published for one indicator in a year, with the sums an attacker can use:
    those along units and periods (`empty_for`: per unit, the periods it holds nothing of),
    the city of a re-expressed period = the city itself, and a flow's straddling year = its
    quarters, re-expressed before the reform."""
    periods = sources.FORMULAS[code].periods
    table = indicator_table(counts, city=CITY_CODE, periods=periods, empty_for=empty_for)
    same_city = tuple(Relation(key[:2], (key,)) for key in counts if key[0] == CITY_CODE and key[2:] == (VIEW,))
    found = table.relations["numerator"] + same_city + (_straddling(counts) if periods == "sum" else ())
    return replace(table, relations={"numerator": found, "denominator": found})


def year_tables(session: Session, year: str, today: date, only: Collection[str] | None = None) -> dict[str, Table]:
    """Indicator code -> its year table, for the catalogue of `year` (the README's cost figures);
    `only` these codes when given."""
    periods = year_of(parse_period(year))
    codes = [definition.code for definition in catalogue_for(periods[0].last_day).indicators
             if only is None or definition.code in only]
    published = _published(session, periods, codes, today)
    return {code: year_table(code, published.counts[code], published.empty_for[code]) for code in codes}


@dataclass(frozen=True)
class _Decided:
    published: _Published
    secret: dict[str, frozenset]  # indicator code -> the keys of its year table not to publish


DECIDED_YEARS = 16
_decided: OrderedDict[tuple, _Decided] = OrderedDict()


def _secret(session: Session, code: str, published: _Published, year: int, threshold: int,
            today: date) -> frozenset:
    """The cells of one indicator's year table not to publish; the monthly active users of
    `mau_share` are decided together with the usage report, which publishes them too."""
    table = year_table(code, published.counts[code], published.empty_for[code])
    if code == MAU_SHARE:
        return mau_share_hidden(session, table, year, threshold, today)
    return hidden(table, threshold)


def _decide(session: Session, periods: list[Period], codes: list[str], today: date, threshold: int,
            kv: redis.Redis | None) -> _Decided:
    """The year's counts and hidden cells. A year that has ended, with `kv`, is decided once per
    version of its kept counts in this process (services/metrics/year_counts.py)."""
    year = periods[0].first_day.year
    at = year_counts.version(kv, year) if kv is not None else ""
    memo = (year, at, tuple(codes), threshold) if kv is not None and periods[0].last_day < today else None
    if memo in _decided:
        _decided.move_to_end(memo)
        return _decided[memo]
    published = _published(session, periods, codes, today, kv, at)
    decided = _Decided(published, {code: _secret(session, code, published, year, threshold, today)
                                   for code in codes})
    if memo is not None:
        _decided[memo] = decided
        while len(_decided) > DECIDED_YEARS:
            _decided.popitem(last=False)
    return decided


def compute_indicators(session: Session, query: IndicatorQuery, *, threshold: int,
                       today: date, kv: redis.Redis | None = None) -> list[IndicatorValue]:
    """One value per available indicator and unit of the level (or the one unit asked for).

    Suppression is decided over the whole year and every level before the answer filters,
    so a single-unit or single-period answer hides exactly what every other answer hides.
    With `kv` the year's closed counts are kept between answers (services/metrics/year_counts.py).
    A period that has not ended by `today` is marked provisional.
    """
    period = parse_period(query.period)
    level = check_level(session, period, query.level, query.unit_code, query.units)
    catalogue = catalogue_for(period.last_day)
    codes = [definition.code for definition in catalogue.indicators]
    decided = _decide(session, year_of(period), codes, today, threshold, kv)
    published = decided.published
    provisional = period.last_day >= today
    view: tuple[str, ...] = ()
    units = published.units[period.label]
    if query.units == "2025" and (CITY_CODE, period.label, VIEW) in published.counts[codes[0]]:
        units, view = published.units_2025, (VIEW,)
    units = [u for u in units if u.level == level]
    values = []
    for definition in catalogue.indicators:
        counts = published.counts[definition.code]
        secret = decided.secret[definition.code]
        for unit in units:
            if query.unit_code not in (None, unit.code):
                continue
            key = (unit.code, period.label, *view)
            (n, d), shown = counts[key], key not in secret
            values.append(IndicatorValue(
                definition.code, definition.name_vi, definition.name_en, definition.pillar,
                unit.code, unit.name, level, period.label, n if shown else None, d if shown else None,
                _value(n, d) if shown else None, not shown, catalogue.version, definition.counting_unit,
                provisional))
    return values


def city_and_units(session: Session, period: str, level: str | None, *, threshold: int,
                   today: date, kv: redis.Redis | None = None) -> list[IndicatorValue]:
    """The city row of each indicator, then the units of `level` (default: the period's own)."""
    values = compute_indicators(session, IndicatorQuery(period, "city"), threshold=threshold, today=today, kv=kv)
    if level != "city":
        values += compute_indicators(session, IndicatorQuery(period, level), threshold=threshold, today=today,
                                     kv=kv)
    return values
