"""Numerator and denominator counts per unit, one query each, and the formula table.

Counts come from four grouped queries, one scan per table family (residents with their
health records, accounts with their certificates, dossiers, monthly active users); each
takes (session, period, today) and returns {unit_code: (count, ...)}, and a `Count` names
one column of one query. A count that cannot be summed over units (distinct users) also
gives the city under CITY_CODE. Stocks (accounts, certificates, records, residents) are counted as they stand
at the period's last instant (created before its end, not yet ended by then); flows
(dossiers) within the period. Stocks are counted by named measures (`STOCK_MEASURES`:
residents by age band, ...), the form a snapshot stores them in (services/metrics/snapshots.py),
and folded into a query's rows by `STOCKS`, so a snapshot and a live count give the same rows.

Every count is by the person's home unit, read from their address history
(services/metrics/residence.py):
- a resident, and an account (through the resident of its national ID), in the unit the history
  places the person in on the period's last day; an account with no registry row in the unit
  copied onto it when it was opened (`accounts.district_code`);
- a dossier in its owner's unit on the day it was received (submitted, if it never was), so a
  month's dossiers stay where they were counted when the owner moves later; one whose owner has
  no registry row in the unit copied onto it when it was filed (`dossiers.district_code`). The
  receiving unit (`dossiers.receiving_unit_code`, Decree 118/2025) is kept on the dossier but
  not counted by (the catalogue's `counting_unit`: `home_unit`).

What the other capabilities store, and so what is counted (see their services):
- certificates (services/signatures/certificates.py): valid_from/valid_to are the X.509
  validity; a revocation (by the holder, an officer, or a renewal superseding the old
  certificate) sets revoked_at. Validity is never stored as a status.
- health_records (services/health/records.py): one row per resident, created when a
  facility first writes to the record; never deleted.
- dossiers (services/dossiers/): received_at is set on receipt (at once for a counter or
  post dossier, when the agency receives it for an online one; never for one withdrawn
  before receipt); finished_at and on_time are set together when the dossier is decided
  (approved or rejected), on_time against the statutory due date (original_due_at), which
  extensions do not move. A withdrawn dossier is not finished.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from models.dossiers import Dossier, DossierChannel, OnlineLevel, Procedure
from models.health import HealthRecord
from models.identity import Account, Role
from models.metrics import UsageMonthlyActive
from models.reference import Resident
from models.signatures import Certificate
from services.metrics.periods import Period, local_date, years_before
from services.metrics.relations import Along
from services.metrics.residence import unit_2025_column, unit_column
from services.metrics.units import sub_city_level
from services.metrics.usage import ANY_FEATURE

ADULT_AGE = 14

Counts = dict[str, int]
Rows = dict[str, tuple[int, ...]]  # unit -> the counts of one grouped query
QueryFn = Callable[[Session, Period, date], Rows]


@dataclass(frozen=True)
class Count:
    """One count of a grouped query: the counts that read the same table share one scan."""

    query: QueryFn
    column: int


def _by_unit(session: Session, stmt: Select) -> Rows:
    return {unit: tuple(int(n or 0) for n in counts) for unit, *counts in session.execute(stmt)
            if unit is not None}


# --- stocks: counts as they stand at the end of a day, by measure ------------------------

# Residents by age band: measure -> the age (in whole years on the day) the band starts at.
AGE_BANDS: dict[str, int] = {"residents_age_0_13": 0, "residents_age_14_17": ADULT_AGE,
                             "residents_age_18_59": 18, "residents_age_60_plus": 60}
RESIDENT_MEASURES = (*AGE_BANDS, "residents_with_health_record")
ACCOUNT_MEASURES = ("accounts_adult_citizen", "accounts_with_certificate")
STOCK_MEASURES = (*RESIDENT_MEASURES, *ACCOUNT_MEASURES)
Stock = dict[str, dict[str, int]]  # unit -> measure -> count


def end_of(day: date) -> Period:
    """The one-day period `day`: its `ends_at` is the instant a stock on `day` is counted at."""
    return Period(day.isoformat(), day, day)


def _born_by(day: date, age: int) -> date:
    return years_before(day, age)


def _age_bands(day: date) -> list:
    """One filtered count per band: born by the day the band's age was reached, and after the next band's."""
    starts = list(AGE_BANDS.values())
    bands = []
    for age, older in zip(starts, [*starts[1:], None]):
        condition = Resident.date_of_birth <= _born_by(day, age)
        if older is not None:
            condition = and_(condition, Resident.date_of_birth > _born_by(day, older))
        bands.append(func.count().filter(condition))
    return bands


def _stock(session: Session, stmt: Select, measures: tuple[str, ...]) -> Stock:
    return {unit: dict(zip(measures, counts)) for unit, counts in _by_unit(session, stmt).items()}


def resident_stock(session: Session, day: date, unit: ColumnElement | None = None) -> Stock:
    """Residents born by the end of `day` per age band; those with a health record by then; each
    in the unit their address history places them in on `day` (services/metrics/residence.py),
    or by `unit`."""
    if unit is None:
        unit = unit_column(day, sub_city_level(session, end_of(day)))
    return _stock(session, select(
        unit, *_age_bands(day), func.count(HealthRecord.id).filter(HealthRecord.created_at < end_of(day).ends_at))
        .outerjoin(HealthRecord, HealthRecord.resident_id == Resident.id)
        .where(Resident.date_of_birth <= day).group_by(unit), RESIDENT_MEASURES)


def _adult_citizen_accounts(day: date):
    end = end_of(day).ends_at
    return and_(Account.role == Role.CITIZEN, Account.created_at < end,
                Account.date_of_birth <= _born_by(day, ADULT_AGE),
                or_(Account.locked_at.is_(None), Account.locked_at >= end))


def _holders_in_force(day: date):
    """Accounts with a certificate in force at the end of `day` (once each)."""
    end = end_of(day).ends_at
    return select(Certificate.account_id).where(
        Certificate.valid_from < end, Certificate.valid_to >= end,
        or_(Certificate.revoked_at.is_(None), Certificate.revoked_at >= end)).distinct().subquery()


def account_stock(session: Session, day: date, unit: ColumnElement | None = None) -> Stock:
    """Adult citizen accounts open at the end of `day`; those holding a certificate then; each in
    the unit its person's address history places them in on `day` (as `resident_stock`), or by
    `unit`; an account with no registry row in the unit copied onto it when it was opened."""
    if unit is None:
        unit = unit_column(day, sub_city_level(session, end_of(day)))
    holders = _holders_in_force(day)
    placed = func.coalesce(unit, Account.district_code)
    return _stock(session, select(placed, func.count(), func.count(holders.c.account_id))
                  .select_from(Account)
                  .outerjoin(Resident, Resident.national_id == Account.national_id)
                  .outerjoin(holders, holders.c.account_id == Account.id)
                  .where(_adult_citizen_accounts(day)).group_by(placed), ACCOUNT_MEASURES)


def resident_row(measures: dict[str, int]) -> tuple[int, ...]:
    """Residents; adults among them; those with a health record."""
    adult = [m for m, age in AGE_BANDS.items() if age >= ADULT_AGE]
    return (sum(measures.get(m, 0) for m in AGE_BANDS), sum(measures.get(m, 0) for m in adult),
            measures.get("residents_with_health_record", 0))


def account_row(measures: dict[str, int]) -> tuple[int, ...]:
    """Adult citizen accounts open; those holding a certificate."""
    return tuple(measures.get(m, 0) for m in ACCOUNT_MEASURES)


def rows_of(stock: Stock, row: Callable[[dict[str, int]], tuple[int, ...]]) -> Rows:
    return {unit: row(measures) for unit, measures in stock.items()}


def resident_counts(session: Session, period: Period, _today: date) -> Rows:
    """Residents born by the last day; adults among them; those with a health record by the end."""
    return rows_of(resident_stock(session, period.last_day), resident_row)


def resident_counts_2025(session: Session, period: Period, _today: date) -> Rows:
    """The same counts, each person in their 2025 unit (`?units=2025`)."""
    return rows_of(resident_stock(session, period.last_day, unit_2025_column(period.last_day)), resident_row)


def account_counts(session: Session, period: Period, _today: date) -> Rows:
    """Adult citizen accounts open at the period's last instant; those holding a certificate."""
    return rows_of(account_stock(session, period.last_day), account_row)


def account_counts_2025(session: Session, period: Period, _today: date) -> Rows:
    """The same counts, each account in its person's 2025 unit (`?units=2025`)."""
    return rows_of(account_stock(session, period.last_day, unit_2025_column(period.last_day)), account_row)


# Each stock query -> its measures and how to read its rows from them (as a snapshot holds them:
# services/metrics/snapshots.py).
STOCKS: dict[QueryFn, tuple[tuple[str, ...], Callable[[dict[str, int]], tuple[int, ...]]]] = {
    resident_counts: (RESIDENT_MEASURES, resident_row), account_counts: (ACCOUNT_MEASURES, account_row)}


# --- flows and usage ---------------------------------------------------------------------


def _received_day() -> ColumnElement:
    """The local day a dossier was received (submitted, if it never was): its owner's unit then counts."""
    return local_date(func.coalesce(Dossier.received_at, Dossier.submitted_at))


def _dossier_rows(session: Session, period: Period, unit: ColumnElement) -> Rows:
    """Received; received online; of them of a fully-online procedure; decided; decided on time;
    each dossier in `unit`, read through its owner's registry row (else `dossiers.district_code`).

    on_time is set with finished_at when a dossier is decided (services/dossiers/deadlines.finish).
    """
    received = and_(Dossier.received_at >= period.starts_at, Dossier.received_at < period.ends_at)
    finished = and_(Dossier.finished_at >= period.starts_at, Dossier.finished_at < period.ends_at)
    online = and_(received, Dossier.channel == DossierChannel.ONLINE)
    placed = func.coalesce(unit, Dossier.district_code)
    return _by_unit(session, select(
        placed, func.count().filter(received), func.count().filter(online),
        func.count().filter(and_(online, Procedure.online_level == OnlineLevel.FULL)),
        func.count().filter(finished), func.count().filter(and_(finished, Dossier.on_time == true())))
        .select_from(Dossier)
        .join(Procedure, Procedure.code == Dossier.procedure_code)
        .outerjoin(Resident, Resident.id == Dossier.owner_resident_id)
        .where(or_(received, finished)).group_by(placed))


def dossier_counts(session: Session, period: Period, _today: date) -> Rows:
    """The dossier counts, each dossier in its owner's home unit on the day it was received (at the
    period's level), not in the unit that received it."""
    return _dossier_rows(session, period, unit_column(_received_day(), sub_city_level(session, period)))


def dossier_counts_2025(session: Session, period: Period, _today: date) -> Rows:
    """The same counts, each dossier in its owner's 2025 unit (`?units=2025`)."""
    return _dossier_rows(session, period, unit_2025_column(_received_day()))


def monthly_active(session: Session, period: Period, today: date) -> Rows:
    """Distinct active citizens of the period's last month; the city row is their union."""
    return _by_unit(session, select(UsageMonthlyActive.unit_code, UsageMonthlyActive.active_users)
                    .where(UsageMonthlyActive.month == period.last_month(today),
                           UsageMonthlyActive.feature == ANY_FEATURE))


# What each query's answer depends on, so that periods asking the same share one run: stocks
# depend on the period's last day only (a year, its Q4 and December are one run), monthly
# active users on the month read; dossiers are flows, summed from the months (`ADDITIVE`).
SAME_ANSWER: dict[QueryFn, Callable[[Period, date], object]] = {
    resident_counts: lambda period, _today: period.last_day,
    resident_counts_2025: lambda period, _today: period.last_day,
    account_counts: lambda period, _today: period.last_day,
    account_counts_2025: lambda period, _today: period.last_day,
    dossier_counts: lambda period, _today: (period.first_day, period.last_day),
    dossier_counts_2025: lambda period, _today: (period.first_day, period.last_day),
    monthly_active: lambda period, today: period.last_month(today),
}
ADDITIVE = frozenset({dossier_counts, dossier_counts_2025})
# The query a period re-expressed on the 2025 units (`?units=2025`) reads instead; monthly active
# users are placed from their own codes (services/metrics/reexpression.py).
REEXPRESSED: dict[QueryFn, QueryFn] = {resident_counts: resident_counts_2025, account_counts: account_counts_2025,
                                       dossier_counts: dossier_counts_2025}

RESIDENTS, ADULT_RESIDENTS, RESIDENTS_WITH_RECORD = (Count(resident_counts, i) for i in range(3))
EID_ACCOUNTS, SIGNATURE_HOLDERS = (Count(account_counts, i) for i in range(2))
RECEIVED, RECEIVED_ONLINE, RECEIVED_FULL_ONLINE, FINISHED, FINISHED_ON_TIME = (
    Count(dossier_counts, i) for i in range(5))
MONTHLY_ACTIVE = Count(monthly_active, 0)


@dataclass(frozen=True)
class Formula:
    """How an indicator is counted; `periods` is how its counts relate along periods (see
    services/metrics/suppression.py): "sum" for flows (dossiers in the period), "last" for
    stocks (as they stand at the period's end, or its last month's active users)."""
    numerator: Count
    denominator: Count
    periods: Along = "last"


# Indicator code -> how it is counted.
FORMULAS: dict[str, Formula] = {
    "eid_verified_share": Formula(EID_ACCOUNTS, ADULT_RESIDENTS),
    "signature_holder_share": Formula(SIGNATURE_HOLDERS, ADULT_RESIDENTS),
    "ehr_share": Formula(RESIDENTS_WITH_RECORD, RESIDENTS),
    "online_dossier_share": Formula(RECEIVED_ONLINE, RECEIVED, "sum"),
    "full_online_dossier_share": Formula(RECEIVED_FULL_ONLINE, RECEIVED, "sum"),
    "on_time_share": Formula(FINISHED_ON_TIME, FINISHED, "sum"),
    "mau_share": Formula(MONTHLY_ACTIVE, ADULT_RESIDENTS),
}
